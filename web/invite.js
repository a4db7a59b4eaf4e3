// The dashboard's invite card: the group's invite link to copy, and the same link as a
// QR code, small in the card or large in a dialog for projecting.
import { api, el, fill, copyText } from '/static/common.js';
import qrcode from '/static/vendor/qrcode-generator.mjs';

/** The invite link as a QR code: an SVG drawn with DOM calls (no markup strings). */
function qrSvg(text, label) {
  const qr = qrcode(0, 'M'); // 0: the smallest version that fits
  qr.addData(new URL(text, location.href).href); // ASCII only: percent-encoded, host in punycode
  qr.make();
  const count = qr.getModuleCount();
  const quiet = 4; // the standard's quiet zone, in modules
  const size = count + 2 * quiet;
  let d = '';
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) d += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const back = document.createElementNS(ns, 'rect');
  back.setAttribute('width', String(size));
  back.setAttribute('height', String(size));
  back.setAttribute('fill', '#ffffff');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000000');
  svg.append(back, path);
  return svg;
}

export class InviteCard {
  /**
   * parts: {card, url, copy, showQr, panel, qr, large, dialog, dialogGroup, dialogUrl, big}
   * elements of the page: the card stays hidden until load() has the link.
   */
  constructor(parts) {
    Object.assign(this, parts);
  }

  /** Is the large QR code showing (so keys belong to the dialog)? */
  get dialogOpen() {
    return this.dialog.open;
  }

  /** Fetch the group's invite link and wire up the card; rejects if the group cannot be read. */
  async load(groupId) {
    const group = await api(`/api/groups/${encodeURIComponent(groupId)}`);
    const input = this.url;
    const url = group.invite_url;
    const label = `QR code for the invite link to ${group.name}`;
    input.value = url;
    this.copy.addEventListener('click', () => copyText(url, input));
    const toggle = this.showQr;
    toggle.addEventListener('click', () => {
      const show = toggle.getAttribute('aria-expanded') !== 'true';
      if (show && !this.qr.firstChild) {
        try {
          fill(this.qr, qrSvg(url, label));
        } catch {
          fill(this.qr, el('p', { class: 'small', text: 'This link is too long for a QR code. Share the link instead.' }));
        }
      }
      toggle.setAttribute('aria-expanded', String(show));
      toggle.textContent = show ? 'Hide QR code' : 'Show QR code';
      this.panel.hidden = !show;
    });
    this.large.addEventListener('click', () => {
      if (!this.big.firstChild) fill(this.big, qrSvg(url, label));
      this.dialogGroup.textContent = group.name;
      this.dialogUrl.textContent = url;
      this.dialog.showModal();
    });
    this.card.hidden = false;
  }
}
