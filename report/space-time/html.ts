/**
 * The space-time diagram as one self-contained HTML page: lanes across, the merged order down,
 * a point per step labelled with its action, an arrow per message, crashes marked, the failing
 * step in red; beside it, the selected step with what it changed (and, for the failing step,
 * why it fails). Click a step, or move with the keyboard: ↓/j next, ↑/k previous, Home/End,
 * f the failing step. Drawn by ECharts (inlined) from the model embedded as JSON; large traces
 * stay responsive because points and arrows are drawn in ECharts' large mode and labels are
 * shown only when few enough steps are in view.
 */
import { ENTITIES, escapeHtml, htmlPage, scriptJson } from '../html.ts';
import type { SpaceTime } from './model.ts';

/** The page for `model`. */
export function spaceTimeHtml(model: SpaceTime): string {
  const notes = model.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  const failure = model.failure
    ? `<p class="failure-line">Fails at step ${model.failure.step + 1}: ${escapeHtml(model.failure.summary)}</p>`
    : '';
  return htmlPage({
    title: model.title,
    style: STYLE,
    body: [
      '<header>',
      `<h1>${escapeHtml(model.title)}</h1>`,
      `<p class="source">${escapeHtml(model.source)}: ${model.lanes.length} lanes, ${model.steps.length} steps, ${model.arrows.length} messages</p>`,
      failure,
      notes,
      '<p class="keys">Click a step, or ↓/j next, ↑/k previous, Home/End, f the failing step.</p>',
      '</header>',
      '<main>',
      '<div id="diagram" role="img" aria-label="space-time diagram"></div>',
      '<aside id="step-panel" aria-live="polite"></aside>',
      '</main>',
      `<script type="application/json" id="space-time-data">${scriptJson(model)}</script>`,
    ],
    script: PAGE_SCRIPT,
  });
}

/**
 * Draws the diagram and keeps the panel in step with the selection. Plain browser JavaScript.
 * `window.spaceTime` lets tests (and curious users) read what is drawn and select a step.
 */
