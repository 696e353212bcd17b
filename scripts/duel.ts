/**
 * `npm run experiment:duel [-- --seeds N]`: the duelling-proposers experiment (src/sim/duel.ts)
 * over many seeds, for backoffs from 0 to a few round trips, in clusters of 3 and 5 servers,
 * with the servers' own round timer and with a round timer of one round trip. It prints the
 * figures, rewrites the tables in docs/duel.md (between the marker comments) and draws
 * docs/images/duel.svg with Apache ECharts' server-side SVG renderer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as echarts from 'echarts';
import { DEFAULT_TIMINGS } from '../src/server/timings.ts';
import {
  DUEL_CAP_MS,
  runDuel,
  summarizeDuel,
  typicalRoundTripMs,
  type DuelSummary,
} from '../src/sim/duel.ts';

const ROOT = join(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs', 'duel.md');
const CHART = join(ROOT, 'docs', 'images', 'duel.svg');
const START = '<!-- duel:figures:start (written by npm run experiment:duel) -->';
const END = '<!-- duel:figures:end -->';

const ROUND_TRIP_MS = typicalRoundTripMs();
/** Backoffs, in round trips; the servers' default backoff is added after them. */
const ROUND_TRIPS = [0, 0.25, 0.5, 1, 2, 4];
const BACKOFFS_MS = [...ROUND_TRIPS.map((k) => k * ROUND_TRIP_MS), DEFAULT_TIMINGS.backoffMs];
const SERVERS = [3, 5];
/** The round timers: the servers' own, and one round trip (shorter than a round takes). */
const REGIMES = [
  {
    roundMs: DEFAULT_TIMINGS.roundMs,
    title: `the servers' round timer (${DEFAULT_TIMINGS.roundMs} ms)`,
  },
  { roundMs: ROUND_TRIP_MS, title: `a round timer of one round trip (${ROUND_TRIP_MS} ms)` },
];

interface Row {
  readonly roundMs: number;
  readonly servers: number;
  readonly backoffMs: number;
  readonly summary: DuelSummary;
}

function main(): void {
  const seeds = seedCount(process.argv.slice(2));
  const started = performance.now();
  const rows: Row[] = [];
  for (const { roundMs } of REGIMES) {
    for (const servers of SERVERS) {
      for (const backoffMs of BACKOFFS_MS) {
        const runs = [];
        for (let seed = 1; seed <= seeds; seed++) {
          runs.push(runDuel({ seed, servers, backoffMs, roundMs }));
        }
        rows.push({ roundMs, servers, backoffMs, summary: summarizeDuel(runs) });
      }
    }
  }
  const wallS = ((performance.now() - started) / 1000).toFixed(1);
  const figures = renderFigures(rows, seeds);
  process.stdout.write(
    `round trip: ${ROUND_TRIP_MS} ms (twice the mean message delay); seeds 1..${seeds}; ${wallS} s\n\n${figures}\n`,
  );
  writeDoc(figures);
  writeFileSync(CHART, renderChart(rows));
  process.stdout.write(`wrote ${DOC} and ${CHART}\n`);
}

function seedCount(args: readonly string[]): number {
  const i = args.indexOf('--seeds');
  if (i < 0) return 1000;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    process.stderr.write('experiment:duel: --seeds must be a whole number from 1 to 100000\n');
    process.exit(1);
  }
  return n;
}

/** The Markdown that goes between the markers of docs/duel.md. */
function renderFigures(rows: readonly Row[], seeds: number): string {
  const out = [
    `A round trip is ${ROUND_TRIP_MS} ms (messages take 1-5 ms). ${seeds} seeds (1..${seeds}) per row; ` +
      `times are virtual ms from the instant every server suspects to the instant the new leader ` +
      `learns it leads; a run is capped ${DUEL_CAP_MS / 1000} virtual s after that instant and then counts as the cap.`,
  ];
  for (const regime of REGIMES) {
    out.push('', `With ${regime.title}:`, '');
    out.push(
      '| servers | backoff (ms) | round trips | median | p90 | max | proposals | retries | capped |',
      '| ------: | -----------: | ----------: | -----: | --: | --: | --------: | ------: | -----: |',
    );
    for (const r of rows.filter((x) => x.roundMs === regime.roundMs)) {
      const s = r.summary;
      const note = r.backoffMs === DEFAULT_TIMINGS.backoffMs ? ' (default)' : '';
      out.push(
        `| ${r.servers} | ${r.backoffMs}${note} | ${fixed(r.backoffMs / ROUND_TRIP_MS)} | ${s.medianMs} | ${s.p90Ms} | ${s.maxMs} | ` +
          `${s.meanProposals.toFixed(2)} | ${s.meanRetries.toFixed(2)} | ${(s.cappedShare * 100).toFixed(1)}% |`,
      );
    }
  }
  return out.join('\n');
}

