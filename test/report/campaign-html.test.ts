import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkTimestampHistory, type TimestampOperation } from '../../conformance/history/index.ts';
import { campaignHtml } from '../../report/campaign-html.ts';
import {
  campaignFixture,
  FAULTS,
  HOSTILE_DESCRIPTION,
  HOSTILE_ERROR,
  HOSTILE_NAMESPACE,
} from './campaign-fixture.ts';

/**
 * The content of the `<script>` element with `id`, ended the way an HTML parser ends it: at the
 * first `</script` followed by whitespace, `/` or `>`, whatever JS or JSON string it is in.
 */
function script(html: string, id: string): string {
  const open = html.indexOf(`<script id="${id}">`);
  const openJson = html.indexOf(`<script type="application/json" id="${id}">`);
  const start = open >= 0 ? open : openJson;
  expect(start, `script ${id}`).toBeGreaterThanOrEqual(0);
  const contentStart = html.indexOf('>', start) + 1;
  const end = html.slice(contentStart).search(/<\/script[\s/>]/i);
  expect(end).toBeGreaterThanOrEqual(0);
  return html.slice(contentStart, contentStart + end);
}

/** The page's text between `<section id="...">` and its end. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

interface ChartData {
  endS: number;
  latency: { ok: number[][]; failed: number[][]; unknown: number[][] };
  throughput: { ok: number[]; notOk: number[] };
  faults: { index: number; kind: string; description: string; startS: number; endS: number }[];
}

function chartData(html: string): ChartData {
  return JSON.parse(script(html, 'campaign-data')) as ChartData;
}

interface MarkAreaItem {
  name?: string;
  xAxis: number;
}
interface SeriesOption {
  name: string;
  type: string;
  data: unknown[];
  large?: boolean;
  markArea?: {
    data: [MarkAreaItem, MarkAreaItem][];
    tooltip: { formatter: (p: { dataIndex: number; name: string }) => string };
  };
}
interface ChartOption {
  series: SeriesOption[];
  dataZoom: { type: string; xAxisIndex: number }[];
  yAxis: { type: string };
}

/**
 * Runs the page's chart script against a stand-in for ECharts that records the options each
 * chart is given, keyed by the id of its container: what the browser would draw, without one.
 */
function drawCharts(html: string): Map<string, ChartOption> {
  const options = new Map<string, ChartOption>();
  const data = script(html, 'campaign-data');
  const echarts = {
    init: (el: { id: string }) => ({
      setOption: (o: ChartOption) => options.set(el.id, o),
      resize: () => {},
    }),
    connect: () => {},
  };
  const document = {
    getElementById: (id: string) => (id === 'campaign-data' ? { textContent: data } : { id }),
  };
  const window = { addEventListener: () => {} };
  new Function('echarts', 'document', 'window', script(html, 'page-script'))(
    echarts,
    document,
    window,
  );
  return options;
}

function faultSeries(option: ChartOption | undefined): SeriesOption {
  const series = option?.series.find((s) => s.markArea !== undefined);
  expect(series).toBeDefined();
  return series!;
}

