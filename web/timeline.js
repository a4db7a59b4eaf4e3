// The dashboard's "who spoke when" strip: one lane per person over the last ten
// minutes of session time. Built from the snapshot's `timeline`, then extended from
// `person` frames (`last_segment`, `speaking`, `speaking_since_s`). Elements are
// reused between renders, so the strip only ever moves, it never blinks.
import { el, fill, clock } from '/static/common.js';

export const WINDOW_S = 600; // the server's snapshot covers the same ten minutes
const KEEP_S = WINDOW_S + 60; // segments older than this are forgotten
const TICK_S = 60; // a grid line every minute
const LABEL_EVERY = 2; // a time label on every second grid line
const TURNS_LISTED = 6; // how many recent turns the text alternative lists

const round3 = (x) => Math.round(x * 1000) / 1000;
const keyOf = (startS) => round3(startS).toFixed(3);

/** What a lane's name column says under the name, so an empty lane is never read as silence. */
function laneNote(p, you) {
  if (p.role === 'facilitator') return p.id === you ? 'you' : 'facilitator';
  if (!p.present) return 'not here';
  if (p.status === 'not_tracked' || !p.tracked) return 'not tracked';
  if (p.paused) return 'tracking paused';
  if (p.listening) return 'listening today';
  if (!p.connected) return 'connection lost';
  return '';
}

function describe(seg, names) {
  const who = names.get(seg.person) ?? 'Someone';
  if (seg.end_s === null) return `${who}: speaking since ${clock(seg.start_s)}`;
  const length = Math.max(1, Math.round(seg.end_s - seg.start_s));
  const span = `${who}: ${clock(seg.start_s)} to ${clock(seg.end_s)} (${clock(length)})`;
  return seg.inferred ? `${span}, end estimated after a lost connection` : span;
}

export class Timeline {
  #segs = new Map(); // person id -> Map(start key -> segment)
  #rows = new Map(); // person id -> {row, name, note, lane, els: Map(start key -> element)}
  #ticks = new Map(); // tick second -> {line, label}
  #turnsKey = '';

  /**
   * parts: {strip, grid, axis, now, nowLabel, turns, empty} elements: the lanes
   * container (#timeline), the grid overlay, the axis row, the "now" line and its
   * label, the text alternative's list and the empty-state line.
   */
  constructor(parts) {
    Object.assign(this, parts);
  }

  /** Replace everything with a snapshot's `timeline` (so a reconnect is whole, never doubled). */
  reset(timeline) {
    this.#segs = new Map();
    for (const seg of timeline ?? []) this.#put(seg);
  }

  /** Fold in one `person` frame's person object. */
  person(p) {
    if (!p?.id) return;
    if (p.speaking === false) {
      // Speech stopped: the server's own record of the segment replaces our open one.
      const mine = this.#segs.get(p.id);
      for (const [key, seg] of mine ?? []) if (seg.end_s === null) mine.delete(key);
    }
    if (p.last_segment) this.#put(p.last_segment);
    if (p.speaking && typeof p.speaking_since_s === 'number') {
      this.#openAt(p.id, p.speaking_since_s);
    }
  }

  /** Someone deleted their data: drop their lane and everything known of it. */
  forget(person) {
    this.#segs.delete(person);
  }

  /** The session ended: close whatever is still open at `now`. */
  closeAll(now) {
    for (const person of this.#segs.keys()) this.#closeOpen(person, now);
  }

  #closeOpen(person, now) {
    for (const seg of this.#segs.get(person)?.values() ?? []) {
      if (seg.end_s === null) seg.end_s = Math.max(seg.start_s, now);
    }
  }

