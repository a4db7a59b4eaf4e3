// The session report, drawn from its JSON (SCENARIO.md's report plus `details`, `rounds`
// and prompt outcomes). A classic script, so `airtime simulate --html` can inline it into
// one offline file; the page at /sessions/{id}/report loads it the same way. Charts are
// Vega-Lite specs drawn by the vendored vega-embed as SVG; every chart has a caption and
// a sentence or table saying the same in words. All text goes in as text (RELIABILITY.md S6).
(function () {
  'use strict';

  const SOURCE_WORDS = {
    device: "member's own device", tap: 'marked by a facilitator', import: 'imported recording',
    external: 'conferencing system or room diarizer', system: 'closed by the server',
  };
  const SOURCE_COLOURS = { device: '#1f5f8b', tap: '#b35c00', import: '#5b4b8a', external: '#146c43', system: '#6b6f76' };
  const STATUS_WORDS = {
    participant: 'took part', listened: 'mostly listened', not_tracked: 'not tracked', absent: 'absent', facilitator: 'facilitator',
  };
  const OUTCOME_WORDS = { acted_on: 'Acted on', dismissed: 'Dismissed' };

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clock(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
    const whole = Math.round(seconds);
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = String(whole % 60).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }

  const pct = (x) => (typeof x === 'number' ? `${Math.round(x * 100)}%` : '—');
  const num = (x, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : '—');
  const minutes = (s) => Math.round((s / 60) * 1000) / 1000;

  // The same words as the live headline (BALANCE_WORDS in app/realtime/frames.py).
  const BALANCE_WORDS = [[0.15, 'even'], [0.3, 'fairly even'], [0.5, 'uneven'], [1.01, 'very uneven']];

  function balanceWords(giniNormalized) {
    if (typeof giniNormalized !== 'number') return 'not enough speech to say';
    return BALANCE_WORDS.find(([limit]) => giniNormalized < limit)[1];
  }

  /** Where time overlapped: intervals in which two or more people spoke at once. */
  function overlaps(segments) {
    const edges = segments.flatMap((s) => [[s.start_s, 1], [s.end_s, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const out = [];
    let count = 0;
    let since = null;
    for (const [t, step] of edges) {
      count += step;
      if (count >= 2 && since === null) since = t;
      if (count < 2 && since !== null) {
        if (t > since) out.push({ start_min: minutes(since), end_min: minutes(t) });
        since = null;
      }
    }
    return out;
  }

  function section(id, title, ...children) {
    return el('section', { class: 'card report-section', id, 'aria-labelledby': `${id}-h` },
      el('h2', { id: `${id}-h`, text: title }), ...children);
  }

  function figure(id, caption, words) {
    const chart = el('div', { class: 'chart', id: `${id}-chart`, 'data-chart': id, role: 'img', 'aria-label': caption });
    return { chart, caption, node: el('figure', { class: 'chart-figure' }, chart, el('figcaption', { text: caption }), words) };
  }

  /** A table whose first column heads each row; `text` lists the columns that are words, not numbers. */
  function table(caption, heads, rows, className = '', text = []) {
    const kind = (i) => (i === 0 || text.includes(i) ? '' : 'num');
    return el('div', { class: 'table-wrap' },
      el('table', { class: `report-table ${className}` },
        el('caption', { text: caption }),
        el('thead', {}, el('tr', {}, heads.map((h, i) => el('th', { scope: 'col', class: kind(i), text: h })))),
        el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) => (i === 0
          ? el('th', { scope: 'row', text: c }) : el('td', { class: kind(i), text: c }))))))));
  }

  /** The people the report may name, in report order, with their blocks. */
  function roster(report) {
    const details = report.details ?? {};
    const byId = new Map((details.people ?? []).map((p) => [p.id, p]));
    const blocks = [...(report.members ?? []).map((m) => ({ ...m, role: 'member' }))];
    if (report.facilitator) blocks.push({ ...report.facilitator, role: 'facilitator' });
    return blocks.map((b, index) => ({ ...b, key: b.id ?? (details.people?.[index]?.id) ?? b.name, known: byId }));
  }

  function nameOf(report) {
    const names = new Map();
    for (const p of report.details?.people ?? []) if (p.name) names.set(p.id, p.name);
    return (id) => names.get(id) ?? 'someone';
  }

  // -- charts ------------------------------------------------------------------------

  const BASE = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    background: null,
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
      axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1c2430', titleColor: '#1c2430' },
      legend: { labelFontSize: 12, titleFontSize: 12 },
      view: { stroke: null },
    },
  };

  function timelineSpec(report, name) {
    const segments = report.details.segments;
    const people = (report.details.people ?? []).filter((p) => p.name).map((p) => p.name);
    const rows = segments.map((s) => ({
      name: name(s.person), start_min: minutes(s.start_s), end_min: minutes(s.end_s),
      from: clock(s.start_s), to: clock(s.end_s), source: s.source,
      how: SOURCE_WORDS[s.source] ?? s.source, inferred: s.inferred ? 'yes (connection lost)' : 'no',
    }));
    const sources = [...new Set(rows.map((r) => r.source))];
    const x = { type: 'quantitative', title: 'Minutes into the session', scale: { domain: [0, minutes(report.duration_s)] } };
    const shared = overlaps(segments);
    // Shaded where two or more spoke at once; decorative (aria: false), the words below say it.
    const overlapLayer = shared.length ? [{
      data: { values: shared },
      mark: { type: 'rect', color: '#a61b1b', opacity: 0.12, aria: false },
      encoding: { x: { field: 'start_min', ...x }, x2: { field: 'end_min' } },
    }] : [];
    return {
      ...BASE,
      height: { step: 24 },
      layer: [
        ...overlapLayer,
        {
          data: { values: rows },
          mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
          encoding: {
            y: { field: 'name', type: 'nominal', sort: people, title: null, scale: { domain: people } },
            x: { field: 'start_min', ...x },
            x2: { field: 'end_min' },
            color: {
              field: 'source', type: 'nominal', title: 'Detected by',
              scale: { domain: sources, range: sources.map((s) => SOURCE_COLOURS[s] ?? '#6b6f76') },
              legend: { orient: 'bottom', labelExpr: `(${JSON.stringify(SOURCE_WORDS)})[datum.label] || datum.label` },
            },
            strokeDash: { condition: { test: "datum.inferred !== 'no'", value: [3, 2] }, value: [1, 0] },
            stroke: { condition: { test: "datum.inferred !== 'no'", value: '#1c2430' }, value: null },
            tooltip: [
              { field: 'name', title: 'Who' }, { field: 'from', title: 'From' }, { field: 'to', title: 'To' },
              { field: 'how', title: 'Detected by' }, { field: 'inferred', title: 'End inferred' },
            ],
          },
        },
      ],
    };
  }

  function shareSpec(participants, fair) {
    return {
      ...BASE,
      height: { step: 24 },
      data: { values: participants.map((m) => ({ name: m.name, share: Math.round(m.share * 1000) / 10, spoken: clock(m.airtime_s) })) },
      layer: [
        {
          mark: { type: 'bar', color: '#1f5f8b', cornerRadius: 2 },
          encoding: {
            y: { field: 'name', type: 'nominal', sort: null, title: null },
            x: { field: 'share', type: 'quantitative', title: 'Share of the members\u2019 speaking time (%)' },
            tooltip: [{ field: 'name', title: 'Who' }, { field: 'share', title: 'Share (%)' }, { field: 'spoken', title: 'Spoken' }],
          },
        },
        {
          data: { values: [{ equal: Math.round(fair * 1000) / 10 }] },
          mark: { type: 'rule', color: '#b35c00', strokeWidth: 2, strokeDash: [6, 4] },
          encoding: { x: { field: 'equal', type: 'quantitative' } },
        },
        {
          data: { values: [{ equal: Math.round(fair * 1000) / 10, label: 'equal share' }] },
          mark: { type: 'text', color: '#7a3e00', align: 'left', dx: 4, dy: -6, fontSize: 12 },
          encoding: { x: { field: 'equal', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    };
  }

  function cumulativeSpec(report, name) {
    const rows = report.details.cumulative.map((p) => ({
      name: name(p.person), t_min: minutes(p.t_s), airtime_min: minutes(p.airtime_s), spoken: clock(p.airtime_s),
    }));
    return {
      ...BASE,
      height: 260,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2, point: false },
      encoding: {
        x: { field: 't_min', type: 'quantitative', title: 'Minutes into the session' },
        y: { field: 'airtime_min', type: 'quantitative', title: 'Minutes spoken so far' },
        color: { field: 'name', type: 'nominal', title: null, legend: { orient: 'right' } },
        tooltip: [{ field: 'name', title: 'Who' }, { field: 't_min', title: 'Minute' }, { field: 'spoken', title: 'Spoken so far' }],
      },
    };
  }

  function handsSpec(report, name) {
    const rows = report.details.hand_waits.map((w) => ({
      name: name(w.person), wait_s: w.wait_s, raised: clock(w.raised_s), waited: clock(w.wait_s),
    }));
    return {
      ...BASE,
      height: { step: 24 },
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 80, color: '#5c3d00' },
      encoding: {
        y: { field: 'name', type: 'nominal', title: null },
        x: { field: 'wait_s', type: 'quantitative', title: 'Seconds until the hand came down' },
        tooltip: [{ field: 'name', title: 'Who' }, { field: 'raised', title: 'Raised at' }, { field: 'waited', title: 'Waited' }],
      },
    };
  }

  // -- sections ----------------------------------------------------------------------

  function headline(report) {
    const g = report.group ?? {};
    const facts = [
      ['Length', clock(report.duration_s)],
      ['Took part', String(g.participants ?? 0)],
      ["Members' speech", clock(g.total_speech_s)],
      ['Silence', clock(g.silence_s)],
      ['Overlap', clock(g.overlap_s)],
      ['Evenness', pct(g.evenness)],
      ['Effective speakers', num(g.effective_speakers, 1)],
    ];
    const notes = [];
    if (g.includes_removed_member) notes.push('These group figures include someone who has since deleted their data; their own numbers are gone.');
    return section('summary', 'At a glance',
      el('p', { class: 'report-lead', text: `Balance: ${balanceWords(g.gini_normalized)}.` }),
      el('dl', { class: 'facts' }, facts.map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value })))),
      notes.map((text) => el('p', { class: 'hint', text })),
      el('p', { class: 'hint', text: 'Evenness is 100% when everyone who took part spoke for the same time; effective speakers says how many people the conversation behaved like.' }));
  }

  function membersTable(report) {
    const rows = roster(report).map((m) => [
      m.name ?? 'Not tracked', STATUS_WORDS[m.status] ?? m.status ?? '—', clock(m.airtime_s), pct(m.share),
      num(m.fair_share_ratio), String(m.turns ?? '—'), clock(m.mean_turn_s), clock(m.longest_turn_s),
      clock(m.first_contribution_s), String(m.interruptions_made ?? '—'), String(m.hand_raises ?? '—'), clock(m.mean_hand_wait_s),
    ]);
    return section('people', 'Everyone\u2019s numbers',
      el('p', { class: 'hint', text: 'Shares count members who took part; the facilitator is shown apart. "Mostly listened" and "not tracked" are choices, never shortfalls.' }),
      table('Per person', ['Name', 'Status', 'Spoken', 'Share', 'Of equal share', 'Turns', 'Mean turn', 'Longest turn', 'First spoke at', 'Interrupted others', 'Hands raised', 'Mean hand wait'], rows, 'people-table', [1]));
  }

  function detailsMissing(report) {
    if (report.details?.raw_purged) return 'The speaking times behind this chart were deleted when the group\u2019s retention period for raw events passed; the figures above remain.';
    return 'This report was kept without its speaking times, so there is nothing to draw.';
  }

  function timelineSection(report, name, charts) {
    const segments = report.details?.segments ?? [];
    if (!segments.length) return section('timeline', 'Who spoke when', el('p', { class: 'muted', text: report.details ? (report.details.raw_purged ? detailsMissing(report) : 'Nobody\u2019s speech was recorded in this session.') : detailsMissing(report) }));
    const overlapMin = overlaps(segments).reduce((sum, o) => sum + (o.end_min - o.start_min), 0);
    const people = new Set(segments.map((s) => s.person)).size;
    const words = el('p', { class: 'chart-words', text: `${segments.length} stretches of speech by ${people} ${people === 1 ? 'person' : 'people'}; shaded bands (${clock(overlapMin * 60)} in all) are where two or more spoke at once. Dashed outlines mark an end the server inferred after a connection was lost.` });
    const fig = figure('timeline', 'One lane per person: each bar is a stretch of speech, coloured by how it was detected.', words);
    charts.push([fig.chart, { ...timelineSpec(report, name), description: fig.caption }]);
    return section('timeline', 'Who spoke when', fig.node);
  }

  function shareSection(report, charts) {
    const participants = (report.members ?? []).filter((m) => m.status === 'participant' && typeof m.share === 'number');
    if (!participants.length) return section('shares', 'Share of speaking time', el('p', { class: 'muted', text: 'No member took part in speaking, so there are no shares.' }));
    const fair = 1 / participants.length;
    const near = participants.filter((m) => Math.abs(m.share - fair) <= fair * 0.25).length;
    const words = el('p', { class: 'chart-words', text: `The dashed line is an equal share (${pct(fair)} each for ${participants.length} people). ${near} of ${participants.length} spoke within a quarter of it.` });
    const fig = figure('shares', 'Each member\u2019s share of the members\u2019 speaking time, against an equal share.', words);
    charts.push([fig.chart, { ...shareSpec(participants, fair), description: fig.caption }]);
    return section('shares', 'Share of speaking time', fig.node);
  }

  function cumulativeSection(report, name, charts) {
    if (!report.details?.cumulative?.length) return section('cumulative', 'Speaking time as the session went on', el('p', { class: 'muted', text: detailsMissing(report) }));
    const fig = figure('cumulative', 'Minutes each person had spoken as the session went on.', el('p', { class: 'chart-words', text: 'Steep stretches are where someone spoke a lot; flat ones where they listened. The table above has the totals.' }));
    charts.push([fig.chart, { ...cumulativeSpec(report, name), description: fig.caption }]);
    return section('cumulative', 'Speaking time as the session went on', fig.node);
  }

  function handsSection(report, name, charts) {
    const waits = report.details?.hand_waits ?? [];
    if (!waits.length) return section('hands', 'Hands', el('p', { class: 'muted', text: report.details?.raw_purged ? detailsMissing(report) : 'No hands were raised in this session.' }));
    const longest = Math.max(...waits.map((w) => w.wait_s));
    const mean = waits.reduce((s, w) => s + w.wait_s, 0) / waits.length;
    const words = el('p', { class: 'chart-words', text: `${waits.length} ${waits.length === 1 ? 'hand was' : 'hands were'} raised; they waited ${clock(mean)} on average and ${clock(longest)} at most.` });
    const fig = figure('hands', 'How long each raised hand waited until it came down (called on, lowered, or the session ended).', words);
    charts.push([fig.chart, { ...handsSpec(report, name), description: fig.caption }]);
    return section('hands', 'Hands', fig.node);
  }

  function roundsSection(report) {
    if (!report.rounds) return null; // a simulated session has no rounds of its own
    const rounds = report.rounds;
    if (!rounds.length) return section('rounds', 'Rounds', el('p', { class: 'muted', text: 'No rounds were held.' }));
    const kinds = { check_in: 'Check-in', go_around: 'Go-around', check_out: 'Check-out' };
    return section('rounds', 'Rounds',
      table('Rounds held', ['Round', 'Started', 'Ended', 'Led by', 'People'], rounds.map((r) => [
        `${r.number}. ${kinds[r.kind] ?? r.kind}`, clock(r.started_s), clock(r.ended_s), r.led_by ?? 'the facilitator', String(r.people),
      ]), '', [3]),
      el('p', { class: 'hint', text: 'Who passed is never recorded: passing is always fine.' }));
  }

  function promptsSection(report) {
    const prompts = report.prompts ?? [];
    if (!prompts.length) return section('prompts', 'Prompts', el('p', { class: 'muted', text: 'No prompts were shown to the facilitators.' }));
    const followed = prompts.filter((p) => p.followed_through === true).length;
    return section('prompts', 'Prompts',
      el('p', { text: `${prompts.length} ${prompts.length === 1 ? 'prompt was' : 'prompts were'} shown; ${followed} ${followed === 1 ? 'was' : 'were'} followed within three minutes by the person named (or anyone, for an open invitation) speaking.` }),
      table('Prompts shown to the facilitators', ['When', 'Prompt', 'Answer', 'Followed through'], prompts.map((p) => [
        clock(p.t_s ?? p.t), p.text ?? p.kind, OUTCOME_WORDS[p.outcome] ?? (p.outcome ? p.outcome : 'No answer'),
        p.followed_through === true ? 'yes' : p.followed_through === false ? 'no' : '—',
      ]), 'prompts-table', [1, 2, 3]));
  }

  function checkInsSection(checkIns) {
    if (!checkIns) return null;
    const phases = [['check_in', 'Check-in'], ['check_out', 'Check-out']];
    const parts = phases.map(([key, title]) => {
      const block = checkIns[key] ?? { answers: 0, shown: false };
      if (!block.shown) return el('p', {}, el('strong', { text: `${title}: ` }), `${block.answers} ${block.answers === 1 ? 'answer' : 'answers'}; figures are shown from five answers, so no one can be singled out.`);
      return el('p', {}, el('strong', { text: `${title}: ` }), `${block.answers} answers; felt included ${num(block.included_mean, 1)} of 5 on average.`);
    });
    return section('check-ins', 'Check-ins', parts);
  }

  function detectionSection(report) {
    const d = report.details?.detection;
    if (!d) return null;
    const sources = Object.entries(d.sources ?? {});
    return section('detection', 'How speech was detected',
      sources.length ? table('Speech by source', ['Source', 'Time'], sources.map(([k, v]) => [SOURCE_WORDS[k] ?? k, clock(v)]), 'sources-table') : el('p', { class: 'muted', text: 'No speech was detected.' }),
      el('p', { text: `${d.segments} stretches of speech; ${d.inferred_ends} ${d.inferred_ends === 1 ? 'end was' : 'ends were'} inferred by the server when a device stopped reporting.` }),
      el('p', { class: 'hint', text: 'Airtime never receives audio: only when each person started and stopped speaking.' }));
  }

  /**
   * Draw the report into `root`. options: {title, subtitle, checkIns} (the session's
   * check-in summary, where the viewer may see it). Returns a promise that settles when
   * every chart has been drawn (each chart's container gets data-rendered="true").
   */
  function render(report, root, options = {}) {
    const name = nameOf(report);
    const charts = [];
    root.replaceChildren(...[
      el('header', { class: 'report-head' },
        el('h1', { id: 'report-title', text: options.title ?? 'Session report' }),
        options.subtitle && el('p', { class: 'muted', text: options.subtitle }),
        el('p', { class: 'hint no-print-hint', text: 'Per-member numbers are for this session\u2019s facilitators only. Every view and export is recorded in the group\u2019s audit log.' })),
      headline(report),
      timelineSection(report, name, charts),
      shareSection(report, charts),
      cumulativeSection(report, name, charts),
      membersTable(report),
      handsSection(report, name, charts),
      roundsSection(report),
      promptsSection(report),
      checkInsSection(options.checkIns),
      detectionSection(report),
    ].filter(Boolean));
    root.querySelectorAll(':scope > .report-section').forEach((node) => node.setAttribute('tabindex', '-1'));
    return Promise.all(charts.map(([node, spec]) => draw(node, spec)));
  }

  async function draw(node, spec) {
    if (typeof window.vegaEmbed !== 'function') {
      node.replaceChildren(el('p', { class: 'muted', text: 'The chart library did not load; the tables and sentences say the same.' }));
      return;
    }
    try {
      await window.vegaEmbed(node, spec, { renderer: 'svg', actions: false });
      node.dataset.rendered = 'true';
    } catch (err) {
      node.replaceChildren(el('p', { class: 'muted', text: `This chart could not be drawn (${err.message}); the tables say the same.` }));
    }
  }

  window.AirtimeReport = { render, clock };
}());
