// Rounds (DOMAIN.md R3): check-ins, go-arounds and check-outs. The server picks the
// rotating order; the time-box is soft: shown as a calm bar, never enforced or warned about.
import { el, fill, clock } from '/static/common.js';

const KIND_WORDS = { check_in: 'Check-in', go_around: 'Go-around', check_out: 'Check-out' };
const OUTCOME_WORDS = { done: 'done', passed: 'passed', skipped: 'skipped' };
const DIRECTION_WORDS = { forward: 'going forwards', backward: 'going the other way round' };

export class RoundsPanel {
  #round = null;
  #turnStart = 0; // session time the current turn started, from the frame's turn_s
  #live = false;
  #names = new Map();
  #bar = null;
  #time = null;
  #built = ''; // what the panel shows, so a tick only touches the turn time

  /** card: the #rounds section; send(message) -> Promise<boolean>. */
  constructor(card, send) {
    this.card = card;
    this.body = card.querySelector('.rounds-body');
    this.send = send;
  }

  /** A snapshot's or `round` frame's round (null: none running); now is session time. */
  set(round, now) {
    this.#round = round;
    if (round) this.#turnStart = now - (round.turn_s ?? 0);
    this.render();
    this.tick(now);
  }

  /** ctx: {live, names (id -> name), now}; redraws only when something shown changed. */
  update({ live, names, now }) {
    this.#live = live;
    this.#names = names;
    this.render();
    this.tick(now);
  }

  render() {
    const r = this.#round;
    const key = JSON.stringify([this.#live, r && [r.number, r.position, r.order, r.outcomes, r.timebox_s],
      r ? r.order.map((id) => this.#name(id)) : null]);
    if (key === this.#built) return;
    const focused = this.card.contains(document.activeElement) ? document.activeElement.id : null;
    this.#built = key;
    if (r) this.#running(r);
    else this.#form();
    if (focused) (document.getElementById(focused) ?? this.card.querySelector('h2')).focus();
  }

  /** Move the turn clock on, once a second. */
  tick(now) {
    const r = this.#round;
    if (!r || !this.#time) return;
    const turn = Math.max(0, now - this.#turnStart);
    const box = r.timebox_s;
    if (box) {
      this.#time.textContent = `${clock(turn)} of a ${clock(box)} soft time-box`;
      this.#bar.style.width = `${Math.min(100, (turn / box) * 100)}%`;
    } else {
      this.#time.textContent = `This turn: ${clock(turn)}`;
    }
  }

  #name(id) {
    return this.#names.get(id) ?? 'Someone who left';
  }

  #form() {
    this.#time = null;
    const disabled = !this.#live;
    const kind = el('select', { id: 'round-kind', name: 'kind', disabled },
      Object.entries(KIND_WORDS).map(([value, text]) => el('option', { value, text, selected: value === 'go_around' })));
    const amount = el('input', {
      id: 'round-timebox', name: 'timebox', type: 'number', min: '0', step: 'any', inputmode: 'decimal',
      'aria-describedby': 'round-timebox-hint', disabled,
    });
    const unit = el('select', { id: 'round-timebox-unit', 'aria-label': 'Time-box unit', disabled },
      el('option', { value: '60', text: 'minutes' }), el('option', { value: '1', text: 'seconds' }));
    const form = el('form', { class: 'round-form', id: 'round-form' },
      el('div', { class: 'field' }, el('label', { for: 'round-kind', text: 'Kind of round' }), kind),
      el('div', { class: 'field' },
        el('label', { for: 'round-timebox', text: 'Soft time-box per person (optional)' }),
        el('div', { class: 'row timebox-row' }, amount, unit),
        el('p', { class: 'hint', id: 'round-timebox-hint', text: 'Shown as a gentle bar; nobody is cut off. Leave empty for none.' })),
      el('button', { type: 'submit', class: 'primary', id: 'round-start', text: 'Start a round', disabled }),
      el('p', { class: 'hint', text: disabled
        ? 'Rounds can start once the session is live.'
        : 'Everyone here takes a turn; the order starts one place on from the last round and goes the other way. Passing is always fine.' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const message = { type: 'round', action: 'start', kind: kind.value };
      const seconds = Number(amount.value) * Number(unit.value);
      if (amount.value.trim() !== '') {
        if (!(seconds > 0 && seconds <= 3600)) {
          this.#say('The time-box can be up to an hour. Leave it empty for none.');
          amount.focus();
          return;
        }
        message.timebox_s = Math.round(seconds);
      }
      const start = form.querySelector('#round-start');
      start.disabled = true;
      if (!(await this.send(message))) start.disabled = false;
    });
    fill(this.body, form, el('p', { class: 'small round-news', role: 'status' }));
  }

  #say(text) {
    const news = this.body.querySelector('.round-news');
    if (news) news.textContent = text;
  }

  #running(r) {
    const current = r.current ? this.#name(r.current) : null;
    this.#bar = el('span', { class: 'soft-fill' });
    this.#time = el('span', { class: 'round-time' });
    const items = r.order.map((id, index) => {
      const outcome = r.outcomes?.[id];
      const now = index === r.position;
      return el('li', { class: now ? 'round-current' : outcome ? 'round-past' : '', 'aria-current': now ? 'step' : null },
        el('span', { class: 'round-name', text: this.#name(id) }),
        now ? el('span', { class: 'badge badge-speaking', text: 'Their turn' })
          : outcome && el('span', { class: 'small muted', text: OUTCOME_WORDS[outcome] ?? outcome }));
    });
    const act = (id, text, message, primary = false) => el('button', {
      type: 'button', id, text, class: primary ? 'primary' : null, disabled: !this.#live,
      onclick: async (e) => {
        const button = e.currentTarget;
        button.disabled = true;
        await this.send(message);
        button.disabled = !this.#live;
      },
    });
    fill(this.body,
      el('p', { class: 'round-title' },
        el('strong', { text: `Round ${r.number} · ${KIND_WORDS[r.kind] ?? r.kind}` }),
        el('span', { class: 'small muted', text: ` · ${DIRECTION_WORDS[r.direction] ?? r.direction}` })),
      current && el('div', { class: 'round-now', id: 'round-now' },
        el('p', { class: 'round-who' }, 'Now: ', el('strong', { text: current })),
        r.timebox_s ? el('span', { class: 'soft-bar', 'aria-hidden': 'true' }, this.#bar) : null,
        el('p', { class: 'small' }, this.#time)),
      el('ol', { class: 'round-order', 'aria-label': 'Order of this round' }, items),
      el('div', { class: 'row round-actions' },
        act('round-next', 'Next', { type: 'turn', action: 'next' }, true),
        act('round-pass', 'Pass', { type: 'turn', action: 'pass' }),
        act('round-skip', 'Skip', { type: 'turn', action: 'skip' }),
        act('round-end', 'End round', { type: 'round', action: 'end' })),
      el('p', { class: 'hint', text: `Pass: ${current ?? 'the current person'} would rather not speak now; it counts against no one. Skip: they are not here right now.` }));
    const pass = this.body.querySelector('#round-pass');
    if (current) pass.setAttribute('aria-label', `Pass for ${current}`);
  }
}
