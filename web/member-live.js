// The member's live view: only their own numbers (DOMAIN.md E6), their hand, their choices.
import { showStatus, clock, percent, ordinal, SessionClock, LiveSocket } from '/static/common.js';
import { renderHeadline } from '/static/headline.js';

const $ = (id) => document.getElementById(id);
const HOLD_MS = 500; // a press longer than this is "hold while you talk": releasing stops
const HEARTBEAT_MS = 2000; // DOMAIN.md D5 asks for one at least every 5 s while speaking
const STATE_WORDS = { open: 'Waiting for the facilitator to start', live: 'Live', ended: 'Ended' };

export class MemberLive {
  socket = null;
  session = null;
  me = null;
  group = null;
  ended = false;
  deviceSpeaking = false; // this device switched speaking on (not the facilitator's marking)
  clock = new SessionClock();
  #press = null;

  /** callbacks: onLive() at the first snapshot, onRefused(ApiError, sessionId) when no ticket is given. */
  constructor({ onLive, onRefused }) {
    Object.assign(this, { onLive, onRefused });
    this.#wireSpeakButton();
    $('hand').addEventListener('click', () => this.#act($('hand'), { type: 'hand', raised: !this.me?.hand }));
    $('listening').addEventListener('click', () => this.#act($('listening'), { type: 'listening', on: !this.me?.listening }));
    $('pause').addEventListener('click', () => this.#act($('pause'), { type: 'pause', on: !this.me?.paused }));
    $('called-ok').addEventListener('click', () => { $('called').hidden = true; });
    // A hidden page cannot be speaking through this device any more.
    document.addEventListener('visibilitychange', () => { if (document.hidden) this.#stopDeviceSpeaking(); });
    window.addEventListener('pagehide', () => this.#stopDeviceSpeaking());
    setInterval(() => { if (this.deviceSpeaking) this.socket?.notify({ type: 'heartbeat' }); }, HEARTBEAT_MS);
    setInterval(() => this.#renderClock(), 1000);
  }

  connect(sessionId) {
    this.socket?.stop();
    this.ended = false;
    for (const [id, hidden] of [['controls', false], ['choices', false], ['ended', true]]) $(id).hidden = hidden;
    this.socket = new LiveSocket({
      sessionId,
      as: 'member',
      onFrame: (frame) => this.#apply(frame),
      onConnection: (phase) => this.#connection(phase),
      onRefused: (err) => this.onRefused(err, sessionId),
    });
    this.socket.start();
  }

  /** Show the session as over; nothing more is sent (RELIABILITY.md F7). */
  end() {
    this.ended = true;
    this.deviceSpeaking = false;
    this.socket?.stop();
    this.clock.running = false;
    $('controls').hidden = true;
    $('choices').hidden = true;
    $('called').hidden = true;
    $('notice').hidden = true;
    $('ended').hidden = false;
    $('conn').textContent = '';
    if (this.session) this.#render();
  }

  #apply(frame) {
    switch (frame.type) {
      case 'snapshot':
        this.session = frame.session;
        this.me = frame.me;
        this.group = frame.group;
        this.clock.sync(frame.session.elapsed_s, frame.session.state);
        if (!this.me.speaking) this.deviceSpeaking = false;
        $('live').hidden = false;
        this.onLive();
        break;
      case 'person':
        this.#mergeMe(frame.person);
        break;
      case 'airtime':
        this.clock.sync(frame.elapsed_s);
        this.#mergeMe(frame.me);
        if ('group' in frame) this.group = frame.group;
        break;
      case 'session':
        showStatus(''); // a start or end makes earlier messages stale
        this.session.state = frame.state;
        this.clock.sync(frame.elapsed_s, frame.state);
        break;
      case 'called':
        $('called').hidden = false;
        break;
      default:
        return;
    }
    if (this.session.state === 'ended' && !this.ended) this.end();
    this.#render();
  }

  #mergeMe(update) {
    if (!update || (this.me && update.id && update.id !== this.me.id)) return;
    this.me = { ...this.me, ...update };
    if (!this.me.speaking) this.deviceSpeaking = false;
  }

  #connection(phase) {
    $('conn').textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[phase];
    $('notice').hidden = phase !== 'reconnecting';
  }

  #renderClock() {
    if (!this.session) return;
    const { state } = this.session;
    $('elapsed').textContent = state === 'open' ? '' : clock(this.clock.now());
  }

  #render() {
    const { me, session } = this;
    const live = session.state === 'live';
    const tracked = me.tracked && me.status !== 'not_tracked';
    $('state-badge').textContent = STATE_WORDS[session.state] ?? session.state;
    $('state-badge').className = `badge ${live ? 'badge-live' : 'badge-muted'}`;
    this.#renderClock();
    $('my-airtime').textContent = tracked ? clock(me.airtime_s) : '—';
    $('my-share').textContent = shareWords(me);
    const note = trackingWords(me, tracked);
    $('my-tracking').textContent = note;
    $('my-tracking').hidden = !note;

    const speak = $('speak');
    speak.setAttribute('aria-pressed', String(Boolean(me.speaking)));
    speak.classList.toggle('is-speaking', Boolean(me.speaking));
    speak.disabled = !live || me.paused || !tracked;
    $('speak-hint').textContent = speakHint(me, live, tracked);

    $('hand').textContent = me.hand ? 'Lower my hand' : 'Raise my hand';
    $('hand').classList.toggle('is-raised', Boolean(me.hand));
    $('hand').disabled = !live;
    $('hand-place').textContent = me.hand ? `You are ${ordinal(me.hand.position)} in the queue.` : '';
    for (const [id, on] of [['listening', me.listening], ['pause', me.paused]]) {
      $(id).setAttribute('aria-pressed', String(Boolean(on)));
    }
    renderHeadline($('group'), this.group, { full: false });
  }

  async #act(button, message) {
    button.disabled = true;
    await this.socket?.send(message);
    button.disabled = false;
    if (this.me) this.#render();
  }

  #setSpeaking(on) {
    if (!this.me || Boolean(this.me.speaking) === on) return;
    this.deviceSpeaking = on;
    this.me = { ...this.me, speaking: on }; // shown at once; the person frame confirms it
    if (on) $('called').hidden = true;
    this.#render();
    this.socket.send({ type: 'speaking', on }).then((ok) => {
      if (!ok) this.socket.notify({ type: 'snapshot' }); // refused: fetch the truth again
    });
  }

