// The dashboard's person tiles. Tiles are updated in place, never rebuilt, so keyboard
// focus on a tile survives the once-a-second refresh.
import { el, fill, clock, percent, ordinal } from '/static/common.js';

function makeTile(id, onTap) {
  const parts = {
    // The key that marks this person speaking (in-person groups); the tile's
    // aria-keyshortcuts says it to screen readers, so the cap itself stays quiet.
    keycap: el('kbd', { class: 'keycap', 'aria-hidden': 'true' }),
    name: el('span', { class: 'tile-name' }),
    conn: el('span', { class: 'conn' }),
    state: el('span', { class: 'badge' }),
    cofac: el('span', { class: 'badge badge-cofac', text: 'Co-facilitator' }),
    airtime: el('span', { class: 'tile-airtime' }),
    turns: el('span', { class: 'muted small' }),
    fill: el('span', { class: 'share-fill' }),
    mark: el('span', { class: 'share-mark' }),
    shareText: el('span', { class: 'share-text small' }),
    quiet: el('span', { class: 'tile-quiet small' }),
    hand: el('span', { class: 'badge badge-hand' }),
    turnFill: el('span', { class: 'soft-fill' }),
    turnText: el('span', { class: 'small' }),
  };
  parts.bar = el('span', { class: 'share-bar', 'aria-hidden': 'true' }, parts.fill, parts.mark);
  parts.turn = el('span', { class: 'turn-timer' },
    el('span', { class: 'soft-bar', 'aria-hidden': 'true' }, parts.turnFill), parts.turnText);
  const tile = el('button', {
    type: 'button', class: 'tile', 'data-person': id, 'aria-describedby': 'tiles-hint',
    onclick: () => onTap(id),
  },
  el('span', { class: 'tile-head' }, el('span', { class: 'tile-who' }, parts.keycap, parts.name), parts.conn),
  el('span', { class: 'tile-badges' }, parts.state, parts.cofac, parts.hand),
  el('span', { class: 'tile-numbers' }, parts.airtime, parts.turns),
  parts.turn,
  el('span', { class: 'share' }, parts.bar, parts.shareText),
  parts.quiet);
  // The menu sits beside the tile, not in it: a button cannot hold another button.
  parts.more = el('div', { class: 'tile-more' });
  const root = el('div', { class: 'tile-card', 'data-card': id }, tile, parts.more);
  return { root, tile, parts, menu: null };
}

/** Connection in words: a dropped device is not the same as someone who left. */
function connWords(p) {
  if (p.removed) return ['', ''];
  if (p.connected) return ['● Online', ''];
  if (p.present) return ['◌ Connection lost', 'is-lost'];
  return ['○ Offline', 'is-offline'];
}

/** The one condition that matters most, in words; never "silent" (DOMAIN.md E2, E5). */
function stateWords(p, now, ended, waiting) {
  if (p.removed) return ['Removed', 'badge-muted']; // said plainly, never left to look like silence
  if (waiting) return ['Waiting to come in', 'badge-listening'];
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
  if (p.removed || !p.present || p.speaking || p.paused || p.listening || !p.tracked || quietS === null) return '';
  return p.airtime_s > 0 ? `Quiet for ${clock(quietS)}` : `Not spoken yet · ${clock(quietS)}`;
}

/** The speaker's current turn against the group's long-turn length (DOMAIN.md R5): never a warning. */
function turnWords(p, ctx) {
  if (!ctx.shareTimer || !p.speaking || typeof p.speaking_since_s !== 'number' || !(ctx.longTurnS > 0)) return null;
  const turn = Math.max(0, ctx.now - p.speaking_since_s);
  return [`${clock(turn)} of a ${clock(ctx.longTurnS)} turn`, Math.min(100, (turn / ctx.longTurnS) * 100)];
}

export class PeopleBoard {
  #tiles = new Map();

  /** onTap(id) marks a person speaking; onRemove(id) -> Promise<boolean> removes a member. */
  constructor(container, onTap, onRemove) {
    this.container = container;
    this.onTap = onTap;
    this.onRemove = onRemove;
    document.addEventListener('click', (event) => {
      for (const tile of this.#tiles.values()) {
        // The path as dispatched: a menu button replaced by its own click is still "inside".
        if (tile.menu && !event.composedPath().includes(tile.parts.more)) this.#closeMenu(tile, null);
      }
    });
  }

