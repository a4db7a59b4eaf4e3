// The session report page at /sessions/{id}/report (facilitators of the session).
import { api, pathPart, showError, showStatus } from '/static/common.js';

const $ = (id) => document.getElementById(id);
const sessionId = pathPart('/sessions/');
const base = `/api/sessions/${encodeURIComponent(sessionId)}`;

function when(iso) {
  const at = iso ? new Date(iso) : null;
  return at && !Number.isNaN(at.getTime())
    ? at.toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' }) : '';
}

async function load() {
  $('download-html').href = `${base}/report.html`;
  $('download-csv').href = `${base}/report.csv`;
  $('download-json').href = `${base}/report`;
  $('download-json').setAttribute('download', `airtime-report-${sessionId}.json`);
  $('print').addEventListener('click', () => window.print());
  let session;
  let report;
  try {
    session = await api(base);
    report = await api(`${base}/report`);
  } catch (err) {
    $('loading').textContent = err.status === 410
      ? 'This report has passed the group\u2019s retention period and was deleted.'
      : 'The report could not be loaded.';
    if (err.status !== 410) showError(err);
    return;
  }
  const checkIns = await api(`${base}/pulses`).catch(() => null);
  const live = session.state !== 'ended';
  document.title = `${session.group}: session report — Airtime`;
  const subtitle = [session.group, when(session.started_at), live ? 'still running: figures so far' : ''].filter(Boolean).join(' · ');
  await window.AirtimeReport.render(report, $('report'), { title: 'Session report', subtitle, checkIns });
  if (live) showStatus('The session is still running: this is how it looks so far.', 'info');
  $('report-title').setAttribute('tabindex', '-1');
  $('report-title').focus();
}

load();
