// Group insights: /groups/{group_id}/insights (DOMAIN.md E6, E8, R4, E4). How the group's
// sessions have gone over time, for its facilitators, and for organisers once the group has
// 5 or more members. Every chart has a heading, a sentence and a table saying the same.
// Totals, shares and dates only: no member's name or number, and nobody is ranked.
import { api, el, fill, percent } from '/static/common.js';
import { showGroupHeading, showLoadError } from '/static/group-page.js';
import { COLOURS, draw, lineSpec, stackedSpec } from '/static/insights-charts.js';

const $ = (id) => document.getElementById(id);
const groupId = location.pathname.match(/^\/groups\/([^/]+)\/insights/)?.[1];
const base = groupId ? `/api/groups/${groupId}` : ''; // still percent-encoded, as it came in the path
const INTRO = 'How the group\u2019s sessions have gone over time, from each session\u2019s report. '
  + 'Totals, shares and averages only: never a member\u2019s own numbers, and nobody is ranked.';
const ATTENDANCE_PARTS = ['Also at the session before', 'New, or back after a break'];
const INVITATION_PARTS = ['Followed through', 'Not followed through'];
const PHASES = [['check_in', 'Check-in'], ['check_out', 'Check-out']];

/** An ISO time as a date a person reads; a time without an offset is UTC. */
function day(iso) {
  if (!iso) return '—';
  const date = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const decimal = (x) => (x === null || x === undefined ? '—' : String(Math.round(x * 10) / 10));
const score = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(1)} of 5`);
const label = (s) => `Session ${s.number}`;
const sum = (list, pick) => list.reduce((total, item) => total + pick(item), 0);
const range = (values, show) => {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low === high ? show(low) : `between ${show(low)} and ${show(high)}`;
};
const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function section(id, title, ...children) {
  return el('section', { class: 'card insights-section', id, 'aria-labelledby': `${id}-h` },
    el('h2', { id: `${id}-h`, text: title }), ...children);
}

function dataTable(caption, heads, rows) {
  return el('details', { class: 'chart-table' },
    el('summary', { text: 'Show the figures as a table' }),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows.map(([first, ...rest]) => el('tr', {},
        el('th', { scope: 'row', text: first }), rest.map((cell) => el('td', { text: cell }))))))));
}

/** Heading, chart and caption, a sentence saying what it shows, and its figures as a table. */
function chartSection(id, title, parts, drawing) {
  if (!parts.spec) return section(id, title, el('p', { class: 'muted chart-summary', text: parts.sentence }));
  const chart = el('div', { class: 'insights-chart', id: `${id}-chart`, 'data-chart': id });
  drawing.push([chart, parts.spec]);
  return section(id, title,
    el('figure', { class: 'insights-figure' }, chart, el('figcaption', { text: parts.caption })),
    el('p', { class: 'chart-summary', text: parts.sentence }),
    parts.table);
}

function figureList(rows) {
  return el('dl', { class: 'figures' },
    rows.map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value }))));
}

// -- the charts -----------------------------------------------------------------------

function attendance(sessions, numbers) {
  const rows = sessions.flatMap((s) => [
    { session: s.number, date: day(s.started_at), part: ATTENDANCE_PARTS[0], count: s.came_back ?? 0 },
    { session: s.number, date: day(s.started_at), part: ATTENDANCE_PARTS[1], count: s.attendance - (s.came_back ?? 0) },
  ]);
  const mean = sum(sessions, (s) => s.attendance) / sessions.length;
  return {
    caption: 'People at each session: those who were also at the session before, and the others.',
    sentence: `${capital(range(sessions.map((s) => s.attendance), String))} people came to each of the ${plural(sessions.length, 'session', 'sessions')}, ${decimal(mean)} on average.`,
    spec: stackedSpec({ description: 'Bar chart of people at each session.', rows, numbers, title: 'People',
      parts: ATTENDANCE_PARTS, colours: [COLOURS.blue, COLOURS.lightBlue] }),
    table: dataTable('People at each session', ['Session', 'Date', 'People', 'Also at the session before'],
      sessions.map((s) => [label(s), day(s.started_at), String(s.attendance), s.came_back === null ? '—' : String(s.came_back)])),
  };
}

function cameBack(data, numbers) {
  const pairs = data.sessions.filter((s) => s.came_back_share !== null);
  if (!pairs.length) return { sentence: 'Coming back is measured from the second session on: who of those at one session came to the next.' };
  const latest = pairs.at(-1);
  const rows = pairs.map((s) => ({ session: s.number, date: day(s.started_at), series: 'Came back', value: s.came_back_share }));
  return {
    caption: 'Of the people at the session before, the share who came to this one.',
    sentence: `Of everyone at one session, ${percent(data.overall.came_back_share)} came to the next, over all sessions. `
      + `At session ${latest.number}, ${latest.came_back} of the ${latest.previous_attendance} people from the session before came back.`,
    spec: lineSpec({ description: 'Line chart of the share who came back, session by session.', rows, numbers,
      domain: [0, 1], title: 'Came back', format: '.0%', series: [{ name: 'Came back', colour: COLOURS.blue }] }),
    table: dataTable('Who came back from the session before', ['Session', 'Date', 'At the session before', 'Came back', 'Share'],
      pairs.map((s) => [label(s), day(s.started_at), String(s.previous_attendance), String(s.came_back), percent(s.came_back_share)])),
  };
}

function balance(sessions, numbers) {
  const measured = sessions.filter((s) => s.evenness !== null);
  if (!measured.length) return { sentence: 'No session has had enough speech from two or more people to measure how evenly talk was shared.' };
  const latest = measured.at(-1);
  const rows = measured.map((s) => ({ session: s.number, date: day(s.started_at), series: 'Evenness', value: s.evenness }));
  return {
    caption: 'Evenness of talk among those who took part: 100% when everyone spoke for the same time.',
    sentence: `Evenness was ${percent(latest.evenness)} at session ${latest.number}, `
      + `and ${range(measured.map((s) => s.evenness), percent)} across the sessions measured. Lower means a few did most of the talking.`,
    spec: lineSpec({ description: 'Line chart of evenness, session by session.', rows, numbers, domain: [0, 1],
      title: 'Evenness', format: '.0%', series: [{ name: 'Evenness', colour: COLOURS.blue }] }),
    table: dataTable('Balance of talk', ['Session', 'Date', 'Evenness', 'Normalised Gini (0 is equal)'],
      sessions.map((s) => [label(s), day(s.started_at), percent(s.evenness), s.gini_normalized === null ? '—' : s.gini_normalized.toFixed(2)])),
  };
}

function inclusionCell(block) {
  if (block.included_mean !== null) return `${score(block.included_mean)} (${plural(block.answers, 'answer', 'answers')})`;
  return block.answers ? `not shown: ${plural(block.answers, 'answer', 'answers')}` : 'no answers';
}

function inclusion(data, numbers) {
  // Only the phases that have a figure somewhere; a session without one leaves a gap in its line.
  const phases = PHASES.filter(([key]) => data.sessions.some((s) => s.inclusion[key].included_mean !== null));
  const rows = data.sessions.flatMap((s) => phases.map(([key, name]) => (
    { session: s.number, date: day(s.started_at), series: name, value: s.inclusion[key].included_mean })));
  const shown = ([key, name]) => `${name.toLowerCase()} at ${data.sessions.filter((s) => s.inclusion[key].included_mean !== null).length}`;
  if (!phases.length) return { sentence: 'No check-in or check-out has had five or more answers yet. Figures appear from five answers, so no one can be singled out.' };
  return {
    caption: '\u201cHow included did you feel today?\u201d from 1 to 5: the average at check-in and at check-out.',
    sentence: `Shown only where five or more people answered, so no one can be singled out: ${phases.map(shown).join(' and ')} `
      + `of ${plural(data.sessions.length, 'session', 'sessions')}. On average ${score(data.overall.included_mean)}.`,
    spec: lineSpec({ description: 'Line chart of how included people felt, session by session.', rows, numbers,
      domain: [1, 5], title: 'Felt included (1 to 5)', format: '.1f',
      series: [{ name: 'Check-in', colour: COLOURS.blue }, { name: 'Check-out', colour: COLOURS.orange, dash: [6, 3] }]
        .filter((line) => phases.some(([, name]) => name === line.name)) }),
    table: dataTable('How included people felt', ['Session', 'Date', 'Check-in', 'Check-out'],
      data.sessions.map((s) => [label(s), day(s.started_at), ...PHASES.map(([key]) => inclusionCell(s.inclusion[key]))])),
  };
}

function followThrough(data, numbers) {
  const invited = sum(data.sessions, (s) => s.invitations);
  if (!invited) return { sentence: 'No invitations to quieter members have been shown yet. They come when prompts are on and someone has had little chance to speak.' };
  const rows = data.sessions.flatMap((s) => [
    { session: s.number, date: day(s.started_at), part: INVITATION_PARTS[0], count: s.followed_through },
    { session: s.number, date: day(s.started_at), part: INVITATION_PARTS[1], count: s.invitations - s.followed_through },
  ]);
  const followed = sum(data.sessions, (s) => s.followed_through);
  return {
    caption: 'Invitations to quieter members, and whether the person invited spoke within three minutes.',
    sentence: `Of ${plural(invited, 'invitation', 'invitations')}, ${followed} (${percent(data.overall.follow_through_share)}) `
      + 'were followed by the person invited speaking within three minutes. Passing is always fine, so this is a guide, not a score.',
    spec: stackedSpec({ description: 'Bar chart of invitations at each session, followed through or not.', rows, numbers,
      title: 'Invitations', parts: INVITATION_PARTS, colours: [COLOURS.green, COLOURS.grey] }),
    table: dataTable('Invitations followed through', ['Session', 'Date', 'Invitations', 'Followed through'],
      data.sessions.map((s) => [label(s), day(s.started_at), String(s.invitations), String(s.followed_through)])),
  };
}

// -- plain figures --------------------------------------------------------------------

function glance(data) {
  const o = data.overall;
  return section('glance', 'At a glance', figureList([
    ['Sessions held', String(data.sessions_held)],
    ['Members', String(data.member_count)],
    ['Mean attendance', o.mean_attendance === null ? '—' : `${decimal(o.mean_attendance)} people`],
    ['Came back', percent(o.came_back_share)],
    ['Mean evenness', percent(o.mean_evenness)],
    ['Felt included', score(o.included_mean)],
    ['Invitations followed', percent(o.follow_through_share)],
  ]));
}

function leaders(data) {
  const l = data.leaders;
  return section('leaders', 'Rotating discussion leader', figureList([
    ['Sessions with a co-facilitator', `${l.sessions_with_co_facilitator} of ${data.sessions_held}`],
    ['Different members who led', String(l.different_leaders)],
    ['Willing to lead', String(l.willing_members)],
    ['Willing, not yet led', String(l.willing_yet_to_lead)],
  ]), el('p', { class: 'hint', text: 'Members can offer to co-facilitate from their page. Airtime suggests whoever of them has led least, so the role goes round.' }));
}

function agreement(a, me) {
  if (!a) return section('agreement', 'Agreement review', el('p', { class: 'muted', text: 'This group has no agreement yet.' }));
  const notice = a.review_is_due
    ? el('p', { class: 'notice notice-warn', id: 'review-due', text: `Review due: the agreement\u2019s review date, ${day(a.review_due)}, has come. Read it through with the group, then revise it or reaffirm it as it is.` })
    : el('p', { class: 'review-ok', text: `Next review due on ${day(a.review_due)}.` });
  return section('agreement', 'Agreement review', notice, figureList([
    ['Version', String(a.version)],
    ['Adopted', day(a.adopted_at)],
    ['Last reviewed', a.reviewed_at ? day(a.reviewed_at) : 'Not yet'],
    ['Review due', day(a.review_due)],
  ]), me.role === 'facilitator' && el('p', {}, el('a', { href: `/groups/${groupId}/agreement`, text: 'Open the agreement' })));
}

/** Facilitators: every session's own report, newest first (organisers see no per-member reports). */
async function reportList() {
  const sessions = await api(`${base}/sessions`).catch(() => []);
  const held = sessions.filter((s) => s.started_at);
  return section('reports', 'Session reports',
    held.length ? el('ul', { class: 'plain-list' }, held.map((s, i) => el('li', {},
      el('a', { href: `/sessions/${encodeURIComponent(s.id)}/report`, text: `Session ${held.length - i} · ${day(s.started_at)}` }),
      s.state === 'ended' ? '' : ' (running now)')))
      : el('p', { class: 'muted', text: 'No session has started yet.' }));
}

function emptyState() {
  return el('section', { class: 'card insights-empty', 'aria-labelledby': 'empty-h' },
    el('h2', { id: 'empty-h', text: 'Insights appear after the first session ends' }),
    el('p', { text: 'Attendance, the balance of talk, check-ins and prompts are drawn here from each session\u2019s report once it has ended.' }));
}

function hidden(err) {
  const reason = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  return el('section', { class: 'card insights-hidden', 'aria-labelledby': 'hidden-h' },
    el('h2', { id: 'hidden-h', text: 'Figures are hidden for this group' }),
    el('p', { text: `${reason}.` }),
    el('p', { class: 'hint', text: 'In a small group, even totals could point to particular people, so only its facilitators see them. They appear here once the group has grown.' }));
}

async function show(data, me) {
  const root = $('insights');
  const numbers = data.sessions.map((s) => s.number);
  const drawing = [];
  const dueNote = data.agreement?.review_is_due
    && el('p', { class: 'notice notice-warn' }, 'The group agreement\u2019s review is due. ', el('a', { href: '#agreement', text: 'See the agreement review' }), '.');
  const plain = el('div', { class: 'insights-column' }, leaders(data), agreement(data.agreement, me));
  const charts = data.sessions.length ? [
    glance(data),
    el('div', { class: 'insights-grid' },
      chartSection('attendance', 'Attendance', attendance(data.sessions, numbers), drawing),
      chartSection('came-back', 'Coming back', cameBack(data, numbers), drawing),
      chartSection('balance', 'Balance of talk', balance(data.sessions, numbers), drawing),
      chartSection('inclusion', 'Feeling included', inclusion(data, numbers), drawing),
      chartSection('follow-through', 'Invitations followed through', followThrough(data, numbers), drawing),
      plain),
  ] : [emptyState(), el('div', { class: 'insights-grid' }, plain)];
  fill(root, dueNote, charts, me.role === 'facilitator' ? await reportList() : null);
  await Promise.all(drawing.map(([node, spec]) => draw(node, spec)));
  root.dataset.ready = 'true';
}

async function boot() {
  try {
    if (!groupId) throw new Error('This page needs a group in its address.');
    const [me, group] = await Promise.all([api('/api/auth/me'), api(base)]);
    showGroupHeading(group, 'Insights', INTRO);
    const data = await api(`${base}/insights`).catch((err) => {
      if (err.status === 403) return err; // an organiser, and a group under 5 members (E6)
      throw err;
    });
    if (data instanceof Error) {
      fill($('insights'), hidden(data));
      $('insights').dataset.ready = 'true';
    } else {
      await show(data, me);
    }
  } catch (err) {
    showLoadError(err);
  }
}

boot();
