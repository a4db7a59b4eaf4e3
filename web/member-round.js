// The member page's parts for facilitation features (DOMAIN.md R3-R5): the round card
// with its Pass button, the soft share timer, and the co-facilitation choice and notice.
// All text goes in through textContent: names are user text (RELIABILITY.md S6).
import { clock } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const KIND_WORDS = { check_in: 'check-in', go_around: 'go-around', check_out: 'check-out' };

/** Set text only when it changes, so a live region is not re-announced every second. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * "Round: check-in", whose turn it is, and on my turn a Pass button and a soft
 * time indicator (never a warning colour, never enforced). #round-turn is a polite
 * live region: it changes only when the turn changes, so my turn is announced once.
 */
export class RoundCard {
  round = null;
  #meId = null;
  #at = 0; // performance.now() when the round's turn_s was true
  #running = false;

  /** send(message) -> Promise<boolean>, the socket's acknowledged send. */
  constructor({ send }) {
    $('round-pass').addEventListener('click', async () => {
      const button = $('round-pass');
      button.disabled = true;
      const ok = await send({ type: 'turn', action: 'pass' });
      button.disabled = false;
      if (ok) setText($('round-after'), 'You passed. Passing is always fine.');
    });
  }

  /** A round frame or a snapshot's round (null: none running). */
  set(round) {
    this.round = round ?? null;
    this.#at = performance.now();
  }

  /** Draw the card for member `meId`; `running` says whether session time runs (turn time grows). */
  render(meId, running) {
    this.#meId = meId;
    this.#running = running;
    const { round } = this;
    $('round-card').hidden = !round;
    if (!round) {
      setText($('round-turn'), '');
      return;
    }
    setText($('round-title'), `Round: ${KIND_WORDS[round.kind] ?? 'go-around'}`);
    const mine = Boolean(meId) && round.current === meId;
    setText($('round-turn'), turnWords(round, mine));
    $('round-card').classList.toggle('is-mine', mine);
    $('round-mine').hidden = !mine;
    setText($('round-after'), mine ? '' : afterWords(round, meId));
    $('round-after').hidden = mine || !$('round-after').textContent;
    this.tick();
  }

  /** Every second: the soft time indicator of my turn. */
  tick() {
    const { round } = this;
    const box = round?.timebox_s;
    const show = Boolean(round) && round.current === this.#meId && typeof box === 'number' && box > 0;
    $('round-time').hidden = !show;
    if (!show) return;
    const ran = (round.turn_s ?? 0) + (this.#running ? (performance.now() - this.#at) / 1000 : 0);
    setText($('round-time-text'), `Time so far: ${clock(ran)} of about ${clock(box)}. A guide, not a limit.`);
    $('round-time-fill').style.transform = `scaleX(${Math.min(1, ran / box).toFixed(3)})`;
  }
}

function turnWords(round, mine) {
  if (mine) return "It's your turn — share if you'd like, or pass.";
  if (!round.current) return 'Waiting for the next turn.';
  return round.current_name ? `It's ${round.current_name}'s turn.` : "It's someone else's turn.";
}

function afterWords(round, meId) {
  if (!meId) return '';
  if (round.next === meId) return "You're next. When it comes, you can share or pass.";
  const outcome = round.outcomes?.[meId];
  if (outcome === 'passed') return 'You passed. Passing is always fine.';
  if (outcome === 'done') return "You've had your turn.";
  if (outcome === 'skipped') return 'Your turn went by. You can raise your hand any time.';
  if (!(round.order ?? []).includes(meId)) return "You're not in this round. You can raise your hand any time.";
  return '';
}

/**
 * R5: how long my current turn has run, only while I speak and the group switched the
 * timer on. Calm on purpose: no warning colour, nothing happens when it runs long.
 */
export function renderShareTimer(me, settings, nowS) {
  const since = me?.speaking_since_s;
  const show = Boolean(settings?.share_timer && me?.speaking) && typeof since === 'number';
  $('share-timer').hidden = !show;
  if (!show) return;
  const about = settings.long_turn_s > 0 ? ` of about ${clock(settings.long_turn_s)}` : '';
  setText($('share-timer-text'), `You've been speaking for ${clock(nowS - since)}${about}.`);
}

/**
 * R4: the "willing to co-facilitate sometimes" switch and the "you're co-facilitating"
 * notice. The server does not say whether I opted in, so this device remembers what
 * was chosen here (per group) and says it again after every (re)connect.
 */
export class LeadChoice {
  #key;
  #send;
  #isOpen;
  #role = null;

  /** storageKey: per group; send(message) -> Promise<boolean>; isOpen() -> whether the socket is up. */
  constructor({ storageKey, send, isOpen }) {
    this.#key = storageKey;
    this.#send = send;
    this.#isOpen = isOpen;
    const saved = this.#saved();
    $('lead').checked = saved === true;
    $('lead').addEventListener('change', () => this.#changed($('lead').checked));
  }

  /** The socket is (again) connected: repeat a choice made on this device. */
  connected() {
    const saved = this.#saved();
    if (saved !== null) this.#send({ type: 'lead', on: saved });
  }

  /** My role in this session from the snapshot: "member" or "cofacilitator". */
  showRole(role, sessionId) {
    const leading = role === 'cofacilitator';
    $('cofac-notice').hidden = !leading;
    if (leading) $('cofac-link').href = `/dashboard/${encodeURIComponent(sessionId)}`;
    if (this.#role === 'cofacilitator' && !leading) {
      setText($('announce'), 'Your co-facilitator role for this session has ended.');
    }
    this.#role = role;
  }

  async #changed(on) {
    write(this.#key, on ? '1' : '0');
    if (!this.#isOpen()) {
      setText($('lead-status'), 'Saved on this device. It is passed on as soon as the connection is back.');
      return;
    }
    $('lead').disabled = true;
    const ok = await this.#send({ type: 'lead', on });
    $('lead').disabled = false;
    setText($('lead-status'), ok
      ? (on ? 'Thanks. You may be asked to co-facilitate a session.' : "Noted. You won't be asked to co-facilitate.")
      : 'Saved on this device. It is passed on when the connection is back.');
  }

  #saved() {
    const value = read(this.#key);
    return value === '1' ? true : value === '0' ? false : null;
  }
}

function read(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function write(key, value) {
  try { localStorage.setItem(key, value); } catch { /* remembered for this visit only */ }
}
