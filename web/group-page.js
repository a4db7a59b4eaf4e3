// What the group's own pages (settings, agreement) share: the heading, the way back
// to an open session, and a readable message when loading fails.
import { el, fill, showError } from '/static/common.js';

const $ = (id) => document.getElementById(id);

/** Title the page for the group and link back to its session when one is open. */
export function showGroupHeading(group, what, intro) {
  $('title').textContent = `${what} for ${group.name}`;
  document.title = `${what} for ${group.name} — Airtime`;
  $('intro').textContent = intro;
  const session = group.session;
  if (session && session.state !== 'ended') {
    const link = $('dashboard-link');
    link.href = `/dashboard/${encodeURIComponent(session.id)}`;
    link.textContent = session.state === 'live' ? 'Back to the live session' : 'Back to the session';
    link.hidden = false;
  }
}

/** Loading failed: ask to log in again on a 401, otherwise say what went wrong. */
export function showLoadError(err) {
  $('intro').textContent = '';
  if (err.status === 401) {
    fill($('intro'), 'You are not logged in, or your login expired. ',
      el('a', { href: '/', text: 'Log in' }), ', then come back to this page.');
  } else {
    showError(err);
  }
}
