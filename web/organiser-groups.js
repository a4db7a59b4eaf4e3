// The organiser's groups (DOMAIN.md E6): who runs each one, and its figures across ended
// sessions, shown only for groups of 5 or more members. Never a member's own numbers.
import { api, el, fill, percent, showStatus } from '/static/common.js';
import { DEFAULT_DESCRIPTION, facilitatorChoice, field, form } from '/static/home-forms.js';

const groupPath = (group) => `/api/groups/${encodeURIComponent(group.id)}`;
const facilitatorLine = (names) => `Run by ${names.length ? names.join(', ') : 'nobody yet'}`;

/** The "Groups" section and the "Create a group" form; `refresh(facilitators)` redraws both. */
export function organiserGroups() {
  const cards = el('div', { class: 'groups', id: 'groups' }, el('p', { class: 'muted', text: 'Loading groups…' }));
  const section = el('section', { 'aria-labelledby': 'groups-h' },
    el('h2', { id: 'groups-h', text: 'Groups' }),
    el('p', { class: 'hint', text: 'Figures are totals and averages across each group\'s ended sessions, never a member\'s own numbers.' }),
    cards);
  const create = el('div', { id: 'create-group' });
  let shown = null;
  const refresh = async (facilitators = shown ?? []) => {
    // Redraw the create form only when the accounts changed, so nothing typed there is lost.
    if (shown === null || shown.join('\n') !== facilitators.join('\n')) {
      fill(create, createGroupForm(facilitators, () => refresh(facilitators)));
    }
    shown = facilitators;
    const groups = await api('/api/groups');
    fill(cards, groups.length ? groups.map((group) => groupCard(group, facilitators))
      : el('p', { class: 'muted', text: 'There are no groups yet. Create one below.' }));
  };
  return { section, create, refresh };
}

function groupCard(group, facilitators) {
  const headingId = `group-${group.id}-h`;
  const figures = el('div', { class: 'group-figures' }, el('p', { class: 'muted', text: 'Loading figures…' }));
  const runBy = el('p', { class: 'muted small', text: facilitatorLine(group.facilitators) });
  const card = el('article', { class: 'card group', 'data-group': group.id, 'aria-labelledby': headingId },
    el('h3', { id: headingId, text: group.name }), runBy, figures,
    el('p', {}, el('a', { class: 'button', href: `/groups/${encodeURIComponent(group.id)}/insights`,
      text: 'Insights', 'aria-label': `Insights for ${group.name}` })),
    facilitatorsForm(group, facilitators, (updated) => { runBy.textContent = facilitatorLine(updated.facilitators); }));
  loadFigures(group, figures);
  return card;
}

async function loadFigures(group, box) {
  try {
    fill(box, figureList(await api(`${groupPath(group)}/summary`)));
  } catch (err) {
    // 403: a group of fewer than 5 members. Not a fault, so said calmly, with the server's reason.
    fill(box, err.status === 403
      ? [el('p', { class: 'figures-note', text: `Figures are hidden: ${err.message}.` }),
        el('p', { class: 'hint', text: 'In a small group, figures could point to particular people, so only its facilitators see them.' })]
      : el('p', { class: 'figures-note', text: `The figures could not be loaded: ${err.message}` }));
  }
}

function figureList(summary) {
  const rows = [
    ['Members', String(summary.member_count)],
    ['Sessions held', String(summary.sessions_held)],
    ['Mean attendance', summary.mean_attendance === null ? '—' : `${Math.round(summary.mean_attendance * 10) / 10} people`],
    ['Mean evenness', percent(summary.mean_evenness)],
    summary.check_ins?.shown && ['Felt included (check-ins)',
      summary.check_ins.included_mean === null ? '—' : `${summary.check_ins.included_mean.toFixed(1)} of 5`],
    ['Prompts acted on', `${summary.prompts_acted_on} of ${summary.prompts_shown}`],
  ].filter(Boolean);
  return [
    summary.sessions_held === 0 && el('p', { class: 'muted', text: 'No sessions have ended yet, so there is little to show.' }),
    el('dl', { class: 'figures' }, rows.map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value })))),
    el('p', { class: 'hint', text: 'Evenness says how evenly talk was shared among those who took part: 100% means everyone '
      + 'spoke for the same time, lower means a few did most of the talking.'
      + (summary.check_ins?.shown ? ' Check-ins count only sessions where 5 or more people answered.' : '') }),
  ];
}

function facilitatorsForm(group, facilitators, onSaved) {
  if (!facilitators.length) return el('p', { class: 'muted', text: 'Add a facilitator account to choose who runs this group.' });
  const status = el('p', { class: 'inline-status', role: 'status', 'aria-live': 'polite' });
  const say = (text, kind) => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const save = el('button', { type: 'submit', text: 'Save facilitators', 'aria-label': `Save facilitators for ${group.name}` });
  const node = el('form', { class: 'facilitators-form' },
    facilitatorChoice(`runs-${group.id}`, `Who runs ${group.name}`, facilitators, group.facilitators),
    el('div', { class: 'row' }, save, status));
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = new FormData(node).getAll('facilitators');
    if (!chosen.length) {
      say('Choose at least one facilitator: a group needs someone to run it.', 'error');
      node.querySelector('input[name=facilitators]').focus();
      return;
    }
    save.disabled = true;
    try {
      const updated = await api(`${groupPath(group)}/facilitators`, { method: 'PUT', body: { facilitators: chosen } });
      onSaved(updated);
      say(`Saved. ${facilitatorLine(updated.facilitators)} from now on.`, 'ok');
    } catch (err) {
      say(err.message, 'error');
    } finally {
      save.disabled = false;
    }
  });
  return node;
}

function createGroupForm(facilitators, refresh) {
  if (!facilitators.length) {
    return el('section', { class: 'card', 'aria-labelledby': 'create-group-h' },
      el('h2', { id: 'create-group-h', text: 'Create a group' }),
      el('p', { text: 'Add a facilitator account first: every group needs at least one facilitator to run it.' }));
  }
  return form('Create a group', [
    field('group-name', 'Group name', { required: true, maxlength: 80 }),
    field('group-description', 'What members are told is tracked', { multiline: true, rows: 5, value: DEFAULT_DESCRIPTION },
      'Members read this before they agree to join. Keep it plain.'),
    facilitatorChoice('new-group', 'Who runs it', facilitators, [], 'Choose at least one facilitator account.'),
  ], 'Create group', async (data, node) => {
    const chosen = new FormData(node).getAll('facilitators');
    if (!chosen.length) {
      node.querySelector('input[name=facilitators]').focus();
      throw new Error('Choose at least one facilitator to run the group.');
    }
    await api('/api/groups', { method: 'POST', body: { name: data['group-name'], description: data['group-description'], facilitators: chosen } });
    node.reset();
    node.querySelector('textarea').value = DEFAULT_DESCRIPTION;
    showStatus(`Group “${data['group-name']}” created.`, 'ok');
    await refresh();
  });
}
