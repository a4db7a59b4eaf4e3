// Shared helpers for every Airtime page: DOM building, REST calls, formatting,
// the status area and the live session socket.

/**
 * Build an element. Text always goes through text nodes, so display names and
 * other user text stay inert (RELIABILITY.md S6); there is deliberately no way
 * to pass HTML.
 * props: `class`, `text`, `on<event>` listeners, `value`/`checked` (properties),
 * booleans (set as empty attributes when true), anything else as an attribute.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'value' || key === 'checked') node[key] = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...flatten(children));
  return node;
}

function flatten(children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
}

/** Replace all children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren(...flatten(children));
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Call the REST API; resolves to the JSON answer, throws ApiError with a readable message. */
export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'Cannot reach the Airtime server. Check the connection and try again.');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, describeError(data, response));
  return data;
}

function describeError(data, response) {
  const detail = data?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    // FastAPI's 422 shape: a list of {loc, msg}; the leading "body" says nothing to a person.
    return detail.map((p) => {
      const where = (p.loc ?? []).filter((part) => part !== 'body').join('.');
      return where ? `${where}: ${p.msg}` : p.msg;
    }).join('; ');
  }
  return `The server could not do that (${response.status}).`;
}

/** Show a message in the page's status area (#status); kind is 'info', 'ok' or 'error'. */
export function showStatus(message, kind = 'info') {
  const area = document.getElementById('status');
  if (!area) return;
  area.dataset.kind = kind;
  area.hidden = !message;
  area.textContent = message;
}

export function showError(err) {
  showStatus(err?.message ?? String(err), 'error');
}

/** Seconds as m:ss (or h:mm:ss); null stays visibly unknown. */
export function clock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function percent(fraction) {
  return fraction === null || fraction === undefined ? '—' : `${Math.round(fraction * 100)}%`;
}

export function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** The last path segment after `prefix`, e.g. pathPart('/join/') on /join/abc -> "abc". */
export function pathPart(prefix) {
  const path = location.pathname;
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length).split('/')[0]) : '';
}

/** Session time that keeps running between frames while the session is live. */
export class SessionClock {
  #base = 0;
  #at = performance.now();
  running = false;

  sync(elapsedS, state) {
    if (typeof elapsedS === 'number') {
      this.#base = elapsedS;
      this.#at = performance.now();
    }
    if (state) this.running = state === 'live';
  }

  now() {
    return this.#base + (this.running ? (performance.now() - this.#at) / 1000 : 0);
  }
}

/** Copy text, falling back to selecting it so the person can copy by hand. */
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    showStatus('Link copied.', 'ok');
  } catch {
    input?.select();
    showStatus('Select the link and copy it.', 'info');
  }
}

/**
 * The live session socket: single-use ticket, then WebSocket; reconnects with
 * full-jitter backoff (0.5 s doubling to 10 s, RELIABILITY.md F3), resuming from the
 * last `seq` it saw (the server sends what was missed, or a snapshot), and asks for a
 * snapshot when frame numbers skip (RELIABILITY.md O1).
 * Callbacks: onFrame(frame), onConnection('connecting'|'open'|'reconnecting'),
 * onRefused(ApiError) when the server will not give a ticket (then it stops),
 * onClosed({code, reason}) when the server closed the socket for good (then it stops):
 * 4001 logged out, 4003 removed from the session, 4004 the member deleted their data.
 * Without onClosed those reach onRefused as a 401 / 403 / 410 ApiError instead. The same is dispatched as a `closed`
 * event, and `finalCode` keeps the code. 4002 (role changed) reconnects at once with
 * a new ticket, so the new snapshot brings the new view (RELIABILITY.md S3).
 */
const FINAL_CLOSES = {
  4001: [401, 'You logged out, so this page stopped following the session.'],
  4003: [403, 'A facilitator removed you from this session.'],
  4004: [410, 'Your data was deleted, so this page stopped following the session.'],
};
const CLOSE_ROLE_CHANGED = 4002;

export class LiveSocket extends EventTarget {
  #ws = null;
  #lastN = 0;
  #lastSeq = null; // the session log position this page is whole up to; null: needs a snapshot
  #awaitingSnapshot = false;
  #attempt = 0;
  #timer = null;
  #stopped = false;
  #nextId = 0;
  #pending = new Map();

  finalCode = null; // 4001 or 4003 once the server has closed this for good

