/**
 * The HTML report of a fault campaign: one self-contained page (it opens with no network, so it
 * can be archived with the campaign's files and read anywhere), with latency and throughput
 * plotted against the faults, and every verdict in plain tables that read without JavaScript.
 *
 * The charts are drawn by Apache ECharts, inlined from the installed package, from a small JSON
 * block of numbers; the page never embeds the whole result.
 */
import type { CampaignResult, InjectedFault } from '../campaign/result.ts';
import type { TimestampOperation } from '../conformance/history/index.ts';
import { ENTITIES, escapeHtml, htmlPage, scriptJson } from './html.ts';
import {
  duration,
  failedParts,
  failoverStats,
  instant,
  percent,
  PROPERTIES,
  thousands,
  violationsByProperty,
  type PropertyViolations,
} from './format.ts';

/** Violations shown per violated property: the first say what went wrong, the rest repeat it. */
const VIOLATIONS_SHOWN = 5;

/** Distinct error messages shown; a flaky network produces many variants of a few. */
const ERRORS_SHOWN = 20;

/** The ids the chart script finds its data and its containers by. */
const DATA_ID = 'campaign-data';
const LATENCY_ID = 'latency-chart';
const THROUGHPUT_ID = 'throughput-chart';

/** The report of `result` as one HTML page. */
export function campaignHtml(result: CampaignResult): string {
  const verdict = result.ok ? 'PASS' : 'FAIL';
  return htmlPage({
    title: `Fault campaign: ${verdict}, seed ${result.settings.seed}`,
    style: STYLE,
    body: [
      header(result),
      chartsSection(),
      checkersSection(result),
      availabilitySection(result),
      faultsSection(result.faults),
      replaySection(result),
      `<script type="application/json" id="${DATA_ID}">${scriptJson(chartData(result))}</script>`,
    ],
    script: CHART_SCRIPT,
  });
}

// ---------------------------------------------------------------------------------------------
// Markup. Every string put on the page goes through escapeHtml, directly or as a table cell: what
// the campaign recorded (namespaces, errors, descriptions, the replay's report) is not trusted.
// ---------------------------------------------------------------------------------------------

/** Markup that is already safe to put on the page, unlike a plain string. */
interface Markup {
  readonly html: string;
}

/** A table cell: plain text (escaped) or markup. */
type Cell = string | number | Markup;

function markup(html: string): Markup {
  return { html };
}

function cell(c: Cell): string {
  if (typeof c === 'number') return escapeHtml(thousands(c));
  return typeof c === 'string' ? escapeHtml(c) : c.html;
}

/** A span with a class, to colour a verdict. */
function badge(text: string, good: boolean): Markup {
  return markup(`<span class="${good ? 'good' : 'bad'}">${escapeHtml(text)}</span>`);
}

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`);
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs.join('\n')}\n</tbody>\n</table>`;
}

