// Who is in the room, on the dashboard: the waiting room (letting people in) and the
// co-facilitator card (choosing or ending one, the facilitator's alone: DOMAIN.md R4).
import { el, fill, showStatus } from '/static/common.js';

/** The waiting room: hidden while nobody waits; focus stays in the list as people are let in. */
export class WaitingRoom {
  /**
   * parts: {card, list, news, heading} elements of the page (heading takes the focus
   * when the last person is let in); send(message) -> Promise<boolean> delivers a socket action.
   */
  constructor(parts, send) {
    Object.assign(this, parts);
    this.send = send;
  }

  /** Show who waits (people: [{id, name}]); nothing is announced once the session has ended. */
  render(people, { ended }) {
    const { list } = this;
    const before = new Set([...list.querySelectorAll('li')].map((li) => li.dataset.person));
    const focusedAt = [...list.querySelectorAll('button')].indexOf(document.activeElement);
    const arrived = people.filter((p) => !before.has(p.id)).map((p) => p.name);
    if (arrived.length && !ended) this.news.textContent = `Waiting to come in: ${arrived.join(', ')}.`;
    fill(list, people.map((p) => el('li', { 'data-person': p.id },
      el('span', { class: 'waiting-name', text: p.name }),
      el('button', {
        type: 'button', class: 'primary', text: 'Let in', 'aria-label': `Let in ${p.name}`,
        onclick: async (e) => {
          const button = e.currentTarget;
          button.disabled = true;
          if (!(await this.send({ type: 'admit', member: p.id }))) button.disabled = false;
        },
      }))));
    this.card.hidden = people.length === 0 || ended;
    if (focusedAt >= 0) {
      const buttons = list.querySelectorAll('button');
      (buttons[Math.min(focusedAt, buttons.length - 1)] ?? this.heading).focus();
    }
  }
}

/** Choosing or ending a co-facilitator: the facilitator's alone (DOMAIN.md R4). */
export class CoFacilitatorCard {
  #shown = '';

  /**
   * parts: {card, body, msg} elements of the page; send(message) -> Promise<boolean>
   * delivers a socket action; lastError() is the latest error frame (or null), read
   * when a send fails to say why next to the button.
   */
  constructor(parts, { send, lastError }) {
    Object.assign(this, parts);
    Object.assign(this, { send, lastError });
  }

  /** people: the roster; lead: you are the facilitator; live: the session is live. */
  render(people, { lead, live }) {
    if (!lead) return;
    const cofac = people.find((p) => p.cofacilitator && !p.removed);
    const key = JSON.stringify([cofac?.id, cofac?.name, live]);
    if (key === this.#shown) return;
    this.#shown = key;
    this.msg.textContent = '';
    const hadFocus = this.card.contains(document.activeElement);
    const act = (id, text, action) => el('button', {
      type: 'button', id, text, disabled: !live,
      onclick: async (e) => {
        const button = e.currentTarget;
        button.disabled = true;
        this.msg.textContent = '';
        const before = this.lastError();
        if (!(await this.send({ type: 'cofacilitator', action }))) {
          button.disabled = false;
          showStatus(''); // said once, next to the button, rather than twice
          const error = this.lastError();
          this.msg.textContent = cofacError(error !== before ? error?.message : undefined);
        }
      },
    });
    fill(this.body, cofac
      ? [el('p', {}, el('strong', { text: cofac.name }),
        ' is co-facilitating. They see this dashboard and can call on hands, run rounds and answer prompts, for this session only.'),
      act('cofac-end', 'End co-facilitation', 'end')]
      : [el('p', { class: 'small', text: 'Share the leading: Airtime picks a member here who has offered to co-facilitate, preferring whoever has led least.' }),
        act('cofac-choose', 'Choose a co-facilitator', 'choose'),
        !live && el('p', { class: 'hint', text: 'You can choose one once the session is live.' })]);
    if (hadFocus) (document.getElementById('cofac-choose') ?? document.getElementById('cofac-end')).focus();
  }
}

function cofacError(message) {
  if (!message) return 'That did not work. Please try again.';
  const sentence = `${message[0].toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;
  return /offered/.test(message) ? `${sentence} Members can offer on their own page (“I'm willing to co-facilitate sometimes”).` : sentence;
}