const PAGE_SCRIPT = `
(() => {
  'use strict';
  const model = JSON.parse(document.getElementById('space-time-data').textContent);
  const entities = ${JSON.stringify(ENTITIES)};
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => entities[c]);
  const steps = model.steps;
  const failing = model.failure ? model.failure.step : -1;
  /** Labels are drawn when each step in view has at least this many pixels of height. */
  const LABEL_PX = 14;
  const point = (i) => [steps[i].lane, i];

  const chart = echarts.init(document.getElementById('diagram'));
  const series = [
    {
      id: 'arrows', name: 'messages', type: 'lines', coordinateSystem: 'cartesian2d',
      data: model.arrows.map((a) => ({ coords: [point(a.from), point(a.to)] })),
      symbol: ['none', 'arrow'], symbolSize: 7, large: model.arrows.length > 2000,
      lineStyle: { color: '#8a8a8a', width: 1, opacity: 0.8 }, silent: true, z: 1,
    },
    {
      id: 'steps', name: 'steps', type: 'scatter',
      data: steps.map((s, i) => ({ value: point(i), name: s.label })),
      symbolSize: 7, itemStyle: { color: '#3182bd' }, z: 3,
      large: steps.length > 5000, largeThreshold: 5000,
      label: { show: false, position: 'right', fontSize: 10, formatter: (p) => p.name },
      labelLayout: { hideOverlap: true },
    },
    {
      id: 'crashes', name: 'crashes', type: 'scatter', symbol: 'triangle', symbolSize: 12,
      data: steps.flatMap((s, i) => (s.crash ? [point(i)] : [])),
      itemStyle: { color: '#e6550d' }, z: 4,
    },
    {
      id: 'failing', name: 'failing step', type: 'scatter', symbolSize: 14,
      data: failing >= 0 ? [point(failing)] : [],
      itemStyle: { color: '#d62728' }, z: 5,
    },
    {
      // Faults the traces do not record (crashes, partitions, pauses), shaded across the lanes.
      id: 'faults', name: 'faults', type: 'scatter', data: [],
      itemStyle: { color: 'rgba(230, 85, 13, 0.5)' },
      markArea: {
        itemStyle: { color: 'rgba(230, 85, 13, 0.08)' },
        label: {
          position: 'insideTopRight', color: '#a63603', fontSize: 10,
          backgroundColor: 'rgba(255, 255, 255, 0.85)', padding: 2,
        },
        data: model.periods.map((p) => [
          { name: p.label, yAxis: p.fromStep - 0.5 },
          { yAxis: p.toStep + 0.5 },
        ]),
      },
    },
    {
      id: 'selected', name: 'selected', type: 'scatter', symbolSize: 18,
      data: [], itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#111', borderWidth: 2 },
      silent: true, z: 6,
    },
  ];
  chart.setOption({
    animation: false,
    grid: { left: 50, right: 260, top: 60, bottom: 30 },
    legend: { top: 0, data: ['steps', 'messages', 'crashes', 'faults', 'failing step'] },
    tooltip: {
      trigger: 'item',
      formatter: (p) => p.seriesId === 'steps'
        ? '#' + (p.dataIndex + 1) + ' ' + esc(model.lanes[steps[p.dataIndex].lane]) + ': ' + esc(p.name)
        : esc(p.seriesName),
    },
    xAxis: {
      type: 'category', position: 'top', data: model.lanes,
      axisLabel: { fontWeight: 600, interval: 0 }, axisTick: { show: false },
      axisLine: { show: false },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value', inverse: true, min: -1, max: steps.length, name: 'step',
      axisLabel: { formatter: (v) => (Number.isInteger(v) && v >= 0 && v < steps.length ? String(v + 1) : '') },
      splitLine: { show: false },
    },
    dataZoom: [
      { id: 'zoom', type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', yAxisIndex: 0, filterMode: 'none', right: 8, width: 18 },
    ],
    series: [
      ...series,
      // Lanes as vertical lines, so a step's lane reads at a glance.
      {
        id: 'lanes', type: 'lines', coordinateSystem: 'cartesian2d', silent: true, z: 0,
        data: model.lanes.map((_, l) => ({ coords: [[l, -1], [l, steps.length]] })),
        lineStyle: { color: '#d9d9d9', width: 2 },
      },
    ],
  });

  /** Labels on the points only when few enough are in view to be read. */
  const view = () => {
    const zoom = chart.getOption().dataZoom[0];
    const span = ((zoom.end ?? 100) - (zoom.start ?? 0)) / 100 * steps.length;
    return { start: (zoom.start ?? 0) / 100 * steps.length, span };
  };
  const rows = () => Math.max(1, Math.floor((chart.getHeight() - 90) / LABEL_PX));
  const relabel = () => {
    const readable = steps.length <= 5000 && view().span <= rows();
    chart.setOption({ series: [{ id: 'steps', label: { show: readable } }] });
  };
  chart.on('datazoom', relabel);

  const panel = document.getElementById('step-panel');
  let selected = -1;
  const select = (i) => {
    if (steps.length === 0) return;
    selected = Math.max(0, Math.min(steps.length - 1, i));
    const s = steps[selected];
    chart.setOption({ series: [{ id: 'selected', data: [point(selected)] }] });
    // Keep the selected step in view.
    const { start, span } = view();
    if (selected < start || selected > start + span - 1) {
      const from = Math.max(0, selected - span / 2);
      chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0,
        startValue: from, endValue: Math.min(steps.length, from + span) });
    }
    const failure = selected === failing && model.failure
      ? '<h3 class="bad">Why it fails</h3><p class="bad">' + esc(model.failure.summary) + '</p>' +
        (model.failure.details ? '<pre class="failure">' + esc(model.failure.details) + '</pre>' : '')
      : '';
    panel.dataset.step = String(selected + 1);
    panel.innerHTML =
      '<h2>Step ' + (selected + 1) + ' of ' + steps.length + '</h2>' +
      '<p class="lane">' + esc(model.lanes[s.lane]) + '</p>' +
      '<p class="action">' + esc(s.label) + '</p>' +
      (s.place ? '<p class="place">' + esc(s.place) + '</p>' : '') +
      (s.crash ? '<p class="bad">crash and restart</p>' : '') +
      '<h3>' + (selected === 0 && s.changes.length > 0 && s.label === 'Initial predicate' ? 'State' : 'Changed') + '</h3>' +
      '<ul class="changes">' + (s.changes.length > 0
        ? s.changes.map((c) => '<li>' + esc(c) + '</li>').join('')
        : '<li class="none">nothing</li>') + '</ul>' + failure;
  };
  chart.on('click', (p) => { if (p.seriesId === 'steps' || p.seriesId === 'failing') select(p.seriesId === 'steps' ? p.dataIndex : failing); });
  document.addEventListener('keydown', (e) => {
    const moves = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };
    if (e.key in moves) select(selected + moves[e.key]);
    else if (e.key === 'Home') select(0);
    else if (e.key === 'End') select(steps.length - 1);
    else if (e.key === 'f' && failing >= 0) select(failing);
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => chart.resize());
  window.spaceTime = { model, chart, select, selected: () => selected };
  // A trace too long to read whole opens on a window of steps whose labels can be read,
  // ending at the failing step (or starting at the first).
  if (steps.length > rows()) {
    const first = Math.max(0, (failing >= 0 ? failing + 1 : rows()) - rows());
    chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, startValue: first,
      endValue: first + rows() - 1 });
  }
  select(failing >= 0 ? failing : 0);
  relabel();
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 12px 20px 4px; border-bottom: 1px solid #ddd; }
h1 { font-size: 20px; margin: 0 0 4px; }
.source, .note, .keys { color: #555; margin: 2px 0; }
.failure-line, .bad { color: #c62828; font-weight: 600; }
main { display: flex; height: calc(100vh - 130px); min-height: 420px; }
#diagram { flex: 1 1 auto; min-width: 0; }
#step-panel { flex: 0 0 380px; overflow: auto; border-left: 1px solid #ddd; padding: 8px 16px; }
#step-panel h2 { font-size: 16px; margin: 4px 0; }
#step-panel h3 { font-size: 14px; margin: 12px 0 4px; }
.action { font-family: ui-monospace, monospace; font-weight: 600; word-break: break-word; }
.lane, .place { color: #555; margin: 2px 0; }
.changes { font-family: ui-monospace, monospace; font-size: 12px; padding-left: 18px; word-break: break-word; }
.changes .none { color: #777; list-style: none; margin-left: -18px; }
pre.failure { background: #fff4f4; border: 1px solid #f3c0c0; padding: 8px; white-space: pre-wrap; font-size: 12px; }
`;
