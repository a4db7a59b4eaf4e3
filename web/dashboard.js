// Facilitator's live dashboard for one session: /dashboard/{session_id}. A member chosen
// as co-facilitator (DOMAIN.md R4) opens the same page and gets the same view, without
// the controls only the facilitator has (start/end, settings, choosing a co-facilitator).
import {
  api, el, fill, showStatus, showError, clock, pathPart, SessionClock, LiveSocket,
} from '/static/common.js';
import { renderHeadline } from '/static/headline.js';
import { PeopleBoard } from '/static/tiles.js';
import { HandQueue } from '/static/hands.js';
import { Timeline } from '/static/timeline.js';
import { PromptFeed } from '/static/prompts.js';
import { RoundsPanel } from '/static/rounds.js';
import { OwnVoice } from '/static/own-voice.js';
import { InviteCard } from '/static/invite.js';
import { PulseSummary } from '/static/pulse-summary.js';
import {
  WaitingRoom, CoFacilitatorCard, ConfidentialityControl, ProposalsCard, utcDate,
} from '/static/room-controls.js';

const $ = (id) => document.getElementById(id);
const sessionId = pathPart('/dashboard/');
const sessionClock = new SessionClock();
const STATE_WORDS = { open: 'Not started', live: 'Live', ended: 'Ended' };
// Keys that mark a person speaking, in tile order. The dashboard has no other
// single-key shortcuts; add any future one to RESERVED so it is never handed out.
const RESERVED = new Set();
const MARK_KEYS = [...'1234567890abcdefghijklmnopqrstuvwxyz'].filter((k) => !RESERVED.has(k));

const state = {
  session: null,
  you: null,
  people: new Map(), // id -> person, in the order they first appeared
  seenAt: new Map(), // id -> session time their figures arrived (for quiet-for between frames)
  hands: [],
  group: null,
  waiting: [],
  groupId: null,
  startedAt: null, // when the session started (ISO), to find this session's proposals after a reload
  lastError: null, // the latest error frame, read by controls whose send just failed
  ended: false,
  notLeading: false,
};

// A facilitator's account first; without one, a member cookie (a co-facilitator).
const connect = (as) => new LiveSocket({
  sessionId, as, onFrame: apply, onConnection: showConnection, onRefused: refused,
});
let socket = connect('facilitator');
const send = (message) => socket.send(message);
const board = new PeopleBoard($('tiles'), tapPerson, removePerson);
const queue = new HandQueue({
  list: $('queue'), empty: $('queue-empty'), lowerAll: $('lower-all'), news: $('hand-news'), heading: $('hands-h'),
}, send);
const prompts = new PromptFeed({ list: $('prompt-list'), empty: $('prompts-empty'), news: $('prompt-news') }, send);
const rounds = new RoundsPanel($('rounds'), send);
const timeline = new Timeline({
  strip: $('timeline'), grid: $('timeline-grid'), axis: $('timeline-axis'), now: $('timeline-now'),
  nowLabel: $('timeline-now-label'), turns: $('timeline-turns'), empty: $('timeline-empty'),
});
const waitingRoom = new WaitingRoom({
  card: $('waiting'), list: $('waiting-list'), news: $('waiting-news'), heading: $('hands-h'),
}, send);
const cofacCard = new CoFacilitatorCard({ card: $('cofac'), body: $('cofac-body'), msg: $('cofac-msg') }, {
  send, lastError: () => state.lastError,
});
const confidentiality = new ConfidentialityControl({
  pending: $('confidentiality-pending'), button: $('confidentiality-read'), note: $('confidentiality-note'),
  done: $('confidentiality-done'), statement: $('confidentiality-statement'),
}, send);
const proposals = new ProposalsCard({
  list: $('proposal-list'), empty: $('proposals-empty'), link: $('proposals-link'), news: $('proposal-news'),
});
const invite = new InviteCard({
  card: $('invite'), url: $('invite-url'), copy: $('invite-copy'), showQr: $('show-qr'), panel: $('qr-panel'),
  qr: $('qr'), large: $('qr-large'), big: $('qr-big'), dialog: $('qr-dialog'),
  dialogGroup: $('qr-dialog-group'), dialogUrl: $('qr-dialog-url'),
});
const pulses = new PulseSummary({ card: $('pulses-card'), body: $('pulses-body') }, sessionId);
const ownVoice = new OwnVoice({
  toggle: $('own-mic'), status: $('own-mic-status'), tools: $('own-mic-tools'), slider: $('own-mic-sensitivity'),
  levelFill: $('own-mic-fill'), levelMark: $('own-mic-mark'),
}, { send, notify: (message) => socket.notify(message), isOpen: () => socket.isOpen, isLive });

