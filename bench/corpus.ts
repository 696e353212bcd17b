/**
 * The corpus part of `npm run bench`: the public specs of `../shared/tlc-corpus` that TLC
 * needs at least `minSeconds` for (its recorded one-worker time), each run with one worker by
 * our engine and, when TLA2TOOLS_JAR is set, by real TLC in the same run, side by side: wall
 * time (process start-up included, JVM and Node alike), peak memory, the ratio, and over all
 * cases the geometric mean and the worst ratio. The yardsticks of ../shared/tlc-perf are the
 * models the engine was tuned on; these are the specs people write, kept as a check on whether
 * a speed-up generalises. Counts must match TLC's recorded ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTlc } from '../conformance/tlc/runner.ts';
import type { BenchModel, RecordedCase, Run } from './model-runs.ts';

/** A corpus case, as its manifest records it. */
interface CorpusCase extends RecordedCase {
  wallSeconds: number;
}

/** The cases of `dir` whose recorded TLC time is at least `minSeconds`, as bench models. */
export function corpusModels(dir: string, minSeconds: number): BenchModel[] {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return [];
  const cases = JSON.parse(readFileSync(manifest, 'utf8')) as CorpusCase[];
  return cases
    .filter((c) => c.wallSeconds >= minSeconds)
    .map((c) => ({
      name: c.case,
      spec: join(dir, c.case, c.module),
      cfg: join(dir, c.case, c.config),
      large: false,
      expected: { result: c.result, distinct: c.distinct, generated: c.generated, depth: c.depth },
      tlcSeconds: c.wallSeconds,
    }));
}

/** Prints the side-by-side table; false when some count was wrong. */
export function benchCorpus(
  models: readonly BenchModel[],
  runOnce: (m: BenchModel) => Run,
): boolean {
  const withTlc = process.env.TLA2TOOLS_JAR !== undefined;
  process.stdout.write(
    `Public specs (../shared/tlc-corpus, TLC needs at least 5 s), one worker each${withTlc ? ', real TLC in the same run' : ' (set TLA2TOOLS_JAR to run real TLC beside; the TLC column is then its recorded time)'}:\n`,
  );
  const header = ['case', 'counts', 'ours s', 'TLC s', 'ours/TLC', 'ours MiB', 'TLC MiB'];
  process.stdout.write(
    header.map((h, i) => (i === 0 ? h.padEnd(60) : h.padStart(10))).join('') + '\n',
  );
  let allCorrect = true;
  const ratios: number[] = [];
  for (const m of models) {
    const ours = runOnce(m);
    // Our counts only: TLC's generated count for a model with a state constraint or an
    // evaluation error is what it is; distinct states, depth and the result decide.
    const correct =
      ours.result === m.expected.result &&
      ours.distinct === m.expected.distinct &&
      ours.depth === m.expected.depth;
    allCorrect &&= correct;
    const tlc = withTlc ? timeTlc(m) : { seconds: m.tlcSeconds!, peakMiB: undefined };
    const ratio = ours.seconds / tlc.seconds;
    ratios.push(ratio);
    const cells = [
      m.name.padEnd(60),
      (correct ? 'exact' : 'WRONG').padStart(10),
      ours.seconds.toFixed(1).padStart(10),
      tlc.seconds.toFixed(1).padStart(10),
      ratio.toFixed(2).padStart(10),
      String(ours.peakMiB).padStart(10),
      (tlc.peakMiB === undefined ? '-' : String(tlc.peakMiB)).padStart(10),
    ];
    process.stdout.write(cells.join('') + '\n');
  }
  if (ratios.length > 0) {
    const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    const worst = Math.max(...ratios);
    process.stdout.write(
      `ours/TLC over ${ratios.length} cases: geometric mean ${geomean.toFixed(2)}, worst ${worst.toFixed(2)}\n`,
    );
  }
  return allCorrect;
}

/** Real TLC on `m` with one worker: wall seconds (JVM start included) and peak memory. */
function timeTlc(m: BenchModel): { seconds: number; peakMiB: number | undefined } {
  const started = process.hrtime.bigint();
  const r = runTlc(m.spec, m.cfg, { measurePeak: true });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.distinct !== m.expected.distinct)
    throw new Error(
      `TLC on ${m.name}: ${r.distinct} distinct states, expected ${m.expected.distinct}`,
    );
  return { seconds, peakMiB: r.peakMiB };
}
