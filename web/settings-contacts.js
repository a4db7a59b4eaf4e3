// Who receives a group's concerns (DOMAIN.md E7), on the group settings page: the contact,
// and the alternate who receives concerns about the contact. Saved on its own.
import { api, el, fill } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const form = $('contacts-form');
const saved = $('contacts-saved');

function say(text, kind) {
  saved.textContent = text;
  saved.dataset.kind = kind;
}

function show(contacts) {
  for (const name of ['contact', 'alternate']) {
    const select = form.elements[name];
    fill(select, contacts.candidates.map((person) => el('option', {
      value: person.id, text: `${person.username} (${person.role})`,
    })));
    select.value = contacts[name] ?? '';
    select.removeAttribute('aria-invalid');
  }
}

/** Load the contacts for the group and wire the form's own Save button. */
export async function showContacts(groupId) {
  const path = `/api/groups/${encodeURIComponent(groupId)}/contacts`;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('contacts-save');
    const body = { contact: form.elements.contact.value, alternate: form.elements.alternate.value };
    button.disabled = true;
    say('Saving…', 'info');
    try {
      show(await api(path, { method: 'PUT', body }));
      say('Saved.', 'ok');
    } catch (err) {
      say(err.message, 'error');
      // The server names the field first ("alternate: must be someone other than the contact").
      const select = form.elements[/^(contact|alternate):/.exec(err.message)?.[1] ?? 'alternate'];
      select.setAttribute('aria-invalid', 'true');
      select.focus();
    } finally {
      button.disabled = false;
    }
  });
  form.addEventListener('change', () => {
    for (const select of form.querySelectorAll('select')) select.removeAttribute('aria-invalid');
    if (saved.dataset.kind === 'ok') say('', 'info');
  });
  try {
    show(await api(path));
  } catch (err) {
    say(`Who receives concerns could not be loaded: ${err.message}`, 'error');
    $('contacts-save').disabled = true;
  }
  form.hidden = false;
}
