/**
 * `npm run bench`: wall time, states per second and peak memory of the model checker on a fixed
 * set of models, each run several times (median printed), with the ratio to real TLC's recorded
 * time where the model has one. Counts are checked against the expected ones: a fast wrong
 * answer is not a result.
 *
 *   npm run bench -- [--runs 3] [--only NAME] [--skip-large] [--perf-dir ../shared/tlc-perf]
 *                    [--corpus-dir ../shared/tlc-corpus] [--skip-corpus]
 *
 * The TLC yardsticks also run with `-workers 2`, beside real TLC with `-workers 2` when
 * TLA2TOOLS_JAR is set (`workers.ts`). Then the public specs of the corpus that TLC needs at
 * least 5 s for, side by side with TLC (`corpus.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCorpus, corpusModels } from './corpus.ts';
import { benchExplain } from './explain.ts';
import { benchWorkers } from './workers.ts';
import type { BenchModel, Expected, RecordedCase, Run } from './model-runs.ts';

const root = resolve(import.meta.dirname, '..');

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    'skip-large': { type: 'boolean', default: false },
    'perf-dir': { type: 'string', default: join(root, '..', 'shared', 'tlc-perf') },
    'corpus-dir': { type: 'string', default: join(root, '..', 'shared', 'tlc-corpus') },
    'skip-corpus': { type: 'boolean', default: false },
  },
});

function models(): BenchModel[] {
  const out: BenchModel[] = [];
  const perfDir = resolve(opts['perf-dir']!);
  if (existsSync(join(perfDir, 'manifest.json'))) {
    const perf = JSON.parse(readFileSync(join(perfDir, 'manifest.json'), 'utf8')) as Array<
      RecordedCase & { tlcWallSeconds: number; tlcPeakRssMiB: number }
    >;
    for (const p of perf) {
      out.push({
        name: p.case,
        spec: join(perfDir, p.case, p.module),
        cfg: join(perfDir, p.case, p.config),
        large: false,
        expected: {
          result: p.result,
          distinct: p.distinct,
          generated: p.generated,
          depth: p.depth,
        },
        tlcSeconds: p.tlcWallSeconds,
        tlcPeakMiB: p.tlcPeakRssMiB,
      });
    }
  } else {
    process.stdout.write(
      `(no TLC yardsticks: ${perfDir}/manifest.json not found; pass --perf-dir)\n`,
    );
  }
  const spec = JSON.parse(readFileSync(join(root, 'spec', 'models.json'), 'utf8')) as Array<{
    name: string;
    module: string;
    cfg: string;
    size: string;
    maxDepth?: number;
    expected: Expected;
  }>;
  for (const m of spec) {
    out.push({
      name: m.name,
      spec: join(root, 'spec', m.module),
      cfg: join(root, 'spec', m.cfg),
      large: m.size === 'large',
      maxDepth: m.maxDepth,
      expected: m.expected,
    });
  }
  return out.filter(
    (m) => (!opts.only || m.name.includes(opts.only)) && !(opts['skip-large'] && m.large),
  );
}

function runOnce(m: BenchModel, workers = 1): Run {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'timelock.js'),
      'check',
      '--json',
      ...(m.maxDepth === undefined ? [] : ['--depth', String(m.maxDepth)]),
      ...(workers === 1 ? [] : ['--workers', String(workers)]),
      '--config',
      m.cfg,
      m.spec,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The --json stream's last record, `end`, carries the run's totals.
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    result: string;
    distinct: number;
    generated: number;
    depth: number;
    peakRssMiB: number;
  };
  return {
    seconds,
    peakMiB: j.peakRssMiB,
    result: j.result,
    distinct: j.distinct,
    generated: j.generated,
    depth: j.depth,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const runs = Math.max(1, Number(opts.runs));
// Build the bundle once, outside the measurements.
spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), '--help'], { encoding: 'utf8' });
process.stdout.write(
  `Benchmark: ${runs} run(s) per model, median shown; wall time includes Node start-up.\n\n`,
);
const header = [
  'model',
  'distinct',
  'generated',
  'counts',
  'median s',
  'states/s',
  'peak MiB',
  'TLC s',
  'ours/TLC',
];
process.stdout.write(
  header.map((h, i) => (i === 0 ? h.padEnd(24) : h.padStart(11))).join('') + '\n',
);
let allCorrect = true;
/** Median seconds with one worker, by model. */
const oneWorker = new Map<string, number>();
const chosen = models();
for (const m of chosen) {
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(runOnce(m));
  const last = results[results.length - 1];
  const correct =
    last.result === m.expected.result &&
    last.distinct === m.expected.distinct &&
    last.generated === m.expected.generated &&
    last.depth === m.expected.depth;
  allCorrect &&= correct;
  const secs = median(results.map((r) => r.seconds));
  oneWorker.set(m.name, secs);
  const row = [
    m.name.padEnd(24),
    String(last.distinct).padStart(11),
    String(last.generated).padStart(11),
    (correct ? 'exact' : 'WRONG').padStart(11),
    secs.toFixed(1).padStart(11),
    String(Math.round(last.generated / secs)).padStart(11),
    String(median(results.map((r) => r.peakMiB))).padStart(11),
    (m.tlcSeconds !== undefined ? m.tlcSeconds.toFixed(1) : '-').padStart(11),
    (m.tlcSeconds !== undefined ? (secs / m.tlcSeconds).toFixed(2) : '-').padStart(11),
  ];
  process.stdout.write(row.join('') + '\n');
}
const yardsticks = chosen.filter((m) => m.tlcSeconds !== undefined);
if (yardsticks.length > 0) {
  process.stdout.write('\n');
  allCorrect = benchWorkers(yardsticks, oneWorker, runs, runOnce, median) && allCorrect;
}
if (!opts['skip-corpus']) {
  const corpus = corpusModels(resolve(opts['corpus-dir']!), 5).filter(
    (m) => !opts.only || m.name.includes(opts.only),
  );
  process.stdout.write('\n');
  if (corpus.length === 0)
    process.stdout.write(`(no corpus cases: ${opts['corpus-dir']}/manifest.json not found)\n`);
  else allCorrect = benchCorpus(corpus, (m) => runOnce(m)) && allCorrect;
}
if (!allCorrect) {
  process.stdout.write('\nSome counts differ from the expected ones: see the WRONG rows.\n');
  process.exitCode = 1;
}
if (!opts.only) {
  process.stdout.write('\n');
  benchExplain();
}