/** A two-column table of named values. */
function facts(rows: readonly (readonly [string, Cell])[]): string {
  const trs = rows.map(
    ([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`,
  );
  return `<table class="facts">\n${trs.join('\n')}\n</table>`;
}

function section(id: string, title: string, ...body: string[]): string {
  return [`<section id="${id}">`, `<h2>${escapeHtml(title)}</h2>`, ...body, '</section>'].join(
    '\n',
  );
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function header(result: CampaignResult): string {
  const s = result.settings;
  const failed = failedParts(result);
  const why =
    !result.ok && failed.length > 0
      ? `<p class="why">failed: ${escapeHtml(failed.join(', '))}</p>`
      : '';
  return [
    '<header>',
    '<h1>Fault campaign</h1>',
    `<p class="verdict ${result.ok ? 'pass' : 'fail'}">${result.ok ? 'PASS' : 'FAIL'}</p>`,
    why,
    facts([
      ['servers', s.servers],
      ['clients', s.clients],
      ['duration', duration(s.durationMs)],
      ['seed', String(s.seed)],
      ['fault kinds', s.faultKinds.join(', ') || 'none'],
      ['dir', s.dir],
      ['started at', result.startedAt],
    ]),
    '</header>',
  ].join('\n');
}

function chartsSection(): string {
  const noscript =
    '<noscript><p>The charts need JavaScript; every table on this page reads without it.</p></noscript>';
  return [
    section(
      'latency',
      'Latency over time',
      '<p>Each operation at its completion time; shaded: faults (hover for what they were).</p>',
      noscript,
      `<div class="chart" id="${LATENCY_ID}"></div>`,
    ),
    section(
      'throughput',
      'Throughput over time',
      '<p>Operations completed per second; shaded: faults.</p>',
      noscript,
      `<div class="chart" id="${THROUGHPUT_ID}"></div>`,
    ),
  ].join('\n');
}

function checkersSection(result: CampaignResult): string {
  const violated = violationsByProperty(result);
  const rows = PROPERTIES.map((property): Cell[] => {
    const v = violated.find((x) => x.property === property);
    return [property, v ? badge('violated', false) : badge('holds', true)];
  });
  const { ok, failed, unknown, timestamps, namespaces } = result.history.stats;
  return section(
    'checkers',
    'Checkers',
    table(['property', 'verdict'], rows),
    '<h3>History</h3>',
    facts([
      ['operations', result.operations.length],
      ['ok', ok],
      ['failed', failed],
      ['unknown', unknown],
      ['timestamps', timestamps],
      ['namespaces', namespaces],
    ]),
    errorsBlock(result.operations),
    ...violated.map(violationsBlock),
  );
}

/**
 * Failed and unknown operations counted by outcome and error message, most frequent first: what
 * the clients were told when they got no timestamps.
 */
function errorsBlock(ops: readonly TimestampOperation[]): string {
  const counts = new Map<string, { kind: string; error: string; n: number }>();
  for (const { outcome: o } of ops) {
    if (o.kind === 'ok') continue;
    const key = `${o.kind}\n${o.error}`;
    const entry = counts.get(key) ?? { kind: o.kind, error: o.error, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  if (counts.size === 0) return '';
  const sorted = [...counts.values()].sort((a, b) => b.n - a.n);
  const rows = sorted.slice(0, ERRORS_SHOWN).map((e): Cell[] => [e.kind, e.error, e.n]);
  const rest = sorted.length - rows.length;
  return [
    '<h3>Errors</h3>',
    table(['outcome', 'error', 'operations'], rows),
    rest > 0 ? `<p class="note">${thousands(rest)} less frequent errors are not shown.</p>` : '',
  ].join('\n');
}

/** The first violations of one property, each with the operations that commit it. */
function violationsBlock(v: PropertyViolations): string {
  const shown = v.listed.slice(0, VIOLATIONS_SHOWN).map((x) => {
    const ops = x.operations.map(operationRow);
    return [
      `<p class="message">${escapeHtml(x.message)}</p>`,
      table(
        ['caller', 'namespace', 'invoked (ms)', 'completed (ms)', 'outcome', 'server', 'term'],
        ops,
      ),
    ].join('\n');
  });
  const notes: string[] = [];
  const rest = v.listed.length - shown.length;
  if (rest > 0) notes.push(`${thousands(rest)} more listed by the checker are not shown.`);
  if (v.unlisted !== undefined) notes.push(v.unlisted);
  return [
    `<div class="violations" id="violations-${v.property}">`,
    `<h3>${escapeHtml(v.property)}: first violations</h3>`,
    ...shown,
    ...notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
    '</div>',
  ].join('\n');
}

function operationRow(op: TimestampOperation): Cell[] {
  const o = op.outcome;
  const outcome = o.kind === 'ok' ? `ok ${o.lower}..${o.upper}` : `${o.kind}: ${o.error}`;
  const server = o.kind === 'ok' && o.server !== undefined ? String(o.server) : '';
  const term = o.kind === 'ok' && o.term !== undefined ? String(o.term) : '';
  return [
    op.caller,
    op.namespace,
    millis(op.invokedAt),
    millis(op.completedAt),
    outcome,
    server,
    term,
  ];
}

/** An operation's time in ms as the checker's messages give it, so a search finds both. */
function millis(t: number): string {
  return t.toLocaleString('en-US', { maximumFractionDigits: 3, useGrouping: false });
}

function availabilitySection({ availability: a }: CampaignResult): string {
  const gap = a.longestGap;
  const failover = failoverStats(a);
  const orNone = (ms: number | null) => (ms === null ? 'none' : duration(ms));
  return section(
    'availability',
    'Availability',
    facts([
      ['answered', `${percent(a.share)} (${thousands(a.answered)} of ${thousands(a.operations)})`],
      [
        'longest gap without an answer',
        gap === null
          ? 'none (nothing was asked)'
          : `${duration(gap.toMs - gap.fromMs)}, from ${instant(gap.fromMs, 3)} to ${instant(gap.toMs, 3)}`,
      ],
      ['failover median', orNone(failover.medianMs)],
      ['failover max', orNone(failover.maxMs)],
      ['faults without an answer after them', failover.unrecovered],
    ]),
    '<h3>Failover per fault</h3>',
    "<p>From the fault's start until an operation invoked after it was answered.</p>",
    table(
      ['fault', 'kind', 'start', 'failover'],
      a.failovers.map((f) => [String(f.index), f.kind, instant(f.startMs, 3), orNone(f.ms)]),
    ),
  );
}

function faultsSection(faults: readonly InjectedFault[]): string {
  const rows = faults.map((f): Cell[] => [
    String(f.index),
    f.kind,
    f.description,
    f.targets.join(', '),
    instant(f.startMs, 3),
    instant(f.endMs, 3),
    duration(f.endMs - f.startMs),
  ]);
  return section(
    'faults',
    'Faults',
    table(['fault', 'kind', 'description', 'targets', 'start', 'end', 'duration'], rows),
  );
}

function replaySection({ replay }: CampaignResult): string {
  const failure =
    replay.ok || replay.failure === undefined
      ? []
      : [`<pre class="failure">${escapeHtml(replay.failure)}</pre>`];
  return section(
    'replay',
    'Replay',
    facts([
      ['verdict', replay.ok ? badge('conforms', true) : badge('does not conform', false)],
      ['traces', replay.traces],
      ['events', replay.events],
    ]),
    ...failure,
  );
}

// ---------------------------------------------------------------------------------------------
// Chart data and the script that draws it
// ---------------------------------------------------------------------------------------------

/** What the charts are drawn from: numbers, and the faults' words for their labels. */
interface ChartData {
  /** The end of the x axes, in s: the campaign's duration or the last thing in it. */
  readonly endS: number;
  /** Points `[completion s, latency ms]` per outcome. */
  readonly latency: {
    readonly ok: number[][];
    readonly failed: number[][];
    readonly unknown: number[][];
  };
  /** Completions per 1 s bin from time 0: ok ones, and failed or unknown ones. */
  readonly throughput: { readonly ok: number[]; readonly notOk: number[] };
  readonly faults: readonly {
    readonly index: number;
    readonly kind: string;
    readonly description: string;
    readonly startS: number;
    readonly endS: number;
  }[];
}

function chartData(result: CampaignResult): ChartData {
  // Records with times that are not finite are malformed (the checkers report them); a chart
  // cannot place them, and JSON would turn them into nulls.
  const ops = result.operations.filter(
    (op) => Number.isFinite(op.invokedAt) && Number.isFinite(op.completedAt),
  );
  // A loop, not Math.max(...ops): spreading 100,000+ arguments overflows the stack.
  let endMs = result.settings.durationMs;
  for (const op of ops) endMs = Math.max(endMs, op.completedAt);
  for (const f of result.faults) endMs = Math.max(endMs, f.endMs);
  return {
    endS: roundTo(endMs / 1000, 3),
    latency: latencyPoints(ops),
    throughput: throughputBins(ops, endMs),
    faults: result.faults.map((f) => ({
      index: f.index,
      kind: f.kind,
      description: f.description,
      startS: roundTo(f.startMs / 1000, 3),
      endS: roundTo(f.endMs / 1000, 3),
    })),
  };
}

/**
 * One point per operation. Rounded to the µs: the clocks' further digits would only make the
 * page bigger at 100,000 points. A log axis cannot place 0, so a zero latency sits at 1 µs.
 */
function latencyPoints(ops: readonly TimestampOperation[]): ChartData['latency'] {
  const points: ChartData['latency'] = { ok: [], failed: [], unknown: [] };
  for (const op of ops) {
    const latency = Math.max(roundTo(op.completedAt - op.invokedAt, 3), 0.001);
    points[op.outcome.kind].push([roundTo(op.completedAt / 1000, 3), latency]);
  }
  return points;
}

function throughputBins(
  ops: readonly TimestampOperation[],
  endMs: number,
): ChartData['throughput'] {
  // Capped, so one record with a wild completion time cannot make the page gigabytes long.
  const bins = Math.min(MAX_BINS, Math.max(1, Math.ceil(endMs / 1000)));
  const ok = new Array<number>(bins).fill(0);
  const notOk = new Array<number>(bins).fill(0);
  for (const op of ops) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(op.completedAt / 1000)));
    (op.outcome.kind === 'ok' ? ok : notOk)[bin]!++;
  }
  return { ok, notOk };
}

/** A day of 1 s bins: far beyond any campaign. */
const MAX_BINS = 86_400;

function roundTo(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/**
 * Draws both charts from the JSON block. Plain browser JavaScript, run after the library; faults
 * are a series of their own on each chart, so the legend can hide them, and the two charts are
 * connected, so zooming one zooms the other.
 */
const CHART_SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById(${JSON.stringify(DATA_ID)}).textContent);
  // Tooltips are HTML; fault descriptions come from the campaign and are escaped.
  const entities = ${JSON.stringify(ENTITIES)};
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => entities[c]);
  const palette = ['#9e9ac8', '#fdae6b', '#9ecae1', '#a1d99b', '#fc9272', '#c994c7', '#d9d9d9'];
  const kinds = [...new Set(data.faults.map((f) => f.kind))];
  const faultColor = (kind) => palette[kinds.indexOf(kind) % palette.length];

  const faults = () => ({
    name: 'faults',
    type: 'line',
    data: [],
    legendIcon: 'roundRect',
    itemStyle: { color: '#bbb' },
    markArea: {
      silent: false,
      // Upright labels, so faults a few seconds apart do not write over each other.
      label: {
        show: true, position: 'insideTopLeft', rotate: -90, align: 'left', verticalAlign: 'bottom',
        fontSize: 10, color: '#333',
      },
      tooltip: {
        formatter: (p) => {
          const f = data.faults[p.dataIndex];
          if (!f) return esc(p.name);
          return '#' + f.index + ' ' + esc(f.kind) + ': ' + esc(f.description) +
            '<br>' + f.startS + ' s to ' + f.endS + ' s';
        },
      },
      data: data.faults.map((f) => [
        { name: f.kind, xAxis: f.startS, itemStyle: { color: faultColor(f.kind), opacity: 0.3 } },
        { xAxis: f.endS },
      ]),
    },
  });
  // containShape: false keeps the bars from widening the axis, so both charts share one x scale.
  const xAxis = {
    type: 'value', name: 's since start', nameLocation: 'middle', nameGap: 26,
    min: 0, max: data.endS, containShape: false,
  };
  const dataZoom = [
    { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
    { type: 'slider', xAxisIndex: 0, filterMode: 'none', bottom: 8 },
  ];
  const grid = { left: 70, right: 40, top: 40, bottom: 96 };

  const scatter = (name, points, color) => ({
    name, type: 'scatter', data: points, symbolSize: 3, itemStyle: { color },
    large: true, largeThreshold: 2000, progressive: 5000, progressiveThreshold: 10000,
  });
  // Both charts share the x axis, zoom, grid and legend; they differ in y, tooltip and series.
  const chart = (id, yAxis, formatter, series) => {
    const c = echarts.init(document.getElementById(id));
    c.setOption({
      animation: false, grid, xAxis, dataZoom, yAxis, legend: { top: 0 },
      tooltip: { trigger: 'item', formatter }, series,
    });
    return c;
  };
  const latency = chart(
    ${JSON.stringify(LATENCY_ID)},
    { type: 'log', name: 'latency (ms)' },
    (p) => esc(p.seriesName) + ': ' + p.value[1] + ' ms, completed at ' + p.value[0] + ' s',
    [
      scatter('ok', data.latency.ok, '#3182bd'),
      scatter('failed', data.latency.failed, '#de2d26'),
      scatter('unknown', data.latency.unknown, '#e6a100'),
      faults(),
    ],
  );

  // Each 1 s bin is a bar at its middle.
  const bars = (counts) => counts.map((c, i) => [i + 0.5, c]);
  const bar = (name, counts, color) => ({
    name, type: 'bar', stack: 'completed', data: bars(counts), barCategoryGap: '10%',
    itemStyle: { color }, large: true,
  });
  const throughput = chart(
    ${JSON.stringify(THROUGHPUT_ID)},
    { type: 'value', name: 'operations / s' },
    (p) => esc(p.seriesName) + ': ' + p.value[1] + ' in ' +
      (p.value[0] - 0.5) + ' s to ' + (p.value[0] + 0.5) + ' s',
    [
      bar('ok', data.throughput.ok, '#3182bd'),
      bar('failed or unknown', data.throughput.notOk, '#de2d26'),
      faults(),
    ],
  );

  latency.group = 'campaign';
  throughput.group = 'campaign';
  echarts.connect('campaign');
  window.addEventListener('resize', () => {
    latency.resize();
    throughput.resize();
  });
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #222; }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
.verdict { font-size: 48px; font-weight: 700; margin: 4px 0; letter-spacing: 2px; }
.verdict.pass { color: #1a7f37; }
.verdict.fail { color: #c62828; }
.why { color: #c62828; font-weight: 600; margin-top: 0; }
.good { color: #1a7f37; font-weight: 600; }
.bad { color: #c62828; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
thead th, .facts th { background: #f5f5f5; }
.chart { width: 100%; height: 380px; }
.message { font-family: ui-monospace, monospace; white-space: pre-wrap; margin-bottom: 4px; }
.note { color: #555; font-style: italic; }
pre.failure { background: #fff4f4; border: 1px solid #f3c0c0; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
`;
