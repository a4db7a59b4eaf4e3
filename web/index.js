// Entry page for organisers and facilitators: first-run setup, login, accounts, groups, concerns.
import { api, el, fill, showStatus, showError, copyText } from '/static/common.js';
import { concernsSection } from '/static/concerns-inbox.js';
import { DEFAULT_DESCRIPTION, field, form } from '/static/home-forms.js';
import { organiserGroups } from '/static/organiser-groups.js';

const view = document.getElementById('view');
const title = document.getElementById('title');
const account = document.getElementById('account');

function credentialFields(prefix, newPassword) {
  return [
    field(`${prefix}-username`, 'Username', { required: true, autocomplete: 'username', minlength: 3, maxlength: 40 },
      newPassword ? '3 to 40 letters, digits, dots, dashes or underscores.' : null),
    field(`${prefix}-password`, 'Password', {
      type: 'password', required: true,
      autocomplete: newPassword ? 'new-password' : 'current-password',
      minlength: newPassword ? 10 : null,
    }, newPassword ? 'At least 10 characters.' : null),
  ];
}

async function boot() {
  fill(account);
  try {
    const setup = await api('/api/setup');
    if (setup.needs_organiser) {
      showRegister();
      return;
    }
    const me = await api('/api/auth/me').catch((err) => {
      if (err.status === 401) return null;
      throw err;
    });
    if (me) await showHome(me);
    else showLogin();
  } catch (err) {
    fill(view);
    showError(err);
  }
}

function showRegister() {
  title.textContent = 'Welcome to Airtime';
  fill(view,
    el('p', { text: 'No accounts exist yet. The first account is the organiser, who adds facilitator accounts.' }),
    form('Create the organiser account', credentialFields('reg', true), 'Create the organiser account',
      async (data) => {
        await api('/api/auth/register', { method: 'POST', body: { username: data['reg-username'], password: data['reg-password'] } });
        showStatus('Organiser account created.', 'ok');
        await boot();
      }));
  view.querySelector('input').focus();
}

function showLogin() {
  title.textContent = 'Log in to Airtime';
  fill(view,
    form('Log in', credentialFields('login', false), 'Log in', async (data) => {
      await api('/api/auth/login', { method: 'POST', body: { username: data['login-username'], password: data['login-password'] } });
      showStatus('');
      await boot();
    }),
    el('p', { class: 'muted', text: 'Members do not need an account: they join with the invite link from their facilitator.' }));
  view.querySelector('input').focus();
}

async function showHome(me) {
  const role = me.role === 'organiser' ? 'Organiser' : 'Facilitator';
  title.textContent = `Hello, ${me.username}`;
  fill(account,
    el('span', { class: 'muted', text: `${me.username} · ${role}` }),
    el('button', { type: 'button', text: 'Log out', onclick: logOut }));
  fill(view, el('p', { class: 'muted', text: `You are logged in as ${role.toLowerCase()}.` }), concernsSection());
  if (me.role === 'organiser') await showOrganiser();
  else await showFacilitator();
}

async function logOut() {
  try {
    await api('/api/auth/logout', { method: 'POST' });
    showStatus('You are logged out.', 'ok');
    await boot();
  } catch (err) {
    showError(err);
  }
}

async function showOrganiser() {
  const list = el('ul', { class: 'plain-list', id: 'users' });
  const groups = organiserGroups();
  const refresh = async () => {
    const users = await api('/api/users');
    fill(list, users.map((u) => el('li', {}, el('strong', { text: u.username }), ` — ${u.role}`)));
    await groups.refresh(users.filter((u) => u.role === 'facilitator').map((u) => u.username));
  };
  view.append(
    groups.section,
    groups.create,
    el('section', { class: 'card', 'aria-labelledby': 'users-h' },
      el('h2', { id: 'users-h', text: 'Accounts' }), list),
    form('Add a facilitator account', credentialFields('new', true), 'Add facilitator', async (data, node) => {
      await api('/api/users', { method: 'POST', body: { username: data['new-username'], password: data['new-password'], role: 'facilitator' } });
      node.reset();
      showStatus(`Facilitator account “${data['new-username']}” added.`, 'ok');
      await refresh();
    }));
  await refresh();
}