function isLive() {
  return state.session?.state === 'live';
}

const isFacilitator = () => state.you?.role === 'facilitator';

function apply(frame) {
  switch (frame.type) {
    case 'snapshot':
      if (frame.you.role === 'member') {
        notLeading();
        return;
      }
      state.session = frame.session;
      state.you = frame.you;
      state.group = frame.group;
      sessionClock.sync(frame.session.elapsed_s, frame.session.state);
      // A snapshot replaces everything, so a reconnect is whole again with nothing doubled.
      state.people = new Map();
      state.seenAt = new Map();
      frame.people.forEach(mergePerson);
      state.hands = frame.hands;
      state.waiting = frame.waiting ?? [];
      timeline.reset(frame.timeline);
      prompts.reset(frame.prompts);
      rounds.set(frame.round ?? null, sessionClock.now());
      renderSession();
      showDegraded(frame.session.degraded ? DEGRADED : '');
      waitingRoom.render(state.waiting, { ended: state.ended });
      loadSettings();
      loadAgreement();
      break;
    case 'person':
      mergePerson(frame.person);
      timeline.person(frame.person);
      break;
    case 'forget':
      // A member deleted their data (DOMAIN.md E9): they vanish from every view here.
      state.people.delete(frame.person);
      state.seenAt.delete(frame.person);
      timeline.forget(frame.person);
      break;
    case 'hands':
      state.hands = frame.queue;
      renderQueue();
      break;
    case 'prompt':
      prompts.add(frame.prompt);
      return;
    case 'proposal':
      proposals.add(frame.proposal, { announce: true });
      return;
    case 'prompt_outcome':
      prompts.outcome(frame.id, frame.outcome);
      return;
    case 'round':
      rounds.set(frame.round, sessionClock.now());
      break;
    case 'settings':
      state.session.settings = frame.settings;
      state.session.hand_order = frame.settings.hand_order;
      loadSettings();
      break;
    case 'waiting':
      state.waiting = frame.people;
      waitingRoom.render(state.waiting, { ended: state.ended });
      break;
    case 'resumed': // back after a drop: the frames that follow are the ones missed
      break;
    case 'degraded':
      showDegraded(frame.on ? frame.message : '');
      return;
    case 'error':
      state.lastError = frame;
      return;
    case 'airtime':
      sessionClock.sync(frame.elapsed_s);
      frame.people.forEach(mergePerson);
      state.group = frame.group;
      break;
    case 'session':
      showStatus(''); // a start or end makes earlier messages stale
      state.session.state = frame.state;
      if ('confidentiality_read' in frame) state.session.confidentiality_read = frame.confidentiality_read;
      sessionClock.sync(frame.elapsed_s, frame.state);
      renderSession();
      ownVoice.sessionChanged();
      break;
    default:
      return; // an ack needs nothing here: LiveSocket settles it
  }
  render();
}

function mergePerson(update) {
  state.people.set(update.id, { ...state.people.get(update.id), ...update });
  state.seenAt.set(update.id, sessionClock.now());
}

