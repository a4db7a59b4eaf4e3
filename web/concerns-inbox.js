// "Concerns for you" on the home page (DOMAIN.md E7): the concerns routed to this account,
// newest first, each moved on one step at a time: received, acknowledged, resolved.
// A concern's text and a member's name are user text: they only ever reach the page as text.
import { api, el, fill } from '/static/common.js';

const NEXT = { received: ['acknowledged', 'Mark acknowledged'], acknowledged: ['resolved', 'Mark resolved'] };
const STEPS = [['received', 'Received'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']];

function when(iso) {
  const date = new Date(iso);
  return el('time', { datetime: iso, text: date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) });
}

const newestFirst = (a, b) => Date.parse(b.received_at) - Date.parse(a.received_at);

/** The section; it loads itself, and keeps its own polite live region for outcomes. */
export function concernsSection() {
  const list = el('div', { id: 'concerns' }, el('p', { class: 'muted', text: 'Loading concerns…' }));
  const live = el('p', { id: 'concerns-status', class: 'inline-status', role: 'status', 'aria-live': 'polite' });
  const section = el('section', { class: 'card', id: 'concerns-card', 'aria-labelledby': 'concerns-h' },
    el('h2', { id: 'concerns-h', tabindex: '-1', text: 'Concerns for you' }), live, list);
  const say = (text, kind = 'ok') => {
    live.textContent = text;
    live.dataset.kind = kind;
  };
  const load = async () => {
    try {
      showList(list, (await api('/api/concerns')).sort(newestFirst), say, reload);
    } catch (err) {
      fill(list, el('p', { text: `Your concerns could not be loaded: ${err.message}` }));
    }
  };
  // After a refused step the item may have gone: keep focus in the section, on its heading.
  const reload = async () => {
    await load();
    section.querySelector('#concerns-h').focus();
  };
  load();
  return section;
}

function showList(list, concerns, say, reload) {
  if (!concerns.length) {
    fill(list,
      el('p', { text: 'No concerns have been raised with you.' }),
      el('p', { class: 'hint', text: 'Members raise concerns from their session page, anonymously unless they '
        + 'choose otherwise. One reaches you when you are the contact for its group, or the alternate when it is '
        + 'about the contact; you can choose both on each group\'s settings page.' }));
    return;
  }
  fill(list, el('ul', { class: 'concern-list' }, concerns.map((c) => concernItem(c, say, reload))));
}

function concernItem(concern, say, reload) {
  const headingId = `concern-${concern.id}-h`;
  const item = el('li', { class: 'concern', 'data-concern': concern.id, 'data-status': concern.status },
    el('h3', { id: headingId, tabindex: '-1', text: `Concern in ${concern.group ?? 'a group'}` }),
    el('p', { class: 'muted small' }, 'Received ', when(concern.received_at), ' · ',
      concern.anonymous ? 'Anonymous' : `From a named member: ${concern.member_name ?? 'a member who has since left'}`),
    concern.about_contact && el('p', { class: 'concern-about', text: 'About the group\'s contact — routed to you as the alternate' }),
    el('blockquote', { class: 'concern-text', text: concern.text }),
    statusLine(concern),
    nextButton(concern, headingId, (updated) => {
      const fresh = concernItem(updated, say, reload);
      item.replaceWith(fresh);
      (fresh.querySelector('button') ?? fresh.querySelector('h3')).focus();
      say(`Concern in ${updated.group ?? 'the group'} marked ${updated.status}.`);
    }, async (err) => {
      say(err.message, 'error');
      // Moved on elsewhere (409) or no longer there (404): show how things stand now.
      if (err.status === 409 || err.status === 404) await reload();
    }));
  return item;
}

function statusLine(concern) {
  const steps = STEPS.filter(([key]) => concern[`${key}_at`]);
  const current = STEPS.find(([key]) => key === concern.status)?.[1] ?? concern.status;
  return el('div', { class: 'concern-status' },
    el('p', {}, 'Status: ', el('span', { class: `badge badge-${concern.status}`, text: current })),
    el('ul', { class: 'concern-steps small' },
      steps.map(([key, label]) => el('li', {}, `${label} `, when(concern[`${key}_at`])))));
}

function nextButton(concern, describedBy, done, failed) {
  const next = NEXT[concern.status];
  if (!next) return null;
  const [status, label] = next;
  return el('button', {
    type: 'button', class: 'primary', text: label, 'aria-describedby': describedBy,
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        done(await api(`/api/concerns/${encodeURIComponent(concern.id)}/status`, { method: 'POST', body: { status } }));
      } catch (err) {
        button.disabled = false;
        await failed(err);
      }
    },
  });
}
