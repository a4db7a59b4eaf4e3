// Facilitator's live dashboard for one session: /dashboard/{session_id}.
import {
  api, el, fill, showStatus, showError, clock, pathPart, copyText, SessionClock, LiveSocket,
} from '/static/common.js';
import { renderHeadline } from '/static/headline.js';
import { PeopleBoard } from '/static/tiles.js';
import { HandQueue } from '/static/hands.js';

const $ = (id) => document.getElementById(id);
const sessionId = pathPart('/dashboard/');
const sessionClock = new SessionClock();
const STATE_WORDS = { open: 'Not started', live: 'Live', ended: 'Ended' };

const state = {
  session: null,
  you: null,
  people: new Map(), // id -> person, in the order they first appeared
  seenAt: new Map(), // id -> session time their figures arrived (for quiet-for between frames)
  hands: [],
  group: null,
  ended: false,
};

const socket = new LiveSocket({
  sessionId, as: 'facilitator', onFrame: apply, onConnection: showConnection, onRefused: refused,
});
const board = new PeopleBoard($('tiles'), tapPerson);
const queue = new HandQueue({
  list: $('queue'), empty: $('queue-empty'), lowerAll: $('lower-all'), news: $('hand-news'), heading: $('hands-h'),
}, (message) => socket.send(message));

function isLive() {
  return state.session?.state === 'live';
}

function apply(frame) {
  switch (frame.type) {
    case 'snapshot':
      state.session = frame.session;
      state.you = frame.you;
      state.group = frame.group;
      sessionClock.sync(frame.session.elapsed_s, frame.session.state);
      state.people = new Map();
      frame.people.forEach(mergePerson);
      state.hands = frame.hands;
      renderSession();
      break;
    case 'person':
      mergePerson(frame.person);
      break;
    case 'hands':
      state.hands = frame.queue;
      renderQueue();
      break;
    case 'airtime':
      sessionClock.sync(frame.elapsed_s);
      frame.people.forEach(mergePerson);
      state.group = frame.group;
      break;
    case 'session':
      showStatus(''); // a start or end makes earlier messages stale
      state.session.state = frame.state;
      sessionClock.sync(frame.elapsed_s, frame.state);
      renderSession();
      break;
    default:
      return; // ack and error need nothing here: LiveSocket settles and reports them
  }
  render();
}

function mergePerson(update) {
  state.people.set(update.id, { ...state.people.get(update.id), ...update });
  state.seenAt.set(update.id, sessionClock.now());
}

function render() {
  const people = [...state.people.values()];
  const counted = people.filter((p) => p.status === 'participant').length;
  board.render(people, {
    now: sessionClock.now(),
    live: isLive(),
    ended: state.ended,
    participants: state.group?.participants ?? counted,
    seenAt: state.seenAt,
    handPlaces: new Map(state.hands.map((place) => [place.person, place.position])),
  });
  $('tiles-empty').hidden = people.some((p) => p.role === 'member');
  renderHeadline($('headline'), state.group, { elapsedS: sessionClock.now(), full: true });
  $('elapsed').textContent = state.session?.state === 'open' ? 'Waiting to start' : clock(sessionClock.now());
}

function renderQueue() {
  queue.set(state.hands, { enabled: isLive(), now: sessionClock.running ? sessionClock.now() : null });
}

function renderSession() {
  const { session } = state;
  $('title').textContent = session.group;
  document.title = `${session.group} — Airtime dashboard`;
  $('state-badge').textContent = STATE_WORDS[session.state] ?? session.state;
  $('state-badge').className = `badge ${session.state === 'live' ? 'badge-live' : 'badge-muted'}`;
  renderActions();
  if (state.you) renderQueue(); // only once a snapshot brought the real queue
  if (session.state === 'ended') finish();
}

function renderActions(confirming = false) {
  const actions = $('session-actions');
  const send = (action) => async (event) => {
    event.currentTarget.disabled = true;
    await socket.send({ type: 'session', action });
    renderActions();
  };
  if (state.ended) {
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

function tapPerson(id) {
  if (!isLive()) {
    showStatus(state.ended ? 'The session has ended.' : 'Start the session first: speaking is recorded only while it is live.');
    return;
  }
  const person = state.people.get(id);
  const message = { type: 'speaking', on: !person.speaking };
  // Your own tile marks you without `member` (protocol: "self without member").
  if (id !== state.you?.id) message.member = id;
  socket.send(message);
}

function showConnection(phase) {
  $('conn').textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[phase];
  $('notice').hidden = phase !== 'reconnecting';
}

function finish() {
  if (state.ended) return;
  state.ended = true;
  socket.stop();
  sessionClock.running = false;
  $('ended').hidden = false;
  $('report-link').href = `/api/sessions/${encodeURIComponent(sessionId)}/report`;
  $('conn').textContent = 'Session ended';
  $('notice').hidden = true;
  $('tiles-hint').hidden = true;
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
  if (err.status === 409) {
    const info = await api(`/api/sessions/${encodeURIComponent(sessionId)}`).catch(() => null);
    if (info?.state === 'ended') {
      state.session.state = 'ended';
      renderSession();
      return;
    }
  }
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

async function loadInvite(groupId) {
  const group = await api(`/api/groups/${encodeURIComponent(groupId)}`);
  const input = $('invite-url');
  input.value = group.invite_url;
  $('invite-copy').addEventListener('click', () => copyText(group.invite_url, input));
  $('invite').hidden = false;
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
  sessionClock.sync(info.elapsed_s, info.state);
  renderSession();
  render();
  loadInvite(info.group_id).catch(() => {}); // the link is a convenience; the dashboard works without it
  if (!state.ended) socket.start();
  setInterval(() => {
    render();
    queue.tick(sessionClock.running ? sessionClock.now() : null);
  }, 1000);
}

boot();
