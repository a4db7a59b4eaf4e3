// Form pieces the home page's sections share: labelled fields, a card form that reports
// failures in the page's status area, and a set of facilitator checkboxes.
import { el, showError } from '/static/common.js';

export const DEFAULT_DESCRIPTION = 'Airtime notes when each person starts and stops speaking, so the '
  + 'facilitator can help everyone get a fair chance to talk. It never records audio or words. '
  + 'You see only your own numbers; the facilitator sees everyone\'s. You can choose to listen '
  + 'or pause your tracking at any time.';

export function field(id, label, props = {}, hint = null) {
  const control = el(props.multiline ? 'textarea' : 'input',
    { id, name: id, ...props, multiline: null, 'aria-describedby': hint ? `${id}-hint` : null });
  return el('div', { class: 'field' },
    el('label', { for: id, text: label }),
    control,
    hint && el('p', { class: 'hint', id: `${id}-hint`, text: hint }));
}

/** A card form; `action(data, node)` runs on submit, and what it throws is shown in #status. */
export function form(heading, fields, submitLabel, action) {
  const node = el('form', { class: 'card' },
    el('h2', { text: heading }), fields, el('button', { type: 'submit', class: 'primary', text: submitLabel }));
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = node.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await action(Object.fromEntries(new FormData(node)), node);
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

/**
 * One checkbox per facilitator account, named `facilitators` (read with FormData.getAll).
 * `prefix` keeps the ids unique on a page that has several of these.
 */
export function facilitatorChoice(prefix, legend, usernames, chosen = [], hint = null) {
  const hintId = hint ? `${prefix}-hint` : null;
  return el('fieldset', { class: 'choices', 'aria-describedby': hintId },
    el('legend', { text: legend }),
    hint && el('p', { class: 'hint', id: hintId, text: hint }),
    usernames.map((name) => {
      const id = `${prefix}-${name}`;
      return el('div', { class: 'check' },
        el('input', { id, type: 'checkbox', name: 'facilitators', value: name, checked: chosen.includes(name) }),
        el('label', { for: id, text: name }));
    }));
}
