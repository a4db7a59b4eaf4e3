// The member's live view: only their own numbers (DOMAIN.md E6), their hand, their choices.
import { showStatus, clock, percent, ordinal, SessionClock, LiveSocket } from '/static/common.js';
import { renderHeadline } from '/static/headline.js';
import { MicSwitch } from '/static/member-mic.js';
import { RoundCard, LeadChoice, renderShareTimer } from '/static/member-round.js';
import { ProposeForm, ConsentChoice, renderConfidentialityNote } from '/static/member-agreement.js';
import { ConcernForm } from '/static/member-concern.js';
import { showMyReport } from '/static/member-report.js';
import { PulseCards } from '/static/member-pulse.js';

const $ = (id) => document.getElementById(id);
const HOLD_MS = 500; // a press longer than this is "hold while you talk": releasing stops
const HEARTBEAT_MS = 2000; // DOMAIN.md D5 asks for one at least every 5 s while speaking
const STATE_WORDS = { open: 'Waiting for the facilitator to start', live: 'Live', ended: 'Ended' };

export class MemberLive {
  socket = null;
  session = null;
  me = null;
  group = null;
  role = 'member'; // or 'cofacilitator' while this member leads the session (DOMAIN.md R4)
  waiting = false; // in the group's waiting room until a facilitator lets them in
  ended = false;
  lastError = null; // the latest error frame, read by a card whose send just failed
  deviceSpeaking = false; // this device switched speaking on (not the facilitator's marking)
  clock = new SessionClock();
  mic = new MicSwitch({
    onSpeaking: (on, agoMs) => this.#micSpeech(on, agoMs),
    onChanged: () => this.#micSwitched(),
  });
  #press = null;
  #couldSend = false; // whether the mic's speech could be sent at the last look (see #reconcileMic)
  #owedOff = false; // the mic stopped hearing speech while its "on" could not be taken back yet

