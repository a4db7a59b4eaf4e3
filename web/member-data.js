// "Your data": a member downloads, or deletes, everything held about them (DOMAIN.md E9).
// The member key their browser keeps proves who they are; nothing else is needed.
import { api } from '/static/common.js';

const $ = (id) => document.getElementById(id);

/**
 * getKey() -> the member key or null; forget() after a deletion (this browser lets go of
 * the member). Returns { refresh, erase }: refresh() shows the card once a key is held;
 * erase() deletes everything, as the card's own "Delete my data" does.
 */
export function setUpMyData(getKey, forget) {
  const card = $('my-data');
  const say = (text) => { $('data-status').textContent = text; };
  const refresh = () => { card.hidden = !getKey(); };
  refresh();

  $('data-download').addEventListener('click', async () => {
    try {
      const data = await api('/api/members/export', { method: 'POST', body: { member_key: getKey() } });
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: 'airtime-my-data.json' });
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
      say('Your data was downloaded as airtime-my-data.json.');
    } catch (err) {
      say(`Could not download your data: ${err.message}`);
    }
  });
  $('data-delete').addEventListener('click', () => {
    $('data-delete-confirm').hidden = false;
    $('data-delete-no').focus();
  });
  $('data-delete-no').addEventListener('click', () => {
    $('data-delete-confirm').hidden = true;
    $('data-delete').focus();
  });
  const erase = async () => {
    try {
      await api('/api/members/delete', { method: 'POST', body: { member_key: getKey(), confirm: true } });
      $('data-delete-confirm').hidden = true;
      say('Your data has been deleted. Thank you for being part of the group.');
      $('data-download').disabled = true;
      $('data-delete').disabled = true;
      forget();
    } catch (err) {
      card.hidden = false;
      say(`Could not delete your data: ${err.message}`);
    }
  };
  $('data-delete-yes').addEventListener('click', erase);
  return { refresh, erase };
}