/** Person id -> the key that marks them speaking, by tile order (stable: the roster keeps arrival order). */
function markKeys(people) {
  return new Map(people.slice(0, MARK_KEYS.length).map((p, index) => [p.id, MARK_KEYS[index]]));
}

function render() {
  if (state.notLeading) return;
  const people = [...state.people.values()];
  const counted = people.filter((p) => p.status === 'participant').length;
  const now = sessionClock.now();
  board.render(people, {
    now,
    live: isLive(),
    ended: state.ended,
    participants: state.group?.participants ?? counted,
    seenAt: state.seenAt,
    handPlaces: new Map(state.hands.map((place) => [place.person, place.position])),
    keys: markKeys(people),
    you: state.you?.id,
    canRemove: Boolean(state.you),
    shareTimer: Boolean(state.session?.settings?.share_timer),
    longTurnS: state.session?.settings?.long_turn_s,
    waiting: new Set(state.waiting.map((p) => p.id)),
  });
  rounds.update({ live: isLive() && !state.ended, names: new Map(people.map((p) => [p.id, p.name])), now });
  cofacCard.render(people, { lead: isFacilitator(), live: isLive() });
  timeline.render(people, { now, you: state.you?.id, ended: state.ended });
  $('tiles-empty').hidden = people.some((p) => p.role === 'member');
  renderHeadline($('headline'), state.group, { elapsedS: now, full: true });
  $('elapsed').textContent = state.session?.state === 'open' ? 'Waiting to start' : clock(now);
}

function renderQueue() {
  queue.set(state.hands, {
    enabled: isLive(), now: sessionClock.running ? sessionClock.now() : null, keys: markKeys([...state.people.values()]),
  });
}

function renderSession() {
  const { session } = state;
  $('title').textContent = session.group;
  document.title = `${session.group} — Airtime dashboard`;
  $('state-badge').textContent = STATE_WORDS[session.state] ?? session.state;
  $('state-badge').className = `badge ${session.state === 'live' ? 'badge-live' : 'badge-muted'}`;
  renderActions();
  renderRole();
  confidentiality.render({ state: session.state, read: session.confidentiality_read });
  pulses.update({ live: session.state === 'live' && !state.ended });
  if (state.you) renderQueue(); // only once a snapshot brought the real queue
  if (session.state === 'ended') finish();
}

/** What only the facilitator may do stays hidden from a co-facilitator (and until the snapshot says who you are). */
function renderRole() {
  const lead = isFacilitator();
  const settings = $('settings-link');
  settings.hidden = !lead || !state.groupId;
  if (state.groupId) settings.href = `/groups/${encodeURIComponent(state.groupId)}/settings`;
  const agreementHref = lead && state.groupId ? agreementPath() : null;
  $('agreement-link').hidden = !agreementHref;
  if (agreementHref) $('agreement-link').href = agreementHref;
  proposals.setLink(agreementHref);
  $('proposals-card').hidden = !state.you; // for whoever leads, once the snapshot says who you are
  $('cofac').hidden = !lead || state.ended;
  $('role-note').hidden = state.you?.role !== 'cofacilitator';
  $('confidentiality').hidden = !lead || state.ended;
  $('report-link').hidden = !lead;
  $('groups-link').hidden = !lead;
}

/** Prompts on or off is a group setting only the facilitator can read; a co-facilitator assumes on. */
async function loadSettings() {
  if (!isFacilitator() || !state.groupId) return;
  prompts.settingsHref = `/groups/${encodeURIComponent(state.groupId)}/settings`;
  const settings = await api(`/api/groups/${encodeURIComponent(state.groupId)}/settings`).catch(() => null);
  if (settings) prompts.setEnabled(settings.prompts !== false);
}

const agreementPath = () => `/groups/${encodeURIComponent(state.groupId)}/agreement`;

/**
 * The group's agreement (facilitators only): the confidentiality statement to read aloud,
 * whether a review is due (DOMAIN.md E4), and the ground rules proposed since this session
 * started (proposals never enter the event log, so a reload finds them here).
 */