  /**
   * callbacks: onLive() at a snapshot that lets the member in, onWaiting() at one that
   * says they wait to be let in, onRemoved() when a facilitator removed them,
   * onRefused(ApiError, sessionId) when no ticket is given. leadKey: where this device
   * keeps the member's co-facilitation choice for the group. eraseMyData(): delete
   * everything held about this member (offered when they withdraw consent).
   */
  constructor({ onLive, onWaiting = () => {}, onRemoved = () => {}, onRefused, leadKey, eraseMyData }) {
    Object.assign(this, { onLive, onWaiting, onRemoved, onRefused });
    const send = (message) => this.socket?.send(message) ?? Promise.resolve(false);
    this.round = new RoundCard({ send });
    this.lead = new LeadChoice({ storageKey: leadKey, send, isOpen: () => Boolean(this.socket?.isOpen) });
    this.propose = new ProposeForm({ send });
    this.pulses = new PulseCards({ send, lastError: () => this.lastError });
    this.concern = new ConcernForm({ send });
    this.consent = new ConsentChoice({
      send, erase: eraseMyData, onSent: () => { if (this.me && this.session) this.#render(); },
    });
    this.#wireSpeakButton();
    $('hand').addEventListener('click', () => this.#act($('hand'), { type: 'hand', raised: !this.me?.hand }));
    $('listening').addEventListener('click', () => this.#act($('listening'), { type: 'listening', on: !this.me?.listening }));
    $('pause').addEventListener('click', () => this.#act($('pause'), { type: 'pause', on: !this.me?.paused }));
    $('called-ok').addEventListener('click', () => { $('called').hidden = true; });
    // A hidden page cannot be speaking through this device any more.
    document.addEventListener('visibilitychange', () => { if (document.hidden) this.#stopDeviceSpeaking(); });
    window.addEventListener('pagehide', () => this.#stopDeviceSpeaking());
    setInterval(() => {
      if (this.deviceSpeaking || (this.mic.speaking && this.#canSendMic())) this.socket?.notify({ type: 'heartbeat' });
    }, HEARTBEAT_MS);
    setInterval(() => this.#renderClock(), 1000);
  }

  connect(sessionId) {
    this.socket?.stop();
    this.ended = false;
    this.sessionId = sessionId;
    this.pulses.setSession(sessionId);
    for (const [id, hidden] of [['controls', false], ['mic', false], ['choices', false], ['propose', false], ['concern', false], ['ended', true], ['removed-card', true], ['deleted-card', true]]) $(id).hidden = hidden;
    this.socket = new LiveSocket({
      sessionId,
      as: 'member',
      onFrame: (frame) => this.#apply(frame),
      onConnection: (phase) => this.#connection(phase),
      onRefused: (err) => this.onRefused(err, sessionId),
      onClosed: ({ code, message }) => {
        if (code === 4003) this.removed();
        else if (code === 4004) this.deleted();
        else this.#stopped(message);
      },
    });
    this.socket.start();
  }

  /** A facilitator removed this member (close 4003): say so and nothing else; no reconnect. */
  removed() {
    this.#shutDown();
    showStatus('');
    for (const id of ['live', 'waiting-card', 'ended']) $(id).hidden = true;
    $('removed-card').hidden = false;
    this.onRemoved();
    $('removed-card').focus();
  }

  /** The member deleted their data: this page stops following the session and says so. */
  deleted() {
    this.#shutDown();
    showStatus('');
    for (const id of ['live', 'waiting-card', 'ended', 'removed-card']) $(id).hidden = true;
    $('deleted-card').hidden = false;
    this.onRemoved();
    $('deleted-card').focus();
  }

  /** The server closed the socket for good for another reason (4001): stop and say why. */
  #stopped(message) {
    this.#shutDown();
    $('conn').textContent = 'Not connected';
    showStatus(message, 'error');
  }

  #shutDown() {
    this.ended = true;
    this.deviceSpeaking = false;
    this.mic.shutDown();
    this.socket?.stop();
    this.clock.running = false;
    $('notice').hidden = true;
    $('conn').textContent = '';
  }

  /** Show the session as over; nothing more is sent (RELIABILITY.md F7). */
  end() {
    this.#shutDown();
    for (const id of ['controls', 'mic', 'choices', 'propose', 'concern', 'called', 'waiting-card', 'cofac-notice']) $(id).hidden = true;
    $('ended').hidden = false;
    if (this.sessionId) showMyReport(this.sessionId);
    this.round.set(null);
    if (this.session) this.#render();
  }

  #apply(frame) {
    switch (frame.type) {
      case 'snapshot':
        this.#snapshot(frame);
        break;
      case 'person':
        this.#mergeMe(frame.person);
        break;
      case 'airtime':
        this.clock.sync(frame.elapsed_s);
        // A co-facilitator's socket has the facilitator's view: everyone's figures, mine among them.
        this.#mergeMe(frame.me ?? frame.people?.find((p) => p.id === this.me?.id));
        if ('group' in frame) this.group = frame.group;
        break;
      case 'round':
        this.round.set(frame.round);
        break;
      case 'settings':
        this.session.settings = { ...this.session.settings, ...frame.settings };
        break;
      case 'session':
        showStatus(''); // a start or end makes earlier messages stale
        this.session.state = frame.state;
        if ('confidentiality_read' in frame) this.session.confidentiality_read = frame.confidentiality_read;
        this.clock.sync(frame.elapsed_s, frame.state);
        break;
      case 'called':
        $('called').hidden = false;
        break;
      case 'resumed': // back after a drop: the frames that follow are the ones missed
        break;
      case 'error':
        this.lastError = frame;
        return;
      default:
        return;
    }
    if (this.session.state === 'ended' && !this.ended) this.end();
    this.#render();
  }

  #snapshot(frame) {
    const wasWaiting = this.waiting;
    this.session = frame.session;
    this.role = frame.you?.role ?? 'member';
    this.me = frame.me ?? frame.people?.find((p) => p.id === frame.you?.id) ?? { id: frame.you?.id };
    this.group = frame.group;
    this.waiting = frame.waiting === true;
    this.round.set(frame.round);
    this.clock.sync(frame.session.elapsed_s, frame.session.state);
    if (!this.me.speaking) this.deviceSpeaking = false;
    this.lead.showRole(this.role, frame.session.id ?? this.sessionId);
    $('live').hidden = this.waiting;
    $('waiting-card').hidden = !this.waiting;
    if (this.waiting) {
      $('waiting-group').textContent = frame.session.group ?? '';
      this.onWaiting();
      return;
    }
    if (wasWaiting) $('announce').textContent = "You're in. The session is shown below.";
    this.onLive();
  }

  /** Whether the group's headline may be shown here (a co-facilitator may see it anyway). */
  #headline() {
    const allowed = this.role === 'cofacilitator' || this.session.settings?.members_see_headline !== false;
    return allowed ? this.group : null;
  }

  #mergeMe(update) {
    if (!update || (this.me && update.id && update.id !== this.me.id)) return;
    this.me = { ...this.me, ...update };
    if (!this.me.speaking) this.deviceSpeaking = false;
  }

  #connection(phase) {
    $('conn').textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[phase];
    $('notice').hidden = phase !== 'reconnecting';
    if (phase !== 'open') this.#couldSend = false; // so the first render after the reconnect's snapshot reconciles
    if (phase === 'open') this.lead.connected();
    this.mic.setContext(phase === 'reconnecting' ? 'offline' : this.#micContext());
  }

  #renderClock() {
    if (!this.session) return;
    const { state } = this.session;
    $('elapsed').textContent = state === 'open' ? '' : clock(this.clock.now());
    const live = state === 'live' && !this.ended;
    renderShareTimer(live ? this.me : null, this.session.settings, this.clock.now());
    this.round.tick();
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
    speak.disabled = !live || me.paused || !tracked || this.mic.wanted;
    $('speak-hint').textContent = this.mic.wanted && tracked
      ? 'Your microphone is marking when you speak. Switch it off below to use this button instead.'
      : speakHint(me, live, tracked);

    $('hand').textContent = me.hand ? 'Lower my hand' : 'Raise my hand';
    $('hand').classList.toggle('is-raised', Boolean(me.hand));
    $('hand').disabled = !live;
    $('hand-place').textContent = me.hand ? `You are ${ordinal(me.hand.position)} in the queue.` : '';
    for (const [id, on] of [['listening', me.listening], ['pause', me.paused]]) {
      $(id).setAttribute('aria-pressed', String(Boolean(on)));
    }
    renderConfidentialityNote(session, this.ended);
    this.pulses.render(session.state, this.ended);
    this.consent.render(me);
    renderHeadline($('group'), this.#headline(), { full: false });
    this.round.render(me.id, live && !this.ended);
    this.mic.setContext(this.#micContext());
    this.#reconcileMic();
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

  /** Whether the server would take this device's speech now (paused speech is dropped there anyway: E5). */
  #canSendMic() {
    const { me, session } = this;
    return Boolean(this.socket?.isOpen && me && session?.state === 'live'
      && me.tracked && me.status !== 'not_tracked' && !me.paused);
  }

  #micContext() {
    const { me, session } = this;
    if (this.socket && !this.socket.isOpen) return 'offline';
    if (!me || !session) return '';
    if (session.state === 'ended') return '';
    if (!me.tracked || me.status === 'not_tracked') return 'not-tracked';
    if (me.paused) return 'paused';
    if (session.state !== 'live') return 'not-live';
    return '';
  }

  #micSwitched() {
    // Switching the mic on ends a speaking turn marked with the button: the mic decides from now on.
    if (this.mic.wanted && !this.mic.speaking && this.deviceSpeaking && this.socket?.isOpen) this.#setSpeaking(false);
    if (this.me) this.#render();
  }

  /** The detector saw speech start or stop (agoMs back-dates it, DOMAIN.md D4). */
  #micSpeech(on, agoMs) {
    if (this.ended) return;
    if (on) {
      if (!this.#canSendMic()) return; // sent when it can be (#reconcileMic), if still speaking
      this.#sendMic(true, agoMs);
      $('called').hidden = true;
    } else if (this.deviceSpeaking || this.me?.speaking) {
      // Also ends a facilitator's marking: a tap only holds until the device's next change (D2).
      if (this.socket?.isOpen) this.#sendMic(false, agoMs);
      else this.#owedOff = true; // the server closes it itself when the socket is gone (D5); or we do on return
    }
    if (this.me) this.#render();
  }

  #sendMic(on, agoMs) {
    this.deviceSpeaking = on;
    this.#owedOff = false;
    this.me = { ...this.me, speaking: on }; // shown at once; the person frame confirms it
    this.socket.send({ type: 'speaking', on, ago_ms: agoMs }).then((ok) => {
      if (!ok && this.socket?.isOpen) this.socket.notify({ type: 'snapshot' }); // refused: fetch the truth again
    });
  }

  /**
   * When the mic's speech becomes sendable again (connection back, session started,
   * tracking resumed), tell the server only what it is missing: "on" if the member is
   * speaking right now, "off" if an earlier "on" from here could not be taken back.
   */
  #reconcileMic() {
    const can = this.#canSendMic();
    const became = can && !this.#couldSend;
    this.#couldSend = can;
    if (!became || !this.mic.running) return;
    if (this.mic.speaking && !this.me.speaking) this.#sendMic(true, 0);
    else if (!this.mic.speaking && this.me.speaking && this.#owedOff) this.#sendMic(false, 0);
    else this.#owedOff = false;
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
