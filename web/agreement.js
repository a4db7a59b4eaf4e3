// A group's agreement: /groups/{group_id}/agreement (DOMAIN.md E2-E4). Shows the version in
// force, revises it into a new version (adopting ground rules members proposed), or
// reaffirms it unchanged at a review. Facilitators of the group only.
import { api, el, fill, showError } from '/static/common.js';
import { showGroupHeading, showLoadError } from '/static/group-page.js';

const $ = (id) => document.getElementById(id);
const groupId = location.pathname.match(/^\/groups\/([^/]+)\/agreement/)?.[1];
const base = groupId ? `/api/groups/${groupId}` : ''; // still percent-encoded, as it came in the path
const form = $('agreement-form');
const saved = $('agreement-saved');
const TEXTS = ['confidentiality', 'ground_rules', 'tracking'];
const LABELS = {
  confidentiality: 'Confidentiality statement', ground_rules: 'Ground rules', tracking: 'What Airtime tracks', adopt: 'Proposed rules',
};

let current = null; // the agreement in force, as the server last answered

/** An ISO time as a date a person reads; a time without an offset is UTC. */
function day(iso) {
  if (!iso) return '—';
  const date = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
}

const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

function showCurrent(agreement) {
  current = agreement;
  $('current-version').textContent = String(agreement.version);
  $('current-adopted').textContent = day(agreement.adopted_at);
  $('current-review').textContent = day(agreement.review_due);
  $('current-reviewed-row').hidden = !agreement.reviewed_at;
  $('current-reviewed').textContent = day(agreement.reviewed_at);
  $('current-confidentiality').textContent = agreement.confidentiality;
  fill($('current-rules'), agreement.ground_rules.map((rule) => el('li', { text: rule })));
  $('current-tracking').textContent = agreement.tracking;
  const notice = $('review-notice');
  notice.hidden = !agreement.review_is_due;
  notice.textContent = agreement.review_is_due
    ? 'A review is due. Read the agreement through with the group, then save a new version below or reaffirm it as it is.'
    : '';
  form.elements.confidentiality.value = agreement.confidentiality;
  form.elements.ground_rules.value = agreement.ground_rules.join('\n');
  form.elements.tracking.value = agreement.tracking;
  for (const name of TEXTS) form.elements[name].removeAttribute('aria-invalid');
  $('current').hidden = false;
}

function showProposals(list) {
  // Proposals waiting for a decision first; adopted ones after, oldest first within each.
  const ordered = [...list.filter((p) => !p.adopted_in), ...list.filter((p) => p.adopted_in)];
  fill($('proposal-list'), ordered.map((p, index) => {
    const textId = `proposal-${index}-text`;
    const item = el('li', { class: `proposal${p.adopted_in ? ' is-adopted' : ''}`, 'data-id': p.id },
      el('p', { class: 'proposal-text', id: textId, text: p.text }),
      el('p', { class: 'hint proposal-when', text: `Proposed ${day(p.created_at)}` }));
    if (p.adopted_in) {
      item.append(el('p', { class: 'proposal-adopted' },
        el('span', { class: 'badge badge-adopted', text: `adopted in version ${p.adopted_in}` })));
    } else {
      const boxId = `adopt-${index}`;
      item.append(el('div', { class: 'check adopt-check' },
        el('input', { type: 'checkbox', id: boxId, name: 'adopt', value: p.id, 'aria-labelledby': `${boxId}-label ${textId}` }),
        el('label', { for: boxId, id: `${boxId}-label`, text: 'Adopt into the new version' })));
    }
    return item;
  }));
  $('proposals-empty').hidden = list.length > 0;
}

/** What changed since the version in force: only those fields go to the server, with the ticked proposals. */
function changes() {
  const body = {};
  const confidentiality = form.elements.confidentiality.value.trim();
  if (confidentiality !== current.confidentiality) body.confidentiality = confidentiality;
  const rules = lines(form.elements.ground_rules.value);
  if (JSON.stringify(rules) !== JSON.stringify(current.ground_rules)) body.ground_rules = rules;
  const tracking = form.elements.tracking.value.trim();
  if (tracking !== current.tracking) body.tracking = tracking;
  const adopt = [...form.querySelectorAll('input[name=adopt]:checked')].map((box) => box.value);
  if (adopt.length) body.adopt = adopt;
  return body;
}

function say(text, kind) {
  saved.textContent = text;
  saved.dataset.kind = kind;
}

/** The server names the field first ("ground_rules: …"): say it with the field's label and point at it. */
function sayError(err) {
  const match = /^(\w+)(?:\.\d+)?:\s*(.*)$/s.exec(err.message ?? '');
  const key = match?.[1];
  if (!key || !(key in LABELS)) {
    say(err.message ?? String(err), 'error');
    return;
  }
  const rest = match[2];
  say(`${LABELS[key]}: ${rest}${/[.!?]$/.test(rest) ? '' : '.'}`, 'error');
  const field = form.elements[key];
  if (field instanceof HTMLTextAreaElement) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

async function busy(action) {
  const buttons = [$('agreement-save'), $('agreement-reaffirm')];
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } catch (err) {
    if (err.status === 401) say('You are not logged in any more. Log in again (Your groups), then come back to this page.', 'error');
    else sayError(err);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  for (const name of TEXTS) form.elements[name].removeAttribute('aria-invalid');
  const body = changes();
  if (!Object.keys(body).length) {
    say('Nothing has changed yet. To keep the agreement as it is, use “Reaffirm without changes”.', 'info');
    return;
  }
  const empty = TEXTS.find((name) => name in body && (name === 'ground_rules' ? !body[name].length : !body[name]));
  if (empty) {
    say(`${LABELS[empty]} cannot be left empty.`, 'error');
    form.elements[empty].setAttribute('aria-invalid', 'true');
    form.elements[empty].focus();
    return;
  }
  busy(async () => {
    say('Saving…', 'info');
    const agreement = await api(`${base}/agreement`, { method: 'PUT', body });
    showCurrent(agreement);
    showProposals(await api(`${base}/proposals`).catch(() => []));
    say(`Saved as version ${agreement.version}. Members consent to it when they next join, and it applies from the next session.`, 'ok');
  });
});

$('agreement-reaffirm').addEventListener('click', () => {
  const edited = Object.keys(changes()).length > 0;
  busy(async () => {
    say('Saving…', 'info');
    const agreement = await api(`${base}/agreement/review`, { method: 'POST' });
    showCurrent(agreement); // also puts the form back to the version in force
    say(`Reaffirmed version ${agreement.version} as it is. The next review is due ${day(agreement.review_due)}.`
      + (edited ? ' The edits you had made in the form were not saved.' : ''), 'ok');
  });
});

// A changed form is no longer "saved": clear the old message so it cannot mislead.
form.addEventListener('input', (event) => {
  if (saved.dataset.kind === 'ok') say('', 'info');
  event.target.removeAttribute?.('aria-invalid');
});

async function boot() {
  if (!groupId) {
    $('intro').textContent = '';
    showError(new Error('This address does not name a group.'));
    return;
  }
  try {
    const [group, agreement, proposals] = await Promise.all([
      api(base), api(`${base}/agreement`), api(`${base}/proposals`),
    ]);
    showGroupHeading(group, 'Agreement', 'Members read and accept this agreement before they join. Review it with the group: adopt ground rules members proposed, or reaffirm it as it is.');
    showCurrent(agreement);
    showProposals(proposals);
    form.hidden = false;
  } catch (err) {
    showLoadError(err);
  }
}

boot();
