// The member page's "Raise a concern" card (DOMAIN.md E7): anonymous unless the member
// unticks it; about the facilitator goes to the alternate contact. The server keeps it
// for the contact only; it never enters the session's events.
const $ = (id) => document.getElementById(id);
const MAX = 2000;

/** send(message) -> Promise<boolean>, the socket's acknowledged send. */
export class ConcernForm {
  #send;

  constructor({ send }) {
    this.#send = send;
    $('concern-text').addEventListener('input', () => {
      $('concern-sent').textContent = '';
      this.#count();
    });
    $('concern-form').addEventListener('submit', (event) => this.#submit(event));
    this.#count();
  }

  #count() {
    const length = $('concern-text').value.length;
    $('concern-count').textContent = `${length} of ${MAX} characters`;
    $('concern-form').querySelector('button[type=submit]').disabled = !$('concern-text').value.trim();
  }

  async #submit(event) {
    event.preventDefault();
    const text = $('concern-text').value.trim().slice(0, MAX);
    if (!text) return;
    const anonymous = $('concern-anonymous').checked;
    const aboutContact = $('concern-about-contact').checked;
    $('concern-form').querySelector('button[type=submit]').disabled = true;
    const ok = await this.#send({ type: 'concern', text, anonymous, about_contact: aboutContact });
    if (ok) {
      $('concern-text').value = '';
      $('concern-about-contact').checked = false;
      $('concern-anonymous').checked = true;
      const to = aboutContact ? "the group's alternate contact" : "the group's contact";
      $('concern-sent').textContent = `Thank you. Your concern was sent to ${to}${anonymous ? ', without your name' : ''}.`;
    }
    this.#count();
  }
}