function fixed(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}

function writeDoc(figures: string): void {
  const doc = readFileSync(DOC, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) {
    throw new Error(`${DOC} lacks the markers "${START}" and "${END}"`);
  }
  writeFileSync(DOC, `${doc.slice(0, from + START.length)}\n\n${figures}\n\n${doc.slice(to)}`);
}

/** The chart: per round timer, time to elect and proposals per election against the backoff. */
function renderChart(rows: readonly Row[]): string {
  const width = 1000;
  const height = 720;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const categories = BACKOFFS_MS.map((b) => `${b} ms\n${fixed(b / ROUND_TRIP_MS)} RT`);
  const colours: Record<number, string> = { 3: '#1f77b4', 5: '#d62728' };
  const grids = REGIMES.flatMap((_, row) =>
    [0, 1].map((col) => ({
      left: col === 0 ? 70 : 570,
      width: 380,
      top: 90 + row * 320,
      height: 210,
    })),
  );
  const panel = (row: number, col: number) => row * 2 + col;
  const series = [];
  for (const [row, regime] of REGIMES.entries()) {
    for (const servers of SERVERS) {
      const pick = rows.filter((r) => r.roundMs === regime.roundMs && r.servers === servers);
      const colour = colours[servers];
      series.push(
        line(
          `${servers} servers, median`,
          panel(row, 0),
          colour,
          'solid',
          pick.map((r) => r.summary.medianMs),
        ),
        line(
          `${servers} servers, p90`,
          panel(row, 0),
          colour,
          'dashed',
          pick.map((r) => r.summary.p90Ms),
        ),
        line(
          `${servers} servers, proposals`,
          panel(row, 1),
          colour,
          'solid',
          pick.map((r) => r.summary.meanProposals),
        ),
      );
    }
  }
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily: 'sans-serif' },
    title: [
      {
        text: 'Leader election when every server suspects at once',
        left: 'center',
        top: 8,
        textStyle: { fontSize: 16 },
      },
      ...REGIMES.flatMap((regime, row) =>
        [
          'time to elect (virtual ms; solid: median, dashed: p90)',
          'proposals (ballots) per election, mean',
        ].map((text, col) => ({
          text: `${text}\nwith ${regime.title}`,
          left: col === 0 ? 70 : 570,
          top: 48 + row * 320,
          textStyle: { fontSize: 12, fontWeight: 'normal' as const },
        })),
      ),
    ],
    legend: {
      bottom: 4,
      itemGap: 30,
      data: SERVERS.map((s) => ({ name: `${s} servers`, itemStyle: { color: colours[s] } })),
    },
    grid: grids,
    xAxis: grids.map((_, i) => ({
      type: 'category',
      gridIndex: i,
      data: categories,
      name: 'backoff',
      nameLocation: 'middle',
      nameGap: 38,
      axisLabel: { fontSize: 10 },
    })),
    yAxis: grids.map((_, i) => ({ type: 'value', gridIndex: i, min: 0 })),
    series: [
      ...series,
      // Legend entries: one per cluster size, drawn as nothing.
      ...SERVERS.map((s) => ({
        name: `${s} servers`,
        type: 'line',
        data: [],
        itemStyle: { color: colours[s] },
      })),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg + '\n';
}

function line(
  name: string,
  panelIndex: number,
  colour: string | undefined,
  type: 'solid' | 'dashed',
  data: readonly number[],
) {
  return {
    name,
    type: 'line' as const,
    xAxisIndex: panelIndex,
    yAxisIndex: panelIndex,
    data: [...data],
    symbolSize: 5,
    itemStyle: { color: colour },
    lineStyle: { color: colour, type, width: 2 },
  };
}

main();
