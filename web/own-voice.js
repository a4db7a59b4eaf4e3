// The dashboard's "own voice" switch: the facilitator's own speech, detected on this
// device (DOMAIN.md D1, D2) with /static/mic.js. Only on/off leaves the device;
// heartbeats every 2 s while on (D5). Stops, and says "off", when the page is hidden;
// the dashboard stops it when the socket drops or the session ends.

/** mic.js's onStop reasons, in words. */
const STOP_WORDS = {
  'mic-ended': 'The microphone went away (unplugged, or its permission was withdrawn), so voice detection stopped.',
};

export class OwnVoice {
  #detector = null;
  #told = false; // what the server last heard from us: speaking or not
  #heartbeat = null;
  #level = null; // the latest level, drawn on the next animation frame
  #attempt = 0; // bumps on every start and stop, so a slow start that was overtaken gives up

  /**
   * parts: {toggle, status, tools, slider, levelFill, levelMark} elements of the page.
   * socket: {send(message), notify(message), isOpen()} for the current live socket;
   * isLive() says whether the session is live (nothing is recorded outside it).
   */
  constructor(parts, { send, notify, isOpen, isLive }) {
    Object.assign(this, parts);
    Object.assign(this, { send, notify, isOpen, isLive });
    const { toggle, slider } = this;
    toggle.addEventListener('change', () => {
      if (toggle.checked) this.#start();
      else this.stop('Off. Your own tile still marks you by tap or key.');
    });
    slider.addEventListener('input', () => {
      const x = Number(slider.value);
      slider.setAttribute('aria-valuetext', x < 0.9 ? 'less sensitive' : x > 1.1 ? 'more sensitive' : 'normal');
      this.#detector?.setSensitivity?.(x);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && (this.#detector || toggle.checked)) {
        this.stop('Stopped because this page was hidden. Turn it on again when you are back.');
      }
    });
  }

  /** Stop detecting and say `message`; `final` (the session ended) also disables the switch. */
  stop(message, { final = false } = {}) {
    this.#attempt += 1;
    const running = this.#detector;
    this.#detector = null;
    running?.stop();
    if (running || this.toggle.checked) this.#stopped(message);
    else this.#tell(false);
    if (final) this.toggle.disabled = true;
  }

  /** The session changed state: say "speaking" now if we already hear the facilitator. */
  sessionChanged() {
    if (this.isLive() && this.#detector?.speaking) this.#tell(true, 0);
    if (!this.isLive()) this.#tell(false);
  }

  #say(text) {
    this.status.textContent = text;
  }

  #tell(on, agoMs = 0) {
    if (on === this.#told) return;
    if (on && (!this.isLive() || !this.isOpen())) return; // nothing is recorded outside a live session
    this.#told = on;
    clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    if (this.isOpen()) {
      const ago = Math.max(0, Math.min(2000, Math.round(agoMs ?? 0)));
      this.send({ type: 'speaking', on, ...(ago ? { ago_ms: ago } : {}) });
    }
    if (on) this.#heartbeat = setInterval(() => this.notify({ type: 'heartbeat' }), 2000);
  }

  #drawLevel = () => {
    if (!this.#level) return;
    this.levelFill.style.width = `${Math.round(Math.min(1, this.#level[0]) * 100)}%`;
    this.levelMark.style.left = `${Math.round(Math.min(1, this.#level[1]) * 100)}%`;
    this.#level = null;
  };

  #stopped(message) {
    this.#tell(false);
    this.#detector = null;
    this.toggle.checked = false;
    this.tools.hidden = true;
    if (message) this.#say(message);
  }

  async #start() {
    const mine = ++this.#attempt;
    this.#say('Asking for the microphone…');
    let mic;
    try {
      // Loaded only when wanted, and guarded: the dashboard works without it.
      mic = await import('/static/mic.js');
      if (typeof mic.createSpeechDetector !== 'function') throw new Error('no detector');
    } catch {
      if (mine === this.#attempt) this.#stopped('Voice detection is not available on this server yet, so this switch cannot work. Tap your own tile or press its key instead.');
      return;
    }
    if (mine !== this.#attempt) return;
    const unavailable = mic.micUnavailableReason?.();
    if (unavailable) {
      this.#stopped(unavailable);
      return;
    }
    const made = mic.createSpeechDetector({
      onChange: (on, agoMs) => {
        if (made !== this.#detector) return;
        this.#tell(on, agoMs);
        this.#say(on ? 'Hearing you speak.' : 'Listening for your voice.');
      },
      onLevel: (level01, threshold01) => {
        if (made !== this.#detector) return;
        if (!this.#level) requestAnimationFrame(this.#drawLevel);
        this.#level = [level01, threshold01];
      },
      onStop: (reason) => {
        if (made !== this.#detector) return;
        this.#stopped(`${STOP_WORDS[reason] ?? 'Voice detection stopped.'} Turn it on again to retry.`);
      },
    });
    this.#detector = made;
    try {
      await made.start();
    } catch (err) {
      if (made === this.#detector) {
        this.#stopped(mic.micErrorText?.(err)
          ?? `The microphone could not start${err?.message ? ` (${err.message})` : ''}. Check this site's microphone permission in the browser.`);
      }
      return;
    }
    if (made !== this.#detector) {
      made.stop(); // switched off while the browser was asking for permission
      return;
    }
    made.setSensitivity?.(Number(this.slider.value));
    this.tools.hidden = false;
    this.#say(this.isLive() ? 'Listening for your voice.' : 'Ready. Your speaking is recorded once the session is live.');
  }
}
