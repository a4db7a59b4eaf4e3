// A member's own report after the session (DOMAIN.md E6): their numbers only, and the
// group's balance in words when the group allows it. Never anyone else's numbers.
import { api, clock, el, fill, percent } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const STATUS = {
  participant: 'You took part in the conversation.',
  listened: 'You mostly listened today — that is always fine.',
  not_tracked: 'You were not tracked in this session.',
  absent: 'You were not in this session.',
};

function shareWords(me) {
  if (typeof me.fair_share_ratio !== 'number') return '';
  const r = me.fair_share_ratio;
  if (r >= 0.8 && r <= 1.25) return 'That is close to an equal share of the time.';
  return r < 0.8 ? 'That is less than an equal share of the time.' : 'That is more than an equal share of the time.';
}

export async function showMyReport(sessionId) {
  let report;
  try {
    report = await api(`/api/sessions/${encodeURIComponent(sessionId)}/my-report`);
  } catch {
    $('my-report').hidden = true; // nothing about this browser's member (or not theirs to see)
    return;
  }
  const me = report.me;
  const facts = me.status === 'participant' || me.status === 'listened' ? [
    ['You spoke for', clock(me.airtime_s)],
    ['Your share', percent(me.share)],
    ['Turns', String(me.turns ?? 0)],
    ['First spoke at', me.first_contribution_s === null ? '—' : clock(me.first_contribution_s)],
    ['Hands raised', String(me.hand_raises ?? 0)],
  ] : [];
  fill($('my-report-facts'), facts.map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value }))));
  $('my-report-words').textContent = [STATUS[me.status] ?? '', shareWords(me)].filter(Boolean).join(' ');
  const balance = report.group?.balance;
  $('my-report-group').hidden = !balance;
  $('my-report-group').textContent = balance ? `The group's balance today: ${balance}.` : '';
  $('my-report').hidden = false;
}
