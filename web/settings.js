// Group settings: /groups/{group_id}/settings (DOMAIN.md P5, R2, R5). Durations are shown
// in minutes and sent in seconds; every other value goes to the API as it is.
import { api, showStatus } from '/static/common.js';
import { showGroupHeading, showLoadError } from '/static/group-page.js';
import { showContacts } from '/static/settings-contacts.js';

const $ = (id) => document.getElementById(id);
const groupId = location.pathname.match(/^\/groups\/([^/]+)\/settings/)?.[1];
const form = $('settings-form');
const saved = $('settings-saved');
const BOOLEANS = ['prompts', 'share_timer', 'members_see_headline', 'waiting_room'];

/** Seconds as minutes for an input: at most two decimals, no trailing zeros. */
const minutes = (seconds) => String(Math.round((seconds / 60) * 100) / 100);

function numberInputs() {
  return [...form.querySelectorAll('input[type=number]')];
}

function show(settings) {
  for (const key of BOOLEANS) form.elements[key].checked = Boolean(settings[key]);
  for (const input of numberInputs()) {
    const value = settings[input.name];
    input.value = input.dataset.unit === 'minutes' ? minutes(value) : String(value);
    input.removeAttribute('aria-invalid');
  }
  for (const radio of form.querySelectorAll('input[name=hand_order]')) radio.checked = radio.value === settings.hand_order;
}

/** The form as the API wants it; a field that is not a number >= 0 is reported here. */
function read() {
  const body = {};
  for (const key of BOOLEANS) body[key] = form.elements[key].checked;
  body.hand_order = form.querySelector('input[name=hand_order]:checked')?.value ?? 'fifo';
  for (const input of numberInputs()) {
    const value = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(value) || value < 0) {
      const label = form.querySelector(`label[for="${input.id}"]`).textContent;
      throw Object.assign(new Error(`“${label}” needs a number, 0 or more.`), { field: input });
    }
    body[input.name] = input.dataset.unit === 'minutes' ? Math.round(value * 60) : value;
  }
  return body;
}

function say(text, kind) {
  saved.textContent = text;
  saved.dataset.kind = kind;
}

/** The server names the setting first ("quiet_after_s: …"): point at that field. */
function markField(detail) {
  const key = /^(\w+):/.exec(detail ?? '')?.[1];
  const input = key && form.querySelector(`[name="${CSS.escape(key)}"]`);
  if (!input) return;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const input of numberInputs()) input.removeAttribute('aria-invalid');
  let body;
  try {
    body = read();
  } catch (err) {
    say(err.message, 'error');
    err.field.setAttribute('aria-invalid', 'true');
    err.field.focus();
    return;
  }
  const button = $('settings-save');
  button.disabled = true;
  say('Saving…', 'info');
  try {
    show(await api(`/api/groups/${encodeURIComponent(groupId)}/settings`, { method: 'PUT', body }));
    say('Saved.', 'ok');
  } catch (err) {
    say(err.message, 'error');
    markField(err.message);
  } finally {
    button.disabled = false;
  }
});
// A changed form is no longer "saved": clear the old message so it cannot mislead.
form.addEventListener('input', () => {
  if (saved.dataset.kind === 'ok') say('', 'info');
});

async function boot() {
  if (!groupId) {
    $('intro').textContent = '';
    showStatus('This address does not name a group.', 'error');
    return;
  }
  const path = `/api/groups/${encodeURIComponent(groupId)}`;
  try {
    const [group, settings] = await Promise.all([api(path), api(`${path}/settings`)]);
    showGroupHeading(group, 'Settings', 'These settings belong to the group and apply to every session, including one that is running now.');
    show(settings);
    form.hidden = false;
  } catch (err) {
    showLoadError(err);
    return;
  }
  await showContacts(groupId);
}

boot();
