/**
 * The `-workers 2` part of `npm run bench`: each TLC yardstick with two worker threads, its
 * ratio to our one-worker time, and, when TLA2TOOLS_JAR is set, real TLC with `-workers 2` on
 * the same machine (JVM start included, as in our times Node's start-up is). Times are medians
 * of `runs` runs; counts must still be exact.
 */
import { runTlc } from '../conformance/tlc/runner.ts';
import type { BenchModel, Run } from './model-runs.ts';

const WORKERS = 2;

/** Prints the table; false when some count was wrong. */
export function benchWorkers(
  models: readonly BenchModel[],
  oneWorker: ReadonlyMap<string, number>,
  runs: number,
  runOnce: (m: BenchModel, workers: number) => Run,
  median: (xs: number[]) => number,
): boolean {
  const withTlc = process.env.TLA2TOOLS_JAR !== undefined;
  process.stdout.write(
    `With ${WORKERS} workers${withTlc ? ` (and real TLC with -workers ${WORKERS})` : ' (set TLA2TOOLS_JAR to time real TLC too)'}:\n`,
  );
  const header = [
    'model',
    'counts',
    'ours-1 s',
    'ours-2 s',
    '2/1',
    'peak MiB',
    'TLC-2 s',
    'ours/TLC',
  ];
  process.stdout.write(
    header.map((h, i) => (i === 0 ? h.padEnd(24) : h.padStart(11))).join('') + '\n',
  );
  let allCorrect = true;
  for (const m of models) {
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) results.push(runOnce(m, WORKERS));
    const correct = results.every(
      (r) =>
        r.result === m.expected.result &&
        r.distinct === m.expected.distinct &&
        r.generated === m.expected.generated &&
        r.depth === m.expected.depth,
    );
    allCorrect &&= correct;
    const ours = median(results.map((r) => r.seconds));
    const one = oneWorker.get(m.name);
    const tlc = withTlc ? median(Array.from({ length: runs }, () => timeTlc(m))) : undefined;
    const cells = [
      m.name.padEnd(24),
      (correct ? 'exact' : 'WRONG').padStart(11),
      (one?.toFixed(1) ?? '-').padStart(11),
      ours.toFixed(1).padStart(11),
      (one ? (ours / one).toFixed(2) : '-').padStart(11),
      String(median(results.map((r) => r.peakMiB))).padStart(11),
      (tlc?.toFixed(1) ?? '-').padStart(11),
      (tlc ? (ours / tlc).toFixed(2) : '-').padStart(11),
    ];
    process.stdout.write(cells.join('') + '\n');
  }
  return allCorrect;
}

/** Seconds real TLC takes with WORKERS workers; throws when its counts are not the expected. */
function timeTlc(m: BenchModel): number {
  const started = process.hrtime.bigint();
  const r = runTlc(m.spec, m.cfg, { workers: WORKERS });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.distinct !== m.expected.distinct || r.depth !== m.expected.depth)
    throw new Error(
      `TLC -workers ${WORKERS} on ${m.name}: ${r.distinct} distinct, depth ${r.depth}`,
    );
  return seconds;
}