describe('campaignHtml: one self-contained page', () => {
  const html = campaignHtml(campaignFixture());
  const echartsPath = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');

  it('loads nothing from the network', () => {
    expect(html).not.toMatch(/src="http/i);
    expect(html).not.toMatch(/href="http/i);
    // Outside the library, nothing is loaded at all: no src, no links, no stylesheet imports.
    const ours = html.replace(script(html, 'echarts-library'), '');
    expect(ours).not.toMatch(/\ssrc\s*=/i);
    expect(ours).not.toMatch(/<link\b/i);
    expect(ours).not.toMatch(/@import|url\(/i);
  });

  it('inlines ECharts from the installed package', () => {
    expect(script(html, 'echarts-library')).toBe(readFileSync(echartsPath, 'utf8'));
  });

  it('embeds one latency point per operation, at its completion, by outcome', () => {
    const { operations } = campaignFixture();
    const data = chartData(html);
    const point = (kind: string) =>
      operations
        .filter((op) => op.outcome.kind === kind)
        .map((op) => [op.completedAt / 1000, op.completedAt - op.invokedAt]);
    expect(data.latency.ok).toEqual(point('ok'));
    expect(data.latency.failed).toEqual(point('failed'));
    expect(data.latency.unknown).toEqual(point('unknown'));
    expect(data.endS).toBe(10);
  });

  it('embeds completions per second, ok and not ok, over the whole campaign', () => {
    const { throughput } = chartData(html);
    expect(throughput.ok).toEqual([2, 1, 0, 1, 0, 1, 1, 0, 1, 0]);
    expect(throughput.notOk).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('draws latency as a large scatter with zoom on x, and throughput, both with one area per fault', () => {
    const charts = drawCharts(html);
    expect([...charts.keys()]).toEqual(['latency-chart', 'throughput-chart']);
    const latency = charts.get('latency-chart')!;
    const scatter = latency.series.filter((s) => s.type === 'scatter');
    expect(scatter.map((s) => [s.name, s.data.length, s.large])).toEqual([
      ['ok', 7, true],
      ['failed', 1, true],
      ['unknown', 1, true],
    ]);
    expect(latency.dataZoom.map((z) => [z.type, z.xAxisIndex])).toEqual([
      ['inside', 0],
      ['slider', 0],
    ]);
    for (const id of ['latency-chart', 'throughput-chart']) {
      const areas = faultSeries(charts.get(id)).markArea!.data;
      expect(areas.map(([from, to]) => [from.name, from.xAxis, to.xAxis])).toEqual(
        FAULTS.map((f) => [f.kind, f.startMs / 1000, f.endMs / 1000]),
      );
    }
  });

  it('describes a fault in its tooltip, escaped', () => {
    const { markArea } = faultSeries(drawCharts(html).get('latency-chart'));
    const tip = markArea!.tooltip.formatter({ dataIndex: 1, name: 'partition' });
    expect(tip).toContain('#1 partition: partition {0} | {1,2} &lt;/script&gt;');
    expect(tip).not.toContain('<script>');
  });

  it('shows each property, and the operations of the first violations of a violated one', () => {
    const checkers = section(html, 'checkers');
    for (const property of [
      'WellFormed',
      'UniqueTimestamps',
      'CallerOrder',
      'OneLeaderPerTerm',
      'LeaderChangeOrder',
    ]) {
      expect(checkers).toContain(`<td>${property}</td><td><span class="good">holds</span></td>`);
    }
    expect(checkers).toContain('<td>RealTimeOrder</td><td><span class="bad">violated</span></td>');
    const block = checkers.slice(checkers.indexOf('id="violations-RealTimeOrder"'));
    expect(block).toContain('caller &quot;b&quot; got 8..8 from server 1');
    const ns = 'ns&lt;/script&gt;&lt;script&gt;alert(&quot;ns&quot;)&lt;/script&gt;';
    expect(block).toContain(
      `<tr><td>c</td><td>${ns}</td><td>5500</td><td>5510</td><td>ok 10..10</td><td>1</td><td>2</td></tr>`,
    );
    expect(block).toContain(
      `<tr><td>b</td><td>${ns}</td><td>6000</td><td>6020</td><td>ok 8..8</td><td>1</td><td>2</td></tr>`,
    );
  });

  it('shows the history figures and the errors clients got', () => {
    const checkers = section(html, 'checkers');
    for (const [name, n] of [
      ['operations', 9],
      ['ok', 7],
      ['failed', 1],
      ['unknown', 1],
      ['timestamps', 9],
      ['namespaces', 2],
    ]) {
      expect(checkers).toContain(`<th scope="row">${name}</th><td>${n}</td>`);
    }
    expect(checkers).toContain('<td>unknown</td><td>timed out after 1000 ms</td><td>1</td>');
  });

  it('escapes what the campaign recorded, so none of it becomes markup', () => {
    expect(html).toContain('no quorum &lt;script&gt;alert(&quot;error&quot;)&lt;/script&gt;');
    for (const hostile of [HOSTILE_ERROR, HOSTILE_NAMESPACE, HOSTILE_DESCRIPTION]) {
      expect(html).not.toContain(hostile);
    }
    // The data block, the library and the chart script: no other script element was opened.
    expect(html.match(/<script\b/gi)).toHaveLength(3);
  });

  it('keeps a </script> in the chart data from ending the script', () => {
    const raw = script(html, 'campaign-data');
    expect(raw).not.toMatch(/</);
    expect(chartData(html).faults[1]!.description).toBe(HOSTILE_DESCRIPTION);
  });

  it('shows availability: the share answered, the longest gap, and failover per fault', () => {
    const availability = section(html, 'availability');
    expect(availability).toContain('<td>77.8% (7 of 9)</td>');
    expect(availability).toContain('<td>2.31 s, from 1.015 s to 3.320 s</td>');
    expect(availability).toContain(
      '<tr><td>0</td><td>kill</td><td>2.000 s</td><td>1.32 s</td></tr>',
    );
    expect(availability).toContain(
      '<tr><td>1</td><td>partition</td><td>5.000 s</td><td>510 ms</td></tr>',
    );
  });

  it('shows "none" for a fault after which nothing was answered', () => {
    const result = campaignFixture();
    const failovers = result.availability.failovers.map((f) => ({ ...f, ms: null }));
    const page = campaignHtml({ ...result, availability: { ...result.availability, failovers } });
    expect(section(page, 'availability')).toContain(
      '<tr><td>0</td><td>kill</td><td>2.000 s</td><td>none</td></tr>',
    );
  });

  it('leaves records with times that are not finite out of the charts, and still reports them', () => {
    const result = campaignFixture();
    const malformed: TimestampOperation = {
      caller: 'd',
      namespace: 'default',
      invokedAt: 100,
      completedAt: Number.NaN,
      outcome: { kind: 'ok', lower: 30, upper: 30 },
    };
    const operations = [...result.operations, malformed];
    const history = checkTimestampHistory(operations);
    const page = campaignHtml({ ...result, operations, history });
    const data = chartData(page);
    expect(data.latency.ok).toHaveLength(7);
    expect(data.throughput.ok).toHaveLength(10);
    expect(script(page, 'campaign-data')).not.toMatch(/null|NaN/);
    expect(section(page, 'checkers')).toContain(
      '<td>WellFormed</td><td><span class="bad">violated',
    );
  });

  it('lists the faults with their targets, times and durations', () => {
    const faults = section(html, 'faults');
    expect(faults).toContain(
      '<tr><td>0</td><td>kill</td><td>kill -9 server 0 (the leader)</td><td>0</td>' +
        '<td>2.000 s</td><td>4.000 s</td><td>2 s</td></tr>',
    );
    expect(faults).toContain('<td>1, 2</td><td>5.000 s</td><td>7.000 s</td><td>2 s</td>');
  });
});

describe('campaignHtml: verdicts', () => {
  const verdict = (html: string) => /<p class="verdict (\w+)">(\w+)<\/p>/.exec(html)?.slice(1);

  it('shows PASS when every checker and the replay hold', () => {
    const html = campaignHtml(campaignFixture({ violation: false }));
    expect(verdict(html)).toEqual(['pass', 'PASS']);
    expect(html).not.toContain('class="why"');
    expect(html).not.toContain('class="bad"');
    expect(section(html, 'replay')).toContain('<span class="good">conforms</span>');
    expect(html).not.toContain('<pre');
  });

  it('shows FAIL, the failing part and the replay failure text when a trace does not conform', () => {
    const failure = 'server 2, event 17: no action explains it\n  state: <leader = 1> & </pre>';
    const html = campaignHtml(campaignFixture({ violation: false, replayFailure: failure }));
    expect(verdict(html)).toEqual(['fail', 'FAIL']);
    expect(html).toContain('<p class="why">failed: replay</p>');
    const replay = section(html, 'replay');
    expect(replay).toContain('<span class="bad">does not conform</span>');
    expect(replay).toContain('<th scope="row">events</th><td>123,456</td>');
    expect(replay).toContain(
      '<pre class="failure">server 2, event 17: no action explains it\n' +
        '  state: &lt;leader = 1&gt; &amp; &lt;/pre&gt;</pre>',
    );
  });

  it('names every failing part', () => {
    const html = campaignHtml(campaignFixture({ replayFailure: 'x' }));
    expect(verdict(html)).toEqual(['fail', 'FAIL']);
    expect(html).toContain('<p class="why">failed: RealTimeOrder, replay</p>');
  });
});