  /**
   * people: person objects in display order; ctx: {now, participants, live, ended, seenAt,
   * handPlaces, keys, you, canRemove, shareTimer, longTurnS, waiting (a Set of ids)} where seenAt maps a person id to
   * the session time their figures arrived, handPlaces a person id to their place in the hand
   * queue and keys a person id to the keyboard key that marks them speaking.
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
        tile.parts.more.addEventListener('keydown', (event) => {
          if (event.key === 'Escape' && tile.menu) this.#closeMenu(tile, 'toggle');
        });
        this.#tiles.set(p.id, tile);
      }
      if (this.container.children[index] !== tile.root) {
        this.container.insertBefore(tile.root, this.container.children[index] ?? null);
      }
      this.#update(tile, p, ctx, axis, n);
      this.#updateMore(tile, p, ctx);
    });
  }

  #update({ root, tile, parts }, p, ctx, axis, n) {
    const [words, kind] = stateWords(p, ctx.now, ctx.ended, ctx.waiting?.has(p.id));
    const counted = p.status === 'participant' && typeof p.share === 'number' && !p.listening && !p.paused && !p.removed;
    const sinceData = ctx.live && !p.speaking ? ctx.now - (ctx.seenAt.get(p.id) ?? ctx.now) : 0;
    const quiet = typeof p.quiet_for_s === 'number' ? p.quiet_for_s + Math.max(0, sinceData) : null;
    tile.classList.toggle('is-speaking', Boolean(p.speaking));
    tile.classList.toggle('is-away', (!p.present || p.removed) && !ctx.ended);
    root.classList.toggle('is-removed', Boolean(p.removed));
    tile.setAttribute('aria-pressed', String(Boolean(p.speaking)));
    parts.name.textContent = p.name;
    const [conn, connKind] = connWords(p);
    parts.conn.textContent = conn;
    parts.conn.className = `conn ${connKind}`;
    const key = ctx.ended || p.removed ? undefined : ctx.keys?.get(p.id);
    parts.keycap.textContent = key ? key.toUpperCase() : '';
    parts.keycap.hidden = !key;
    if (key) tile.setAttribute('aria-keyshortcuts', key);
    else tile.removeAttribute('aria-keyshortcuts');
    parts.state.textContent = words;
    parts.state.className = `badge ${kind}`;
    parts.state.hidden = !words;
    parts.cofac.hidden = !p.cofacilitator || Boolean(p.removed);
    const place = ctx.handPlaces.get(p.id);
    parts.hand.textContent = place ? `Hand up · ${ordinal(place)} in queue` : '';
    parts.hand.hidden = !place;
    const tracked = p.tracked && p.status !== 'not_tracked';
    parts.airtime.textContent = tracked ? clock(p.airtime_s) : '';
    parts.turns.textContent = tracked ? `${p.turns ?? 0} ${p.turns === 1 ? 'turn' : 'turns'}` : '';
    const turn = turnWords(p, ctx);
    parts.turn.hidden = !turn;
    if (turn) {
      parts.turnText.textContent = turn[0];
      parts.turnFill.style.width = `${turn[1]}%`;
    }
    parts.bar.hidden = !counted;
    parts.fill.style.width = counted ? `${Math.min(100, (p.share / axis) * 100)}%` : '0';
    parts.mark.style.left = `${Math.min(100, (1 / n / axis) * 100)}%`;
    parts.shareText.textContent = tracked && !p.removed ? shareWords(p, 1 / n) : '';
    parts.quiet.textContent = quietWords(p, quiet);
  }

  /** The "…" menu: only for members a lead may remove, and never for yourself. */
  #updateMore(tile, p, ctx) {
    const wanted = ctx.canRemove && !ctx.ended && p.role === 'member' && !p.removed && p.id !== ctx.you;
    const { more } = tile.parts;
    if (!wanted) {
      tile.menu = null;
      if (more.contains(document.activeElement)) tile.tile.focus();
      if (more.firstChild) more.replaceChildren();
      return;
    }
    tile.name = p.name;
    if (!more.firstChild) {
      const panelId = `more-${p.id}`;
      tile.toggle = el('button', {
        type: 'button', class: 'tile-more-toggle', 'aria-expanded': 'false', 'aria-controls': panelId,
        'aria-label': `More for ${p.name}`, title: `More for ${p.name}`, text: '⋯',
        onclick: () => (tile.menu ? this.#closeMenu(tile, 'toggle') : this.#openMenu(tile, 'ask')),
      });
      tile.panel = el('div', { class: 'tile-menu', id: panelId, hidden: true });
      more.append(tile.toggle, tile.panel);
    }
    tile.toggle.setAttribute('aria-label', `More for ${p.name}`);
    tile.toggle.title = `More for ${p.name}`;
  }

  #openMenu(tile, step) {
    tile.menu = step;
    tile.toggle.setAttribute('aria-expanded', 'true');
    tile.panel.hidden = false;
    const id = tile.parts.more.closest('.tile-card').dataset.card;
    if (step === 'ask') {
      fill(tile.panel, el('button', {
        type: 'button', class: 'menu-item', text: 'Remove from this session',
        onclick: () => this.#openMenu(tile, 'confirm'),
      }));
    } else {
      const confirmId = `remove-q-${id}`;
      fill(tile.panel,
        el('p', { id: confirmId, class: 'small', text: `Remove ${tile.name} from this session? They will not be able to rejoin it.` }),
        el('div', { class: 'row' },
          el('button', {
            type: 'button', class: 'danger', text: 'Remove', 'aria-describedby': confirmId,
            'aria-label': `Remove ${tile.name}`,
            onclick: async (e) => {
              const button = e.currentTarget;
              button.disabled = true;
              if (await this.onRemove(id)) this.#closeMenu(tile, 'tile');
              else button.disabled = false;
            },
          }),
          el('button', { type: 'button', text: 'Cancel', onclick: () => this.#closeMenu(tile, 'toggle') })));
    }
    tile.panel.querySelector('button').focus();
  }

  /** focusTo: 'toggle', 'tile' (the menu is gone: the member was removed) or null (a click elsewhere). */
  #closeMenu(tile, focusTo) {
    tile.menu = null;
    tile.toggle?.setAttribute('aria-expanded', 'false');
    if (tile.panel) {
      tile.panel.hidden = true;
      tile.panel.replaceChildren();
    }
    if (focusTo === 'toggle' && tile.toggle?.isConnected) tile.toggle.focus();
    else if (focusTo) tile.tile.focus();
  }
}
