// The member page's check-in and check-out cards (DOMAIN.md E8): optional, anonymous,
// once per phase. The server stores the answer without the member; facilitators see a
// group total only once five or more people have answered.
// All text goes in through el() / textContent (RELIABILITY.md S6).
import { el, fill } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const THANKS = 'Thank you — answers are anonymous and only shown as a group total once five or more people have answered.';
const PHASES = {
  check_in: {
    title: 'Check-in',
    intro: 'Optional and anonymous: your answers are stored without your name.',
    shownIn: ['open', 'live'],
  },
  check_out: {
    title: 'Check-out',
    intro: 'For the end of the session. Optional and anonymous: your answers are stored without your name.',
    shownIn: ['live'],
  },
};
const INCLUDED = [
  [1, '1 — not at all'], [2, '2'], [3, '3'], [4, '4'], [5, '5 — very'],
];
const SPACE = [['yes', 'Yes'], ['partly', 'Partly'], ['no', 'No']];

/**
 * send(message) -> Promise<boolean> (the socket's acknowledged send);
 * lastError() -> the latest `error` frame, read after a send came back false.
 */
export class PulseCards {
  #send;
  #lastError;
  #sessionId = null;
  #done = new Set(); // phases answered or skipped in this session (this device)

  constructor({ send, lastError }) {
    this.#send = send;
    this.#lastError = lastError;
    for (const phase of Object.keys(PHASES)) this.#build(phase);
  }

  /** A new session: forget the last one's answers, remember this one's from this device. */
  setSession(sessionId) {
    if (sessionId === this.#sessionId) return;
    this.#sessionId = sessionId;
    this.#done = new Set(Object.keys(PHASES).filter((phase) => this.#stored(phase)));
    $('pulse-thanks').hidden = true;
  }

  /** Show each card while its phase is open and not yet answered. */
  render(state, ended) {
    for (const [phase, info] of Object.entries(PHASES)) {
      const show = !ended && info.shownIn.includes(state) && !this.#done.has(phase);
      $(`pulse-${phase}`).hidden = !show;
    }
    if (ended) $('pulse-thanks').hidden = true;
  }

  #key(phase) {
    return `airtime.pulse.${this.#sessionId}.${phase}`;
  }

  #stored(phase) {
    try {
      return localStorage.getItem(this.#key(phase)) === '1';
    } catch {
      return false;
    }
  }

  #finish(phase) {
    this.#done.add(phase);
    try {
      localStorage.setItem(this.#key(phase), '1');
    } catch { /* private mode: forgotten at reload, the server still refuses a second answer */ }
    $(`pulse-${phase}`).hidden = true;
  }

  #build(phase) {
    const info = PHASES[phase];
    const card = $(`pulse-${phase}`);
    const id = (part) => `pulse-${phase}-${part}`;
    const radios = (name, options) => options.map(([value, label]) => el('span', { class: 'pulse-choice' },
      el('input', { type: 'radio', name, id: id(`${name}-${value}`), value: String(value) }),
      el('label', { for: id(`${name}-${value}`), text: label })));
    const form = el('form', { class: 'pulse-form', onsubmit: (event) => this.#submit(event, phase) },
      el('fieldset', { class: 'pulse-q' },
        el('legend', { text: 'How included did you feel today?' }),
        el('p', { class: 'hint', id: id('scale'), text: '1 = not at all, 5 = very' }),
        el('div', { class: 'pulse-options' }, radios('included', INCLUDED))),
      el('fieldset', { class: 'pulse-q' },
        el('legend', { text: 'Did you get the space you wanted?' }),
        el('div', { class: 'pulse-options' }, radios('space', SPACE))),
      el('p', { class: 'row pulse-actions' },
        el('button', { type: 'submit', class: 'primary', text: 'Send' }),
        el('a', { href: '#', class: 'pulse-skip', text: 'Skip', onclick: (event) => this.#skip(event, phase) })),
      el('p', { class: 'pulse-error', id: id('error'), role: 'alert' }));
    fill(card,
      el('h2', { id: id('h'), text: info.title }, ' ', el('span', { class: 'muted small', text: '· optional, anonymous' })),
      el('p', { class: 'hint', text: info.intro }),
      form);
    card.setAttribute('aria-labelledby', id('h'));
  }

  #skip(event, phase) {
    event.preventDefault();
    this.#finish(phase);
  }

  async #submit(event, phase) {
    event.preventDefault();
    const form = event.currentTarget;
    const error = $(`pulse-${phase}-error`);
    const button = form.querySelector('button[type=submit]');
    const included = form.querySelector('input[name=included]:checked')?.value;
    const space = form.querySelector('input[name=space]:checked')?.value;
    const message = { type: 'pulse', phase };
    if (included) message.included = Number(included);
    if (space) message.space = space;
    error.textContent = '';
    button.disabled = true;
    const before = this.#lastError();
    const ok = await this.#send(message);
    button.disabled = false;
    if (ok) {
      this.#finish(phase);
      const thanks = $('pulse-thanks');
      thanks.textContent = THANKS;
      thanks.hidden = false;
      return;
    }
    const frame = this.#lastError();
    error.textContent = frame && frame !== before && frame.message
      ? frame.message
      : 'That was not sent. Please try again in a moment.';
  }
}