  #put(seg) {
    if (!seg || typeof seg.start_s !== 'number') return;
    let mine = this.#segs.get(seg.person);
    if (!mine) this.#segs.set(seg.person, (mine = new Map()));
    mine.set(keyOf(seg.start_s), { ...seg });
  }

  /** Speech under way since startS; a segment already known there (open, or closed by a later frame) wins. */
  #openAt(person, startS) {
    const key = keyOf(startS);
    // One turn at a time per person: an older open segment (its stop was missed) ends here.
    for (const [other, seg] of this.#segs.get(person) ?? []) {
      if (other !== key && seg.end_s === null) seg.end_s = Math.max(seg.start_s, startS);
    }
    if (this.#segs.get(person)?.has(key)) return;
    // The person object does not say what is detecting this turn; the next snapshot will.
    this.#put({ person, start_s: startS, end_s: null, source: null, inferred: false });
  }

  /**
   * Draw. people: person objects in tile order; ctx: {now, you, ended} with `now`
   * the running session clock, `you` the facilitator's own id and `ended` true
   * once the session is over (the line then marks its end).
   */
  render(people, { now, you, ended = false }) {
    const start = Math.max(0, now - WINDOW_S);
    const x = (t) => ((t - start) / WINDOW_S) * 100;
    // People's current state also implies an open segment (a fallback if a person frame was coalesced away).
    for (const p of people) {
      if (p.speaking && typeof p.speaking_since_s === 'number') this.#openAt(p.id, p.speaking_since_s);
      if (p.speaking === false) this.#closeOpen(p.id, now);
    }
    this.#prune(now);
    this.#renderRows(people, you);
    for (const p of people) this.#renderLane(p.id, x, start, now);
    this.#renderTicks(x, start, now);
    const nowAt = `${Math.min(100, x(now))}%`;
    this.now.style.left = nowAt;
    this.nowLabel.style.left = nowAt;
    this.nowLabel.textContent = ended ? 'end' : 'now';
    this.nowLabel.classList.toggle('at-end', x(now) > 96);
    this.empty.hidden = people.length > 0;
    this.#renderTurns(people);
  }

  #prune(now) {
    for (const mine of this.#segs.values()) {
      for (const [key, seg] of mine) {
        if (seg.end_s !== null && seg.end_s < now - KEEP_S) mine.delete(key);
      }
    }
  }

  #renderRows(people, you) {
    const ids = new Set(people.map((p) => p.id));
    for (const [id, row] of this.#rows) {
      if (!ids.has(id)) {
        row.row.remove();
        this.#rows.delete(id);
      }
    }
    people.forEach((p, index) => {
      let row = this.#rows.get(p.id);
      if (!row) {
        const name = el('span', { class: 'tl-name-text' });
        const note = el('span', { class: 'tl-note' });
        const lane = el('div', { class: 'lane', 'data-person': p.id });
        row = { row: el('div', { class: 'tl-row' }, el('div', { class: 'tl-name' }, name, note), lane), name, note, lane, els: new Map() };
        this.#rows.set(p.id, row);
      }
      const rows = this.strip.querySelectorAll(':scope > .tl-row');
      if (rows[index] !== row.row) this.strip.insertBefore(row.row, rows[index] ?? this.grid);
      row.name.textContent = p.name;
      row.name.title = p.name;
      const note = laneNote(p, you);
      row.note.textContent = note;
      row.note.hidden = !note;
      row.row.classList.toggle('is-away', !p.present);
      row.row.classList.toggle('is-untracked', p.status === 'not_tracked' || !p.tracked);
    });
  }

  #renderLane(id, x, start, now) {
    const row = this.#rows.get(id);
    const mine = this.#segs.get(id) ?? new Map();
    const shown = new Set();
    for (const [key, seg] of mine) {
      const end = seg.end_s ?? now;
      if (end < start || seg.start_s > now) continue;
      shown.add(key);
      let node = row.els.get(key);
      if (!node) {
        node = el('span', { class: 'seg' });
        row.els.set(key, node);
        row.lane.append(node);
      }
      const left = x(Math.max(seg.start_s, start));
      node.style.left = `${left}%`;
      node.style.width = `${Math.max(0, Math.min(100, x(end)) - left)}%`;
      node.classList.toggle('seg-open', seg.end_s === null);
      node.classList.toggle('seg-inferred', Boolean(seg.inferred));
      node.classList.toggle('seg-tap', seg.source === 'tap');
      node.dataset.start = String(seg.start_s);
      node.dataset.source = seg.source ?? '';
    }
    for (const [key, node] of row.els) {
      if (!shown.has(key)) {
        node.remove();
        row.els.delete(key);
      }
    }
  }

  #renderTicks(x, start, now) {
    const gap = (44 / Math.max(1, this.axis.clientWidth)) * 100; // a label's width, in percent
    const wanted = new Set();
    const first = Math.ceil(start / TICK_S) * TICK_S;
    for (let t = first; t <= start + WINDOW_S; t += TICK_S) wanted.add(t);
    for (const [t, tick] of this.#ticks) {
      if (!wanted.has(t)) {
        tick.line.remove();
        tick.label?.remove();
        this.#ticks.delete(t);
      }
    }
    for (const t of wanted) {
      let tick = this.#ticks.get(t);
      if (!tick) {
        const labelled = (t / TICK_S) % LABEL_EVERY === 0;
        tick = {
          line: el('span', { class: `tl-tick${labelled ? ' tl-tick-major' : ''}` }),
          label: labelled ? el('span', { class: 'tl-label', text: clock(t) }) : null,
        };
        this.grid.prepend(tick.line);
        if (tick.label) this.axis.append(tick.label);
        this.#ticks.set(t, tick);
      }
      const pos = x(t);
      tick.line.style.left = `${pos}%`;
      if (tick.label) {
        tick.label.style.left = `${pos}%`;
        // Label only the past, off the edges and out of the way of the "now" label.
        tick.label.hidden = pos < gap / 2 || pos > 100 - gap / 2 || pos > x(now) - gap;
      }
    }
  }

  /** The text alternative: the last few turns, newest first; rebuilt only when they change. */
  #renderTurns(people) {
    const names = new Map(people.map((p) => [p.id, p.name]));
    const all = [...this.#segs.values()].flatMap((mine) => [...mine.values()])
      .filter((seg) => names.has(seg.person))
      .sort((a, b) => b.start_s - a.start_s)
      .slice(0, TURNS_LISTED);
    const key = JSON.stringify(all.map((s) => [s.person, s.start_s, s.end_s, s.inferred, names.get(s.person)]));
    if (key === this.#turnsKey) return;
    this.#turnsKey = key;
    fill(this.turns, all.length ? all.map((seg) => el('li', { text: describe(seg, names) }))
      : el('li', { text: 'Nobody has spoken in the last ten minutes.' }));
  }
}
