// The member page's parts for the group's agreement (DOMAIN.md E2-E4): the agreement
// read before joining, the note until the confidentiality statement has been read aloud,
// proposing a ground rule, and withdrawing (or giving again) consent.
// All text goes in through textContent / el(): agreements and proposals are user text (RELIABILITY.md S6).
import { el, fill } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const PROPOSE_MAX = 300;

/** Set text only when it changes, so a live region is not re-announced needlessly. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function day(iso) {
  const when = iso ? new Date(iso) : null;
  if (!when || Number.isNaN(when.getTime())) return '';
  return when.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Text split on blank lines into paragraphs (single line breaks stay, via .description). */
function paragraphs(text) {
  return String(text ?? '').split(/\n\s*\n/).map((part) => part.trim()).filter(Boolean)
    .map((part) => el('p', { class: 'description', text: part }));
}

/**
 * Fill #agreement from the invite's `agreement` (version, confidentiality, ground_rules,
 * tracking, review dates). Without one (an older server), the group's description alone.
 * Returns the version shown, or null.
 */
export function renderAgreement(agreement, description) {
  const has = Boolean(agreement && typeof agreement === 'object');
  const version = has && Number.isInteger(agreement.version) ? agreement.version : null;
  setText($('agreement-version'), version === null ? '' : `Agreement version ${version}`);
  $('agreement-version').hidden = version === null;
  const adopted = has ? day(agreement.reviewed_at ?? agreement.adopted_at) : '';
  const due = has ? day(agreement.review_due) : '';
  const dates = [adopted && `Agreed on ${adopted}`, due && `next review by ${due}`].filter(Boolean).join(' · ');
  setText($('agreement-dates'), dates);
  $('agreement-dates').hidden = !dates;

  const confidentiality = has ? paragraphs(agreement.confidentiality) : [];
  fill($('agreement-confidentiality'), confidentiality);
  $('agreement-confidentiality-part').hidden = confidentiality.length === 0;

  const rules = (has && Array.isArray(agreement.ground_rules) ? agreement.ground_rules : [])
    .map((rule) => String(rule ?? '').trim()).filter(Boolean);
  fill($('agreement-rules'), rules.map((rule) => el('li', { text: rule })));
  $('agreement-rules-part').hidden = rules.length === 0;

  const tracking = paragraphs((has && agreement.tracking) || description);
  fill($('agreement-tracking'), tracking);
  return version;
}

/** Show or hide "The group's agreement was updated — please read it again." */
export function showAgreementUpdated(on) {
  $('agreement-updated').hidden = !on;
}

/**
 * E3: until the statement is read aloud nobody's speech is tracked; say so calmly. It can
 * only be marked read once the session is live, so an open session shows the note too
 * (the server reports `confidentiality_read` true before the start, when nothing awaits it yet).
 */
export function renderConfidentialityNote(session, ended) {
  const unread = session?.state === 'open' || session?.confidentiality_read !== true;
  const show = Boolean(session) && !ended && session.state !== 'ended' && unread;
  $('confidentiality-note').hidden = !show;
}

/**
 * E4: a member proposes a ground rule; only the group's facilitators see it.
 * send(message) -> Promise<boolean>, the socket's acknowledged send.
 */
export class ProposeForm {
  #send;

  constructor({ send }) {
    this.#send = send;
    const text = $('propose-text');
    text.maxLength = PROPOSE_MAX;
    text.addEventListener('input', () => {
      setText($('propose-sent'), '');
      this.#count();
    });
    $('propose-form').addEventListener('submit', (event) => this.#submit(event));
    this.#count();
  }

  #count() {
    const length = $('propose-text').value.length;
    setText($('propose-count'), `${length} of ${PROPOSE_MAX} characters`);
    $('propose-form').querySelector('button[type=submit]').disabled = !$('propose-text').value.trim();
  }

  async #submit(event) {
    event.preventDefault();
    const text = $('propose-text').value.trim().slice(0, PROPOSE_MAX);
    if (!text) return;
    const button = $('propose-form').querySelector('button[type=submit]');
    button.disabled = true;
    const ok = await this.#send({ type: 'propose', text });
    if (ok) {
      $('propose-text').value = '';
      setText($('propose-sent'), 'Thanks — your facilitators will see it.');
    }
    this.#count();
  }
}

/**
 * E2: "Stop tracking me (withdraw consent)" with a confirm step, and "Give consent
 * again" while not tracked. send(message) -> Promise<boolean>; onSent() re-renders.
 */
export class ConsentChoice {
  #send;
  #onSent;
  #erase;
  #tracked = null;

  /** erase() -> Promise: delete everything held about the member, when they ask for it too. */
  constructor({ send, onSent = () => {}, erase = null }) {
    this.#send = send;
    this.#onSent = onSent;
    this.#erase = erase;
    $('withdraw-delete').closest('.check').hidden = !erase;
    $('withdraw-delete-hint').hidden = !erase;
    $('withdraw').addEventListener('click', () => this.#confirming(true));
    $('withdraw-cancel').addEventListener('click', () => this.#confirming(false));
    $('withdraw-yes').addEventListener('click', () => this.#set(false, $('withdraw-yes')));
    $('consent-again').addEventListener('click', () => this.#set(true, $('consent-again')));
  }

  /** Draw from my person object: `tracked` false means I am not tracked (withdrawn). */
  render(me) {
    const tracked = me?.tracked !== false;
    $('consent-on').hidden = !tracked;
    $('consent-off').hidden = tracked;
    if (this.#tracked !== null && tracked !== this.#tracked) {
      if (!tracked) {
        this.#confirming(false, false);
        setText($('announce'), 'You are not tracked. You can give your consent again at any time.');
        $('consent-again').focus();
      } else {
        setText($('announce'), 'Thanks. Your speaking is noted again from now.');
        $('withdraw').focus();
      }
    }
    this.#tracked = tracked;
  }

  #confirming(on, moveFocus = true) {
    $('withdraw-confirm').hidden = !on;
    if (!on) $('withdraw-delete').checked = false;
    $('withdraw').hidden = on;
    if (!moveFocus) return;
    if (on) $('withdraw-confirm-h').focus();
    else $('withdraw').focus();
  }

  async #set(on, button) {
    button.disabled = true;
    const erase = !on && this.#erase && $('withdraw-delete').checked;
    const sent = await this.#send({ type: 'consent', on });
    button.disabled = false;
    if (sent && erase) {
      await this.#erase();
      return;
    }
    this.#onSent();
  }
}