async function loadAgreement() {
  if (!isFacilitator() || !state.groupId) return;
  const group = `/api/groups/${encodeURIComponent(state.groupId)}`;
  const agreement = await api(`${group}/agreement`).catch(() => null);
  confidentiality.setStatement(agreement?.confidentiality ?? null);
  $('review-due').hidden = !agreement?.review_is_due;
  $('review-due-link').href = agreementPath();
  const since = utcDate(state.startedAt);
  if (!since) return;
  const list = await api(`${group}/proposals`).catch(() => []);
  for (const proposal of list) {
    if (utcDate(proposal.created_at) >= since) proposals.add(proposal);
  }
}

function renderActions(confirming = false) {
  const actions = $('session-actions');
  const send = (action) => async (event) => {
    event.currentTarget.disabled = true;
    await socket.send({ type: 'session', action });
    renderActions();
  };
  if (state.ended || !isFacilitator()) {
    fill(actions);
  } else if (confirming) {
    // Ending cannot be undone, so it takes a second, deliberate press.
    fill(actions,
      el('span', { class: 'confirm-text', text: 'End the session for everyone?' }),
      el('button', { type: 'button', class: 'danger', id: 'end-confirm', text: 'Yes, end it', onclick: send('end') }),
      el('button', { type: 'button', id: 'end-cancel', text: 'Keep going', onclick: () => renderActions() }));
    $('end-cancel').focus();
  } else {
    fill(actions,
      state.session.state === 'open'
        && el('button', { type: 'button', class: 'primary', id: 'start', text: 'Start session', onclick: send('start') }),
      el('button', { type: 'button', id: 'end', text: 'End session', onclick: () => renderActions(true) }));
  }
}

async function tapPerson(id) {
  if (!isLive()) {
    showStatus(state.ended ? 'The session has ended.' : 'Start the session first: speaking is recorded only while it is live.');
    return;
  }
  const person = state.people.get(id);
  if (person.removed) {
    showStatus(`${person.name} was removed from this session.`);
    return;
  }
  const on = !person.speaking;
  const message = { type: 'speaking', on };
  // Your own tile marks you without `member` (protocol: "self without member").
  if (id !== state.you?.id) message.member = id;
  if (await socket.send(message)) {
    $('mark-news').textContent = `${person.name}: ${on ? 'marked speaking' : 'stopped'}.`;
  }
}

async function removePerson(id) {
  const person = state.people.get(id);
  const ok = await send({ type: 'remove', member: id });
  if (ok) $('mark-news').textContent = `${person?.name ?? 'They'} removed from this session.`;
  return ok;
}

/** A plain member opened the dashboard (or stopped co-facilitating): this view is not theirs. */
function notLeading() {
  state.notLeading = true;
  socket.stop();
  ownVoice.stop('');
  $('conn').textContent = 'Not connected';
  for (const id of ['notice', 'ended', 'headline', 'session-controls', 'dash-grid', 'role-note', 'review-due']) $(id).hidden = true;
  const back = document.referrer && new URL(document.referrer).origin === location.origin
    && new URL(document.referrer).pathname.startsWith('/join/') ? document.referrer : null;
  fill($('member-way'), back
    ? el('a', { class: 'button primary', href: back, text: 'Back to your page for this session' })
    : 'To get back to your own page, open the invite link you joined with.');
  $('not-leading').hidden = false;
  $('not-leading-h').focus();
}

/** Is the keyboard busy typing somewhere (so a letter is text, not a shortcut)? */
function typingIn(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.closest('textarea, select, [contenteditable]')) return true;
  if (target.tagName !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
}

function onKey(event) {
  if (event.defaultPrevented || event.repeat || event.isComposing) return;
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
  if (typingIn(event.target) || invite.dialogOpen || state.ended) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : '';
  if (!key) return;
  const people = [...state.people.values()];
  const entry = [...markKeys(people)].find(([, k]) => k === key);
  if (!entry) return;
  event.preventDefault();
  tapPerson(entry[0]);
}