  #stopDeviceSpeaking() {
    if (this.deviceSpeaking) this.#setSpeaking(false);
  }

  // Tap toggles; holding longer than HOLD_MS means "while I hold it". Keyboard
  // activation (click with detail 0) always toggles.
  #wireSpeakButton() {
    const speak = $('speak');
    speak.addEventListener('pointerdown', (event) => {
      if (speak.disabled || event.button !== 0) return;
      const wasOn = Boolean(this.me?.speaking);
      speak.setPointerCapture(event.pointerId); // so a release off the button still counts
      this.#press = { at: performance.now(), wasOn };
      if (!wasOn) this.#setSpeaking(true);
    });
    const release = () => {
      if (!this.#press) return;
      const { at, wasOn } = this.#press;
      this.#press = null;
      if (wasOn || performance.now() - at > HOLD_MS) this.#setSpeaking(false);
    };
    speak.addEventListener('pointerup', release);
    speak.addEventListener('pointercancel', release);
    speak.addEventListener('contextmenu', (event) => event.preventDefault()); // long-press menu on phones
    speak.addEventListener('click', (event) => {
      if (event.detail === 0) this.#setSpeaking(!this.me?.speaking);
    });
  }
}

function shareWords(me) {
  if (me.status !== 'participant') return '';
  if (me.share === null || me.share === undefined) return 'Your share of the talk shows once people have spoken.';
  return `${percent(me.share)} of the group's talk so far.`;
}

function trackingWords(me, tracked) {
  if (!tracked) return 'Your speaking is not tracked.';
  if (me.paused) return 'Your tracking is paused: nothing about your speaking is recorded until you resume.';
  if (me.listening) return "You're listening today. You're not counted in the group's balance.";
  return '';
}

function speakHint(me, live, tracked) {
  if (!tracked) return 'Your speaking is not tracked, so there is nothing to mark.';
  if (me.paused) return 'Resume your tracking to mark when you speak.';
  if (!live) return 'You can mark your speaking once the facilitator starts the session.';
  if (me.speaking) return 'Marked as speaking. Tap again when you stop.';
  return 'Tap when you start and again when you stop, or hold it while you talk.';
}