  constructor({ sessionId, as, onFrame, onConnection = () => {}, onRefused, onClosed }) {
    super();
    Object.assign(this, { sessionId, as, onFrame, onConnection, onRefused, onClosed });
    window.addEventListener('online', () => this.#retryNow());
  }

  start() {
    this.onConnection('connecting');
    this.#connect();
  }

  /** Stop for good (the session ended, or the page gave up); closes the socket normally. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000);
  }

  get isOpen() {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /**
   * Send an action with an id; resolves true on its ack, false on an error frame
   * or a lost connection. Not re-sent after a reconnect: ids are only de-duplicated
   * per connection (RELIABILITY.md O2), so a re-send could apply twice.
   */
  send(message) {
    if (!this.isOpen) {
      showStatus('Not connected right now, so that was not sent. Please try again in a moment.', 'error');
      return Promise.resolve(false);
    }
    const id = `c-${++this.#nextId}`;
    this.#ws.send(JSON.stringify({ ...message, id }));
    return new Promise((resolve) => this.#pending.set(id, resolve));
  }

  /** Send without an id (heartbeats, snapshot requests); dropped silently when offline. */
  notify(message) {
    if (this.isOpen) this.#ws.send(JSON.stringify(message));
  }

  async #connect() {
    if (this.#stopped) return;
    let ticket;
    try {
      ticket = (await api(`/api/sessions/${encodeURIComponent(this.sessionId)}/ticket`,
        { method: 'POST', body: { as: this.as } })).ticket;
    } catch (err) {
      // A 4xx will not get better by retrying (logged out, not allowed, ended); the rest may.
      if (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
        this.stop();
        this.onRefused(err);
      } else {
        this.#retryLater();
      }
      return;
    }
    if (this.#stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resume = this.#lastSeq === null ? '' : `&after=${this.#lastSeq}`;
    const url = `${scheme}//${location.host}/ws/sessions/${encodeURIComponent(this.sessionId)}`
      + `?ticket=${encodeURIComponent(ticket)}${resume}`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.#lastN = 0;
    this.#awaitingSnapshot = false;
    ws.addEventListener('message', (event) => this.#receive(event.data));
    ws.addEventListener('close', (event) => this.#closed(ws, event));
  }

  #receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === 'snapshot' || frame.type === 'resumed') {
      if (this.#lastN === 0) {
        this.#attempt = 0;
        this.onConnection('open');
      }
      if (frame.type === 'snapshot') this.#awaitingSnapshot = false;
    } else if (frame.n !== this.#lastN + 1 && !this.#awaitingSnapshot) {
      this.#awaitingSnapshot = true;
      this.notify({ type: 'snapshot' });
    }
    this.#lastN = frame.n;
    // Whole up to this frame's seq, unless a skipped frame is still to be made good.
    this.#lastSeq = this.#awaitingSnapshot ? null : frame.seq;
    if (frame.type === 'ack') this.#settle(frame.id, true);
    if (frame.type === 'error') {
      this.#settle(frame.id, false);
      showStatus(frame.message, 'error');
    }
    this.onFrame(frame);
  }

  #settle(id, ok) {
    this.#pending.get(id)?.(ok);
    this.#pending.delete(id);
  }

  #closed(ws, event) {
    if (ws !== this.#ws) return;
    for (const resolve of this.#pending.values()) resolve(false);
    this.#pending.clear();
    this.#ws = null;
    const hadSnapshot = this.#lastN > 0;
    if (this.#stopped) return;
    if (event.code in FINAL_CLOSES) {
      this.#final(event.code);
    } else if (event.code === CLOSE_ROLE_CHANGED && hadSnapshot) {
      // The role changed: a new ticket brings the new view. No backoff, the server asked for it;
      // a 4002 before any snapshot is treated as trouble and backs off like any other drop.
      this.#lastSeq = null; // the new view starts from a snapshot
      this.#attempt = 0;
      this.onConnection('connecting');
      this.#connect();
    } else {
      this.#retryLater();
    }
  }

  #final(code) {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.finalCode = code;
    const [status, message] = FINAL_CLOSES[code];
    const detail = { code, reason: code === 4001 ? 'logged_out' : 'removed', message };
    if (this.onClosed) this.onClosed(detail);
    else this.onRefused?.(new ApiError(status, message));
    this.dispatchEvent(new CustomEvent('closed', { detail }));
  }

  #retryLater() {
    this.onConnection('reconnecting');
    const cap = Math.min(10, 0.5 * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect();
    }, Math.random() * cap * 1000);
  }

  #retryNow() {
    if (this.#stopped || this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#connect();
  }
}