const DEGRADED = 'Live updates are running in a reduced mode: everything is still recorded, '
  + "and other people's changes may show a second or two late.";

/** The server's broker is away (RELIABILITY.md F4): a notice until a fresh snapshot says it is back. */
function showDegraded(message) {
  $('degraded').textContent = message;
  $('degraded').hidden = !message;
}

function showConnection(phase) {
  $('conn').textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[phase] ?? 'Not connected';
  $('notice').hidden = phase !== 'reconnecting';
  if (phase === 'reconnecting') ownVoice.stop('The connection dropped, so detecting your voice stopped. Turn it on again once the dashboard says Connected.');
}

function finish() {
  if (state.ended) return;
  state.ended = true;
  socket.stop();
  sessionClock.running = false;
  $('ended').hidden = false;
  $('report-link').href = `/sessions/${encodeURIComponent(sessionId)}/report`;
  $('conn').textContent = 'Session ended';
  $('notice').hidden = true;
  $('tiles-hint').hidden = true;
  $('room-help').hidden = true;
  $('confidentiality').hidden = true;
  $('rounds').hidden = true;
  $('cofac').hidden = true;
  $('waiting').hidden = true;
  pulses.update({ live: false });
  pulses.load(); // the final tally
  prompts.setAnswerable(false);
  ownVoice.stop('The session has ended.', { final: true });
  $('own-voice').hidden = true;
  timeline.closeAll(sessionClock.now());
  // Ending closes every open segment and lowers every hand (SCENARIO.md); show that
  // now rather than rely on frames that may not arrive before the socket closes.
  for (const person of state.people.values()) person.speaking = false;
  state.hands = [];
  $('tiles').classList.add('is-ended');
  renderQueue();
  render();
  renderActions();
}

async function refused(err) {
  if (err.status === 404 && socket.as === 'facilitator') {
    socket = connect('member'); // perhaps a member chosen as co-facilitator
    socket.start();
    return;
  }
  if (err.status === 409) {
    const info = await api(`/api/sessions/${encodeURIComponent(sessionId)}`).catch(() => null);
    if (info?.state === 'ended') {
      state.session.state = 'ended';
      renderSession();
      return;
    }
  }
  if (err.status === 403 && state.you && !isFacilitator()) notLeading(); // a co-facilitator removed (4003)
  $('conn').textContent = 'Not connected';
  $('notice').hidden = true;
  showError(err);
  // The server answers 404 rather than 401 for a session it will not show you, so ask.
  const loggedOut = err.status === 401
    || (err.status === 404 && await api('/api/auth/me').then(() => false, (e) => e.status === 401));
  if (loggedOut) {
    fill($('notice'), 'You are not logged in, or your login expired. ',
      el('a', { href: '/', text: 'Log in' }), ', then come back to this page.');
    $('notice').hidden = false;
  }
}

async function boot() {
  if (!sessionId) {
    showStatus('This address does not name a session.', 'error');
    return;
  }
  let info;
  try {
    info = await api(`/api/sessions/${encodeURIComponent(sessionId)}`);
  } catch (err) {
    refused(err);
    return;
  }
  state.session = { id: info.id, group: info.group, state: info.state, elapsed_s: info.elapsed_s };
  state.groupId = info.group_id;
  state.startedAt = info.started_at;
  sessionClock.sync(info.elapsed_s, info.state);
  renderSession();
  render();
  invite.load(info.group_id).catch(() => {}); // the link is a convenience; the dashboard works without it
  pulses.load();
  if (!state.ended) socket.start();
  document.addEventListener('keydown', onKey);
  setInterval(() => {
    render();
    queue.tick(sessionClock.running ? sessionClock.now() : null);
  }, 1000);
}

boot();
