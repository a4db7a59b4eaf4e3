// The member page's microphone switch: detection on this device only (DOMAIN.md D1).
import { createSpeechDetector, micUnavailableReason, micErrorText } from '/static/mic.js';

const $ = (id) => document.getElementById(id);

const MIC_CONTEXT_WORDS = {
  offline: "Connection lost: your speaking can't be sent right now. It is sent again as soon as the connection is back.",
  paused: 'Your tracking is paused: the bar still shows your level, but nothing is sent.',
  'not-tracked': 'Your speaking is not tracked, so nothing is sent.',
  'not-live': 'Ready. Your speaking is noted once the facilitator starts the session.',
};
const SENSITIVITY_KEY = 'airtime.mic_sensitivity';

/**
 * The "use my microphone" switch, its level meter, sensitivity and status line.
 * It owns the detector's life: off while the page is hidden (and says so), on
 * again when the page is back, the screen kept awake while it runs.
 * callbacks: onSpeaking(on, agoMs) for every detector change, onChanged() when
 * the switch (and so the manual button) changes.
 */
export class MicSwitch {
  wanted = false; // the member switched it on (it may still be paused in the background)
  #detector;
  #phase = 'off'; // off | starting | on | background | ended | error
  #error = '';
  #context = '';
  #wakeLock = null;
  #announcedAt = 0;

  constructor({ onSpeaking, onChanged }) {
    this.onChanged = onChanged;
    window.airtimeMic = { startedAt: null, level: 0, threshold: null, speaking: false, running: false };
    this.#detector = createSpeechDetector({
      onChange: (on, agoMs) => {
        window.airtimeMic.speaking = on;
        $('mic-level').classList.toggle('is-speaking', on);
        onSpeaking(on, agoMs);
      },
      onLevel: (level, threshold) => this.#showLevel(level, threshold),
      onStop: () => this.#micEnded(),
    });
    const unavailable = micUnavailableReason();
    if (unavailable) {
      $('use-mic').disabled = true;
      $('mic-unavailable').textContent = unavailable;
      $('mic-unavailable').hidden = false;
    }
    $('use-mic').addEventListener('change', () => this.#switched($('use-mic').checked));
    const saved = Number(readStored(SENSITIVITY_KEY));
    if (saved >= 0.5 && saved <= 2) $('mic-sensitivity').value = String(saved);
    $('mic-sensitivity').addEventListener('input', () => this.#sensitivity());
    this.#sensitivity();
    document.addEventListener('visibilitychange', () => this.#visibility());
    window.addEventListener('pagehide', () => this.#detector.stop());
    this.#render();
  }

  get running() { return this.#detector.running; }
  get speaking() { return this.#detector.speaking; }

  /** Why the mic's speech is not being sent now ('' when it is): offline, paused, not-live, not-tracked. */
  setContext(context) {
    if (context === this.#context) return;
    this.#context = context;
    this.#render();
  }

  /** The session is over: release the mic for good. */
  shutDown() {
    this.#switched(false);
  }

  async #switched(on) {
    $('use-mic').checked = on;
    this.wanted = on;
    this.#error = '';
    if (on) {
      await this.#start();
    } else {
      this.#detector.stop();
      this.#phase = 'off';
      this.#releaseWakeLock();
    }
    this.#render();
    this.onChanged();
  }

  async #start() {
    if (document.hidden) {
      this.#phase = 'background';
      return;
    }
    this.#phase = 'starting';
    this.#render();
    try {
      await this.#detector.start();
    } catch (err) {
      this.#error = micErrorText(err);
      this.#phase = 'error';
      this.wanted = false;
      $('use-mic').checked = false;
      return;
    }
    if (!this.#detector.running) return; // switched off (or hidden) while the browser was asking
    window.airtimeMic.startedAt = this.#detector.startedAt;
    this.#phase = 'on';
    this.#keepAwake();
  }

  #visibility() {
    if (!this.wanted) return;
    if (document.hidden) {
      // A hidden page may be throttled or forgotten: never leave the member marked speaking.
      this.#detector.stop();
      this.#phase = 'background';
      this.#render();
    } else if (!this.#detector.running) {
      this.#start().then(() => { this.#render(); this.onChanged(); });
    } else {
      this.#keepAwake(); // the browser dropped the wake lock while hidden
    }
  }

  #micEnded() {
    this.wanted = false;
    $('use-mic').checked = false;
    this.#phase = 'ended';
    this.#releaseWakeLock();
    this.#render();
    this.onChanged();
  }

  #sensitivity() {
    const value = Number($('mic-sensitivity').value);
    this.#detector.setSensitivity(value);
    writeStored(SENSITIVITY_KEY, String(value));
    const words = value === 1 ? 'normal' : value > 1 ? 'more sensitive' : 'less sensitive';
    $('mic-sensitivity').setAttribute('aria-valuetext', `${value.toFixed(1)} times, ${words}`);
  }

  #showLevel(level, threshold) {
    Object.assign(window.airtimeMic, { level, threshold, speaking: this.#detector.speaking });
    $('mic-fill').style.transform = `scaleX(${level})`;
    $('mic-mark').style.left = `${(threshold * 100).toFixed(1)}%`;
    const now = performance.now();
    if (now - this.#announcedAt < 500) return; // assistive tech needs no more than two updates a second
    this.#announcedAt = now;
    const meter = $('mic-level');
    const pct = Math.round(level * 100);
    meter.setAttribute('aria-valuenow', String(pct));
    meter.setAttribute('aria-valuetext',
      `${pct} of 100; speaking counts from ${Math.round(threshold * 100)}${this.#detector.speaking ? '; hearing you' : ''}`);
  }

  #render() {
    const running = this.#phase === 'on';
    window.airtimeMic.running = this.#detector.running;
    $('mic-controls').hidden = !running;
    if (!running) {
      $('mic-fill').style.transform = 'scaleX(0)';
      $('mic-level').classList.remove('is-speaking');
      Object.assign(window.airtimeMic, { speaking: false, level: 0 });
    }
    $('mic-status').textContent = this.#statusWords();
    $('mic-status').dataset.phase = this.#phase;
  }

  #statusWords() {
    switch (this.#phase) {
      case 'starting': return 'Asking for your microphone…';
      case 'background': return 'Microphone paused while this page is in the background. It starts again when you come back.';
      case 'ended': return 'Your microphone stopped (unplugged, or its permission was withdrawn). Switch it on again to continue.';
      case 'error': return this.#error;
      case 'on': return MIC_CONTEXT_WORDS[this.#context] ?? 'Microphone on: your speaking is noted automatically.';
      default: return '';
    }
  }

  async #keepAwake() {
    // A sleeping phone would stop the microphone; where the browser allows, keep the screen on.
    if (!('wakeLock' in navigator) || this.#wakeLock || document.hidden) return;
    try {
      const lock = await navigator.wakeLock.request('screen');
      if (!this.wanted) { lock.release().catch(() => {}); return; }
      this.#wakeLock = lock;
      lock.addEventListener('release', () => { if (this.#wakeLock === lock) this.#wakeLock = null; });
    } catch {
      // Not allowed here (battery saver, policy): the mic works without it.
    }
  }

  #releaseWakeLock() {
    this.#wakeLock?.release().catch(() => {});
    this.#wakeLock = null;
  }
}

function readStored(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function writeStored(key, value) {
  try { localStorage.setItem(key, value); } catch { /* remembered for this visit only */ }
}
