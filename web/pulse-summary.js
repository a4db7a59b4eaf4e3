// The dashboard's "Check-ins" card (DOMAIN.md E8): how many answered the anonymous
// check-in and check-out, and the group figures only once five or more did (the server
// leaves them out below that). Facilitators only: the card stays hidden if the API refuses.
import { api, el, fill } from '/static/common.js';

const POLL_MS = 15000;
const PHASES = [['check_in', 'Check-in'], ['check_out', 'Check-out']];
const SPACE_WORDS = { yes: 'yes', partly: 'partly', no: 'no' };

export class PulseSummary {
  #card;
  #body;
  #sessionId;
  #timer = null;
  #loading = false;

  constructor({ card, body }, sessionId) {
    this.#card = card;
    this.#body = body;
    this.#sessionId = sessionId;
  }

  /** Called whenever the session's state may have changed: poll every 15 s while live. */
  update({ live }) {
    if (live && this.#timer === null) {
      this.#timer = setInterval(() => this.load(), POLL_MS);
    } else if (!live && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  async load() {
    if (this.#loading || !this.#sessionId) return;
    this.#loading = true;
    try {
      const data = await api(`/api/sessions/${encodeURIComponent(this.#sessionId)}/pulses`);
      this.render(data);
    } catch (err) {
      if (err.status >= 400 && err.status < 500) this.#card.hidden = true; // not a facilitator of this session
    } finally {
      this.#loading = false;
    }
  }

  render(data) {
    fill(this.#body, PHASES.map(([phase, title]) => phaseBlock(title, data?.[phase])));
    this.#card.hidden = false;
  }
}

function phaseBlock(title, block) {
  const answers = Number(block?.answers ?? 0);
  const lines = [el('p', { class: 'pulse-count', text: `${answers} answered` })];
  if (block?.shown) {
    const mean = block.included_mean;
    lines.push(el('p', {
      text: typeof mean === 'number'
        ? `Felt included: ${mean.toFixed(1)} of 5 on average`
        : 'Nobody answered how included they felt.',
    }));
    lines.push(el('p', { text: `Got the space they wanted: ${spaceWords(block.space_counts)}` }));
  } else {
    lines.push(el('p', { class: 'muted small', text: 'Shown once five people have answered.' }));
  }
  return el('div', { class: 'pulse-phase' }, el('h3', { text: title }), lines);
}

function spaceWords(counts) {
  return Object.entries(SPACE_WORDS)
    .map(([key, word]) => `${Number(counts?.[key] ?? 0)} ${word}`)
    .join(', ');
}
