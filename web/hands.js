// The facilitator's hand queue: in order, each place with its reason and waiting time.
// Places can be moved up or down; the server then keeps that order until the queue empties.
import { el, fill, clock, ordinal } from '/static/common.js';

export class HandQueue {
  #queue = [];
  #known = null; // ids of the last queue shown; null until the first snapshot

  /**
   * parts: {list, empty, lowerAll, news, heading} elements of the page;
   * send(message) -> Promise<boolean> delivers a socket action.
   */
  constructor(parts, send) {
    Object.assign(this, parts);
    this.send = send;
    this.lowerAll.addEventListener('click', () => this.#act(this.lowerAll, { type: 'lower_all' }));
  }

  /**
   * Replace the queue; announces what changed politely (screen readers and the news line).
   * keys (optional) maps a person id to the key that marks them speaking, shown as a keycap.
   */
  set(queue, { enabled, now, keys = new Map() }) {
    this.#announce(queue);
    this.#queue = queue;
    const focusedKey = this.list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    fill(this.list, queue.map((place) => this.#row(place, enabled, keys.get(place.person))));
    this.empty.hidden = queue.length > 0;
    this.lowerAll.hidden = !enabled || queue.length === 0;
    this.tick(now);
    if (focusedKey) {
      // Keep keyboard users in the queue: the same button if it still exists (a place moved
      // to the top loses its "up"), else another button of that person, else the heading.
      const person = focusedKey.slice(focusedKey.indexOf(':') + 1);
      (this.list.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`)
        ?? this.list.querySelector(`[data-person="${CSS.escape(person)}"] [data-key]`)
        ?? this.heading).focus();
    }
  }

  /** Refresh the waiting times; `now` is session time, or null when the clock is not running. */
  tick(now) {
    for (const [index, place] of this.#queue.entries()) {
      const waited = now === null ? place.waited_s : now - place.raised_at_s;
      const cell = this.list.children[index]?.querySelector('.waited');
      if (cell) cell.textContent = `waiting ${clock(waited)}`;
    }
  }

  #row(place, enabled, key) {
    const name = place.name;
    const last = place.position === this.#queue.length;
    const move = (to, label, dir) => el('button', {
      type: 'button', class: 'queue-move', 'data-key': `${dir}:${place.person}`, 'aria-label': label, title: label,
      text: dir === 'up' ? '↑' : '↓',
      onclick: (e) => this.#move(e.currentTarget, place, to),
    });
    return el('li', { class: 'queue-item', 'data-person': place.person },
      el('span', { class: 'queue-pos', 'aria-hidden': 'true', text: String(place.position) }),
      el('span', { class: 'queue-body' },
        el('span', { class: 'queue-name' },
          key && el('kbd', { class: 'keycap', 'aria-hidden': 'true', title: `Press ${key.toUpperCase()} to mark ${name} speaking`, text: key.toUpperCase() }),
          name),
        el('span', { class: 'small muted' }, el('span', { class: 'waited' }), ` · ${place.reason}`)),
      enabled && el('span', { class: 'queue-actions' },
        el('button', {
          type: 'button', class: 'primary', 'data-key': `call:${place.person}`, text: 'Call on',
          'aria-label': `Call on ${name}`,
          onclick: (e) => this.#act(e.currentTarget, { type: 'call', member: place.person }),
        }),
        el('button', {
          type: 'button', 'data-key': `lower:${place.person}`, text: 'Lower',
          'aria-label': `Lower ${name}'s hand`,
          onclick: (e) => this.#act(e.currentTarget, { type: 'hand', raised: false, member: place.person }),
        }),
        place.position > 1 && move(place.position - 1, `Move ${name} up to ${ordinal(place.position - 1)}`, 'up'),
        !last && move(place.position + 1, `Move ${name} down to ${ordinal(place.position + 1)}`, 'down')));
  }

  async #move(button, place, position) {
    button.disabled = true;
    const ok = await this.send({ type: 'reorder', member: place.person, position });
    button.disabled = false;
    if (ok) this.news.textContent = `${place.name} moved to ${ordinal(position)} in the queue.`;
  }

  async #act(button, message) {
    button.disabled = true;
    await this.send(message);
    button.disabled = false;
  }

  #announce(queue) {
    const ids = new Set(queue.map((p) => p.person));
    if (this.#known) {
      const raised = queue.filter((p) => !this.#known.has(p.person))
        .map((p) => `${p.name} raised a hand (${ordinal(p.position)} in the queue).`);
      const lowered = this.#queue.filter((p) => !ids.has(p.person)).map((p) => `${p.name}'s hand is down.`);
      const news = [...raised, ...lowered].join(' ');
      if (news) this.news.textContent = news;
    }
    this.#known = ids;
  }
}
