// Vega-Lite specs for the group insights page, and drawing them with the vendored
// vega-embed (web/vendor/README.md: the classic scripts define the global `vegaEmbed`).
// Every chart is one labelled SVG graphic; its marks are hidden from screen readers
// because the sentence and table beside it say the same in words.
import { el } from '/static/common.js';

const INK = '#1c2430';
export const COLOURS = {
  blue: '#1f5f8b', lightBlue: '#8fb3d1', green: '#146c43', grey: '#aaa59a', orange: '#b35c00',
};

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 'container',
  height: 220,
  background: null,
  config: {
    font: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
    axis: { labelFontSize: 12, titleFontSize: 12, labelColor: INK, titleColor: INK, aria: false },
    legend: { labelFontSize: 12, titleFontSize: 12, labelColor: INK, orient: 'bottom', aria: false },
    mark: { aria: false },
    view: { stroke: null },
  },
};

/** The x axis every chart shares: sessions in order, all of them, so charts line up. */
function sessionAxis(numbers) {
  return {
    field: 'session', type: 'ordinal', title: 'Session',
    scale: { domain: numbers }, axis: { labelAngle: 0 },
  };
}

const tooltip = (...fields) => fields.map(([field, title, format]) => ({ field, title, ...(format ? { format } : {}) }));

/** Bars stacked from two parts per session, e.g. came back / new; `rows`: {session, date, part, count}. */
export function stackedSpec({ description, rows, numbers, parts, colours, title }) {
  return {
    ...BASE,
    description,
    data: { values: rows.map((r) => ({ ...r, order: parts.indexOf(r.part) })) },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: sessionAxis(numbers),
      y: { field: 'count', type: 'quantitative', stack: 'zero', title, axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'part', type: 'nominal', title: null, scale: { domain: parts, range: colours } },
      order: { field: 'order', type: 'quantitative' },
      tooltip: tooltip(['date', 'Date'], ['part', 'Part'], ['count', title]),
    },
  };
}

/** A line with points per series over the sessions; `rows`: {session, date, series, value}. */
export function lineSpec({ description, rows, numbers, domain, title, format, series }) {
  const [names, colours] = [series.map((s) => s.name), series.map((s) => s.colour)];
  const dashes = series.map((s) => s.dash ?? [1, 0]);
  return {
    ...BASE,
    description,
    data: { values: rows },
    // A missing value (null) breaks the line there rather than joining its neighbours.
    mark: { type: 'line', point: { filled: true, size: 70 }, strokeWidth: 2.5, invalid: 'break-paths-show-domains' },
    encoding: {
      x: sessionAxis(numbers),
      y: { field: 'value', type: 'quantitative', title, scale: { domain }, axis: { format, tickCount: 5 } },
      // One legend for both, drawn as line samples so the dashes show too.
      color: {
        field: 'series', type: 'nominal', title: null, scale: { domain: names, range: colours },
        legend: names.length > 1 ? { symbolType: 'stroke', symbolStrokeWidth: 2.5 } : null,
      },
      strokeDash: {
        field: 'series', type: 'nominal', scale: { domain: names, range: dashes },
        legend: names.length > 1 ? { symbolType: 'stroke', symbolStrokeWidth: 2.5 } : null,
      },
      tooltip: tooltip(['date', 'Date'], ['series', 'Figure'], ['value', title, format]),
    },
  };
}

/** A narrow chart (a phone) lists its legend's entries one under the other, so none is cut off. */
function fitted(node, spec) {
  if (node.clientWidth >= 440) return spec;
  return { ...spec, config: { ...spec.config, legend: { ...spec.config.legend, columns: 1 } } };
}

/** Draw a spec into `node`; marks it data-rendered="true" once the SVG is there. */
export async function draw(node, spec) {
  if (typeof window.vegaEmbed !== 'function') {
    node.replaceChildren(el('p', { class: 'muted', text: 'The chart library did not load; the sentence and table below say the same.' }));
    return;
  }
  try {
    await window.vegaEmbed(node, fitted(node, spec), { renderer: 'svg', actions: false });
    node.dataset.rendered = 'true';
  } catch (err) {
    node.replaceChildren(el('p', { class: 'muted', text: `This chart could not be drawn (${err.message}); the table below says the same.` }));
  }
}
