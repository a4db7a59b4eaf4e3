// Who is in the room, on the dashboard: the waiting room (letting people in), the
// co-facilitator card (choosing or ending one, the facilitator's alone: DOMAIN.md R4),
// the confidentiality statement (E3) and the ground rules members propose (E4).
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

/** An ISO time from the server as a Date; a time without an offset is UTC. */
export function utcDate(iso) {
  if (!iso) return null;
  const date = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The confidentiality statement (DOMAIN.md E3): the facilitator marks it read aloud once
 * the session is live, and speech is tracked only from then on.
 */
export class ConfidentialityControl {
  #sending = false;
  #focusAfter = false;

  /**
   * parts: {pending, button, note, done, statement} elements of the page;
   * send(message) -> Promise<boolean> delivers a socket action.
   */
  constructor(parts, send) {
    Object.assign(this, parts);
    this.send = send;
    this.button.addEventListener('click', () => this.#markRead());
    this.session = { state: 'open', read: false };
  }

  /** session: {state: 'open'|'live'|'ended', read: whether the statement was marked read}. */
  render({ state, read }) {
    this.session = { state, read };
    const done = state === 'live' && read === true;
    this.pending.hidden = done;
    this.done.hidden = !done;
    this.button.disabled = state !== 'live' || this.#sending;
    this.note.textContent = state === 'live'
      ? 'Speaking is tracked only after this.'
      : 'Start the session first. Speaking is tracked only after this.';
    if (done && this.#focusAfter) {
      this.#focusAfter = false;
      this.done.focus();
    }
  }

  /** The statement's text (from the group's agreement), or null when it could not be loaded. */
  setStatement(text) {
    fill(this.statement, text ?? el('span', { class: 'muted', text: 'The statement could not be loaded. It is on the group agreement page.' }));
  }

  async #markRead() {
    if (this.#sending || this.session.state !== 'live') return;
    this.#sending = true;
    this.#focusAfter = true; // the button gives way to "read ✓": keep the keyboard's place there
    this.button.disabled = true;
    const ok = await this.send({ type: 'session', action: 'confidentiality_read' });
    this.#sending = false;
    if (!ok) this.#focusAfter = false;
    this.render(this.session);
    if (!ok && !this.button.disabled) this.button.focus();
  }
}

/** Ground rules members proposed during this session (DOMAIN.md E4), newest first. */
export class ProposalsCard {
  #items = new Map(); // id -> {id, text, created_at}

  /** parts: {list, empty, link, news} elements of the page. */
  constructor(parts) {
    Object.assign(this, parts);
  }

  /** Add one proposal (a `proposal` frame's, or one loaded after a reload); announce says it aloud. */
  add(proposal, { announce = false } = {}) {
    if (!proposal?.id || this.#items.has(proposal.id)) return;
    this.#items.set(proposal.id, proposal);
    if (announce) this.news.textContent = `A member proposed a ground rule: ${proposal.text}`;
    this.render();
  }

  /** Where "Review in the agreement" goes, or null to hide it (only the facilitator may open it). */
  setLink(href) {
    this.link.closest('p').hidden = !href;
    if (href) this.link.href = href;
  }

  render() {
    const items = [...this.#items.values()].sort((a, b) => (utcDate(b.created_at) ?? 0) - (utcDate(a.created_at) ?? 0));
    fill(this.list, items.map((p) => {
      const at = utcDate(p.created_at);
      return el('li', { class: 'proposal-item', 'data-id': p.id },
        el('p', { class: 'proposal-text', text: p.text }),
        at && el('p', { class: 'small muted proposal-time' }, 'Proposed at ',
          el('time', { datetime: at.toISOString(), text: at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })));
    }));
    this.list.hidden = items.length === 0;
    this.empty.hidden = items.length > 0;
  }
}
