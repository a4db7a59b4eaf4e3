// The facilitator's prompt feed (DOMAIN.md P1-P4): gentle, private cues, newest first,
// each answered with one tap. Answered ones fold into a quiet line with their outcome.
import { el, fill, clock } from '/static/common.js';

const KIND_WORDS = {
  group_invite: 'Invite the group',
  invite_quieter: 'Invite someone in',
  long_turn: 'Long turn',
  facilitator_airtime: 'Your share of the talk',
};
const OUTCOME_WORDS = { acted_on: 'Acted on', dismissed: 'Dismissed' };

export class PromptFeed {
  #prompts = new Map(); // id -> prompt, as the server sent it
  #seen = null; // ids already announced; null until the first snapshot
  #enabled = true;
  #canAnswer = true;

  /**
   * parts: {list, empty, news} elements: the feed (#prompt-list), its empty state and a
   * polite live region; send(message) -> Promise<boolean> delivers a socket action.
   */
  constructor(parts, send) {
    Object.assign(this, parts);
    this.send = send;
  }

  /** A snapshot's `prompts` (oldest first): replaces the feed without announcing old news. */
  reset(prompts) {
    const first = this.#seen === null;
    this.#prompts = new Map((prompts ?? []).map((p) => [p.id, p]));
    if (first) this.#seen = new Set(this.#prompts.keys());
    else for (const p of this.#prompts.values()) this.#announce(p); // fired while we were offline
    this.render();
  }

  /** A `prompt` frame. */
  add(prompt) {
    this.#prompts.set(prompt.id, { ...this.#prompts.get(prompt.id), ...prompt });
    this.#announce(prompt);
    this.render();
  }

  /** A `prompt_outcome` frame. */
  outcome(id, outcome) {
    const prompt = this.#prompts.get(id);
    if (!prompt) return;
    prompt.outcome = outcome;
    this.render();
  }

  /** Whether the group has prompts on (only known to facilitators, who can read the settings). */
  setEnabled(enabled) {
    this.#enabled = enabled;
    this.render();
  }

  /** After the session ends nothing can be answered any more. */
  setAnswerable(can) {
    this.#canAnswer = can;
    this.render();
  }

  #announce(prompt) {
    if (this.#seen === null || this.#seen.has(prompt.id)) return;
    this.#seen.add(prompt.id);
    if (!prompt.outcome) this.news.textContent = `New prompt: ${prompt.text}`;
  }

  render() {
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const newest = [...this.#prompts.values()].sort((a, b) => b.id - a.id);
    fill(this.list, newest.map((p) => this.#item(p)));
    this.list.hidden = newest.length === 0;
    this.empty.hidden = newest.length > 0;
    fill(this.empty, this.#emptyWords());
    if (focused) {
      // The answered prompt lost its buttons: keep keyboard users in the feed.
      const again = this.list.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      const id = focused.split(':')[1];
      (again ?? this.list.querySelector(`.prompt[data-id="${CSS.escape(id)}"]`))?.focus();
    }
  }

  #emptyWords() {
    if (!this.#canAnswer) return 'No prompts came up in this session.';
    if (!this.#enabled) {
      return ['Prompts are off for this group. ',
        el('a', { href: this.settingsHref ?? '/', text: 'Turn them on in the group settings' }), '.'];
    }
    return 'No prompts yet. Gentle cues, such as inviting someone who has not had a chance yet, will appear here when they might help.';
  }

  #item(p) {
    const kind = KIND_WORDS[p.kind] ?? 'Prompt';
    const when = el('span', { class: 'prompt-time', text: clock(p.t_s) });
    if (p.outcome) {
      return el('li', { class: 'prompt is-answered', 'data-id': p.id, tabindex: '-1' },
        when, ' · ', el('span', { text: kind }), ' · ',
        el('span', { class: 'prompt-outcome', text: OUTCOME_WORDS[p.outcome] ?? p.outcome }),
        el('span', { class: 'prompt-gist', text: p.text }));
    }
    const answer = (action, label, extra) => el('button', {
      type: 'button', class: extra, 'data-key': `${action}:${p.id}`, text: label,
      onclick: (e) => this.#answer(e.currentTarget, p, action),
    });
    return el('li', { class: 'prompt is-open', 'data-id': p.id, tabindex: '-1' },
      el('p', { class: 'prompt-meta small' }, when, ' · ', el('span', { class: 'prompt-kind', text: kind })),
      el('p', { class: 'prompt-text', text: p.text }),
      this.#canAnswer && el('div', { class: 'row prompt-actions' },
        answer('acted_on', 'Acted on', 'primary'),
        answer('dismiss', 'Dismiss')));
  }

  async #answer(button, prompt, action) {
    button.disabled = true;
    const ok = await this.send({ type: 'prompt', prompt: prompt.id, action });
    // The outcome frame normally arrives first; this covers a slow or lost one.
    if (ok && !prompt.outcome) this.outcome(prompt.id, action === 'dismiss' ? 'dismissed' : 'acted_on');
    else button.disabled = false;
  }
}
