// The group's balance headline, for the dashboard (full figures) and the member page (short).
import { el, fill, clock } from '/static/common.js';

const BALANCE = {
  even: ['Even', 'Everyone is getting a similar share of the talk.'],
  'fairly even': ['Fairly even', 'Talk is spread fairly evenly.'],
  uneven: ['Uneven', 'A few voices are taking most of the talk.'],
  'very uneven': ['Very uneven', 'One or two voices are taking most of the talk.'],
};

function fixed(value, digits) {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function figures(pairs) {
  return el('dl', { class: 'figures' },
    pairs.map(([term, value, title]) => el('div', { title },
      el('dt', { text: term }), el('dd', { text: value }))));
}

/**
 * Render `group` (a snapshot/airtime `group` object, or null to hide) into `container`.
 * `elapsedS` is the page's running session clock; `full` adds the facilitator's numbers.
 */
export function renderHeadline(container, group, { elapsedS, full }) {
  container.hidden = !group;
  if (!group) return;
  const [word, sentence] = group.warming_up
    ? ['Warming up', 'The balance appears after two minutes of speech in total.']
    : BALANCE[group.balance] ?? [group.balance ?? '—', ''];
  const count = group.participants ?? 0;
  const people = { 0: 'Nobody is taking part yet', 1: '1 person taking part' }[count] ?? `${count} people taking part`;
  const summary = el('div', { class: 'balance' },
    el('p', { class: 'balance-label', text: 'Group balance' }),
    el('p', { class: `balance-word balance-${(group.warming_up ? 'warming' : group.balance ?? '').replace(' ', '-')}`, text: word }),
    el('p', { class: 'balance-sentence', text: sentence ? `${sentence} ${people}.` : `${people}.` }));
  if (!full) {
    fill(container, summary);
    return;
  }
  // While warming up every figure is null (DOMAIN.md M10): show the clock, not a row of dashes.
  fill(container, summary, figures(group.warming_up ? [['Elapsed', clock(elapsedS)]] : [
    ['Elapsed', clock(elapsedS)],
    ['Total speech', clock(group.total_speech_s)],
    ['Overlap', clock(group.overlap_s), 'Time when two or more people spoke at once'],
    ['Silence', clock(group.silence_s), 'Time with nobody speaking'],
    ['Evenness', fixed(group.evenness, 2), '1 means perfectly even'],
    ['Effective speakers', fixed(group.effective_speakers, 1), 'How many people the talk is really spread across'],
    ['Unevenness (Gini)', fixed(group.gini_normalized, 2), '0 is perfectly even; 1 is one voice only'],
  ]));
}