async function showFacilitator() {
  const groups = el('div', { class: 'groups', id: 'groups' });
  const refresh = async () => {
    const list = await api('/api/groups');
    fill(groups, list.length ? list.map(groupCard)
      : el('p', { class: 'muted', text: 'You have no groups yet. Create one below.' }));
  };
  view.append(
    el('section', { 'aria-labelledby': 'groups-h' }, el('h2', { id: 'groups-h', text: 'Your groups' }), groups),
    form('Create a group', [
      field('group-name', 'Group name', { required: true, maxlength: 80 }),
      field('group-description', 'What members are told is tracked', { multiline: true, rows: 5, value: DEFAULT_DESCRIPTION },
        'Members read this before they agree to join. Keep it plain.'),
    ], 'Create group', async (data, node) => {
      await api('/api/groups', { method: 'POST', body: { name: data['group-name'], description: data['group-description'] } });
      node.reset();
      node.querySelector('textarea').value = DEFAULT_DESCRIPTION;
      showStatus(`Group “${data['group-name']}” created.`, 'ok');
      await refresh();
    }));
  await refresh();
}

function groupCard(group) {
  const inviteId = `invite-${group.id}`;
  const input = el('input', { id: inviteId, type: 'text', readonly: true, value: group.invite_url, class: 'mono' });
  const card = el('article', { class: 'card group', 'data-group': group.id },
    el('h3', { text: group.name }),
    group.description && el('p', { class: 'description', text: group.description }),
    group.facilitators?.length && el('p', { class: 'muted small', text: `Facilitators: ${group.facilitators.join(', ')}` }),
    el('div', { class: 'field' },
      el('label', { for: inviteId, text: 'Invite link for members' }),
      el('div', { class: 'row' }, input,
        el('button', { type: 'button', text: 'Copy link', onclick: () => copyText(group.invite_url, input) }),
        el('button', { type: 'button', class: 'rotate', text: 'Rotate link', 'aria-describedby': `${inviteId}-hint`, onclick: () => rotate(group, card) })),
      el('p', { class: 'hint', id: `${inviteId}-hint`, text: 'Rotating makes a new link; the old one stops working.' })),
    el('div', { class: 'row' }, sessionControl(group),
      el('a', {
        class: 'button', href: `/groups/${encodeURIComponent(group.id)}/agreement`, text: 'Agreement',
        'aria-label': `Agreement for ${group.name}`,
      }),
      el('a', {
        class: 'button', href: `/groups/${encodeURIComponent(group.id)}/settings`, text: 'Settings',
        'aria-label': `Settings for ${group.name}`,
      }),
      el('a', {
        class: 'button', href: `/groups/${encodeURIComponent(group.id)}/insights`, text: 'Insights',
        'aria-label': `Insights for ${group.name}`,
      })));
  return card;
}

function sessionControl(group) {
  const session = group.session;
  if (session && session.state !== 'ended') {
    const label = session.state === 'live' ? 'Session is live — open the dashboard' : 'Session is open — open the dashboard';
    return el('a', { class: 'button primary', href: `/dashboard/${encodeURIComponent(session.id)}`, text: label });
  }
  return el('button', {
    type: 'button', class: 'primary', text: 'Open a session',
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        const created = await api(`/api/groups/${encodeURIComponent(group.id)}/sessions`, { method: 'POST' });
        location.assign(`/dashboard/${encodeURIComponent(created.id)}`);
      } catch (err) {
        showError(err);
        button.disabled = false;
      }
    },
  });
}

async function rotate(group, card) {
  try {
    const updated = await api(`/api/groups/${encodeURIComponent(group.id)}/invite`, { method: 'POST' });
    const fresh = groupCard(updated);
    card.replaceWith(fresh);
    fresh.querySelector('.rotate').focus();
    showStatus(`New invite link for “${updated.name}”. The old link no longer works.`, 'ok');
  } catch (err) {
    showError(err);
  }
}

boot();
