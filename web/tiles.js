// The dashboard's person tiles. Tiles are updated in place, never rebuilt, so keyboard
// focus on a tile survives the once-a-second refresh.
import { el, clock, percent, ordinal } from '/static/common.js';

function makeTile(id, onTap) {
  const parts = {
    // The key that marks this person speaking (in-person groups); the tile's
    // aria-keyshortcuts says it to screen readers, so the cap itself stays quiet.
    keycap: el('kbd', { class: 'keycap', 'aria-hidden': 'true' }),
    name: el('span', { class: 'tile-name' }),
    conn: el('span', { class: 'conn' }),
    state: el('span', { class: 'badge' }),
    airtime: el('span', { class: 'tile-airtime' }),
    turns: el('span', { class: 'muted small' }),
    fill: el('span', { class: 'share-fill' }),
    mark: el('span', { class: 'share-mark' }),
    shareText: el('span', { class: 'share-text small' }),
    quiet: el('span', { class: 'tile-quiet small' }),
    hand: el('span', { class: 'badge badge-hand' }),
  };
  parts.bar = el('span', { class: 'share-bar', 'aria-hidden': 'true' }, parts.fill, parts.mark);
  const root = el('button', {
    type: 'button', class: 'tile', 'data-person': id, 'aria-describedby': 'tiles-hint',
    onclick: () => onTap(id),
  },
  el('span', { class: 'tile-head' }, el('span', { class: 'tile-who' }, parts.keycap, parts.name), parts.conn),
  el('span', { class: 'tile-badges' }, parts.state, parts.hand),
  el('span', { class: 'tile-numbers' }, parts.airtime, parts.turns),
  el('span', { class: 'share' }, parts.bar, parts.shareText),
  parts.quiet);
  return { root, parts };
}

/** Connection in words: a dropped device is not the same as someone who left. */
function connWords(p) {
  if (p.connected) return ['● Online', ''];
  if (p.present) return ['◌ Connection lost', 'is-lost'];
  return ['○ Offline', 'is-offline'];
}

/** The one condition that matters most, in words; never "silent" (DOMAIN.md E2, E5). */
function stateWords(p, now, ended) {
  if (!p.present) return ended ? ['', ''] : ['Not here', 'badge-muted']; // after the end everyone has left
  if (p.status === 'not_tracked' || !p.tracked) return ['Not tracked', 'badge-muted'];
  if (p.speaking) {
    const since = p.speaking_since_s === null ? '' : ` · ${clock(now - p.speaking_since_s)}`;
    return [`Speaking${since}`, 'badge-speaking'];
  }
  if (p.paused) return ['Tracking paused', 'badge-muted'];
  if (p.listening) return ['Listening today', 'badge-listening'];
  if (p.role === 'facilitator') return ['Facilitator', 'badge-muted'];
  return ['', ''];
}

function shareWords(p, equal) {
  if (p.role === 'facilitator') return 'Not counted in the group balance';
  if (p.paused) return 'Tracking paused: not counted in the balance';
  if (p.listening) return 'Listening today: not counted in the balance';
  if (p.status === 'listened') return 'Mostly listening: not counted in the balance';
  if (p.status !== 'participant') return '';
  if (p.share === null || p.share === undefined) return 'Share shows once someone has spoken';
  return `${percent(p.share)} of the talk · equal share ${percent(equal)}`;
}

function quietWords(p, quietS) {
  if (!p.present || p.speaking || p.paused || p.listening || !p.tracked || quietS === null) return '';
  return p.airtime_s > 0 ? `Quiet for ${clock(quietS)}` : `Not spoken yet · ${clock(quietS)}`;
}

export class PeopleBoard {
  #tiles = new Map();

  constructor(container, onTap) {
    this.container = container;
    this.onTap = onTap;
  }

  /**
   * people: person objects in display order; ctx: {now, participants, live, ended, seenAt, handPlaces, keys}
   * where seenAt maps a person id to the session time their figures arrived,
   * handPlaces a person id to their place in the hand queue and keys a person id
   * to the keyboard key that marks them speaking.
   */
  render(people, ctx) {
    const ids = new Set(people.map((p) => p.id));
    for (const [id, tile] of this.#tiles) {
      if (!ids.has(id)) {
        tile.root.remove();
        this.#tiles.delete(id);
      }
    }
    // The equal-share marker sits at 1/N on an axis that ends at 3/N, so small
    // shares in a big group are still visible.
    const n = Math.max(1, ctx.participants);
    const axis = Math.min(1, 3 / n);
    people.forEach((p, index) => {
      let tile = this.#tiles.get(p.id);
      if (!tile) {
        tile = makeTile(p.id, this.onTap);
        this.#tiles.set(p.id, tile);
      }
      if (this.container.children[index] !== tile.root) {
        this.container.insertBefore(tile.root, this.container.children[index] ?? null);
      }
      this.#update(tile, p, ctx, axis, n);
    });
  }

  #update({ root, parts }, p, ctx, axis, n) {
    const [words, kind] = stateWords(p, ctx.now, ctx.ended);
    const counted = p.status === 'participant' && typeof p.share === 'number' && !p.listening && !p.paused;
    const sinceData = ctx.live && !p.speaking ? ctx.now - (ctx.seenAt.get(p.id) ?? ctx.now) : 0;
    const quiet = typeof p.quiet_for_s === 'number' ? p.quiet_for_s + Math.max(0, sinceData) : null;
    root.classList.toggle('is-speaking', Boolean(p.speaking));
    root.classList.toggle('is-away', !p.present && !ctx.ended);
    root.setAttribute('aria-pressed', String(Boolean(p.speaking)));
    parts.name.textContent = p.name;
    const [conn, connKind] = connWords(p);
    parts.conn.textContent = conn;
    parts.conn.className = `conn ${connKind}`;
    const key = ctx.ended ? undefined : ctx.keys?.get(p.id);
    parts.keycap.textContent = key ? key.toUpperCase() : '';
    parts.keycap.hidden = !key;
    if (key) root.setAttribute('aria-keyshortcuts', key);
    else root.removeAttribute('aria-keyshortcuts');
    parts.state.textContent = words;
    parts.state.className = `badge ${kind}`;
    parts.state.hidden = !words;
    const place = ctx.handPlaces.get(p.id);
    parts.hand.textContent = place ? `Hand up · ${ordinal(place)} in queue` : '';
    parts.hand.hidden = !place;
    const tracked = p.tracked && p.status !== 'not_tracked';
    parts.airtime.textContent = tracked ? clock(p.airtime_s) : '';
    parts.turns.textContent = tracked ? `${p.turns ?? 0} ${p.turns === 1 ? 'turn' : 'turns'}` : '';
    parts.bar.hidden = !counted;
    parts.fill.style.width = counted ? `${Math.min(100, (p.share / axis) * 100)}%` : '0';
    parts.mark.style.left = `${Math.min(100, (1 / n / axis) * 100)}%`;
    parts.shareText.textContent = tracked ? shareWords(p, 1 / n) : '';
    parts.quiet.textContent = quietWords(p, quiet);
  }
}
