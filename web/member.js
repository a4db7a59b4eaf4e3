// Member page at /join/{code}: read the group's agreement, agree, join, then the live view.
import { api, showStatus, showError, pathPart } from '/static/common.js';
import { MemberLive } from '/static/member-live.js';
import { renderAgreement, showAgreementUpdated } from '/static/member-agreement.js';
import { setUpMyData } from '/static/member-data.js';

const $ = (id) => document.getElementById(id);
const code = pathPart('/join/');
const keys = {
  member: `airtime.member_key.${code}`,
  name: `airtime.member_name.${code}`,
  session: `airtime.member_session.${code}`, // the session this browser last joined, to resume after a reload
  lead: `airtime.lead.${code}`, // "1"/"0": the co-facilitation choice made on this device (DOMAIN.md R4)
};

// Storage can be refused (private modes, strict settings); the page still works, it just forgets.
const store = {
  get(key) {
    try { return localStorage.getItem(key); } catch { return null; }
  },
  set(key, value) {
    try { localStorage.setItem(key, value); } catch { /* remembered for this visit only */ }
  },
  remove(key) {
    try { localStorage.removeItem(key); } catch { /* nothing stored */ }
  },
};

let agreementVersion = null; // the agreement version shown, sent with the join (DOMAIN.md E2)

const live = new MemberLive({
  onLive: () => {
    for (const id of ['join', 'agreement', 'no-session']) $(id).hidden = true;
  },
  onWaiting: () => {
    // Waiting to be let in: the agreement stays in view.
    for (const id of ['join', 'no-session']) $(id).hidden = true;
    $('agreement').hidden = false;
  },
  onRemoved: () => {
    for (const id of ['join', 'agreement', 'no-session']) $(id).hidden = true;
  },
  onRefused: refused,
  leadKey: keys.lead,
  eraseMyData: () => myData.erase(),
});

async function loadInvite() {
  let invite;
  try {
    invite = await api(`/api/invites/${encodeURIComponent(code)}`);
  } catch (err) {
    if (err.status === 404 || !code) {
      $('title').textContent = 'This invite link does not work';
      showStatus('It may have been replaced by a newer link. Ask your facilitator for the current one.', 'error');
    } else {
      showError(err);
    }
    return;
  }
  $('title').textContent = invite.group;
  document.title = `${invite.group} — Airtime`;
  agreementVersion = renderAgreement(invite.agreement, invite.description);
  $('agreement').hidden = false;
  const open = Boolean(invite.session) && invite.session.state !== 'ended';
  $('no-session').hidden = open;
  $('join').hidden = true;
  const joined = store.get(keys.session);
  if (joined && joined !== invite.session?.id && await hasEnded(joined)) {
    // The session this browser joined ended while it was away (RELIABILITY.md F7).
    store.remove(keys.session);
    live.end();
  }
  if (!open) return;
  if (joined === invite.session.id) {
    live.connect(invite.session.id); // this browser joined already; its cookie may still be good
  } else {
    showJoin();
  }
}

function showJoin() {
  $('join').hidden = false;
  if (!$('display-name').value) $('display-name').value = store.get(keys.name) ?? '';
}

async function join(event) {
  event.preventDefault();
  const button = $('join').querySelector('button[type=submit]');
  const typed = $('recovery-input').value.trim();
  const sent = typed || store.get(keys.member) || null;
  button.disabled = true;
  try {
    const answer = await api(`/api/invites/${encodeURIComponent(code)}/join`, {
      method: 'POST',
      body: {
        display_name: $('display-name').value.trim(), accept: $('agree').checked, member_key: sent,
        agreement_version: agreementVersion,
      },
    });
    showAgreementUpdated(false);
    const key = answer.member_key ?? sent;
    if (key) store.set(keys.member, key);
    myData.refresh();
    store.set(keys.name, answer.member.display_name);
    store.set(keys.session, answer.session_id);
    showStatus('');
    if (answer.member_key && answer.member_key !== sent) showRecovery(answer.member_key);
    live.connect(answer.session_id);
  } catch (err) {
    showError(err);
    if (err.status === 409) {
      // The session closed meanwhile, or a newer agreement was adopted: read it again.
      const read = agreementVersion;
      await loadInvite();
      if (read !== null && agreementVersion !== null && agreementVersion !== read && !$('join').hidden) {
        showStatus('');
        $('agree').checked = false;
        showAgreementUpdated(true);
        $('agreement-h').focus();
      }
    }
  } finally {
    button.disabled = false;
  }
}

/** A new member key is shown once, so the member can return from another device. */
function showRecovery(key) {
  $('recovery-code').textContent = key;
  $('recovery').hidden = false;
  $('recovery').focus();
}

async function refused(err, sessionId) {
  if (err.status === 409 && await hasEnded(sessionId)) {
    live.end();
    return;
  }
  if (err.status === 403 && /removed/i.test(err.message)) {
    live.removed(); // a facilitator removed this member from this session: no way back in
    return;
  }
  if ([401, 403, 404].includes(err.status)) {
    // The browser's credential for this session is gone: joining again fixes it.
    store.remove(keys.session);
    $('agreement').hidden = false;
    showJoin();
    showStatus('Please join again to continue.', 'info');
    return;
  }
  showError(err);
}

async function hasEnded(sessionId) {
  try {
    return (await api(`/api/sessions/${encodeURIComponent(sessionId)}`)).state === 'ended';
  } catch {
    return false;
  }
}

// "Your data" shows once this browser holds a member key for the group.
const myData = setUpMyData(() => store.get(keys.member), () => {
  for (const key of Object.values(keys)) store.remove(key);
  if (live.sessionId) live.deleted();
});

$('join').addEventListener('submit', join);
$('check-again').addEventListener('click', loadInvite);
$('recovery-done').addEventListener('click', () => {
  $('recovery').hidden = true;
  $('title').focus();
});
loadInvite();
