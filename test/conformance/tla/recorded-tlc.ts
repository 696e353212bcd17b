/**
 * Fixtures whose outcome under real TLC is recorded in an `expected.json` beside them: each case
 * is a folder `name/` holding `name.tla` and `name.cfg`. The tests compare our engine with the
 * record always, and the record with TLC when `TLA2TOOLS_JAR` is set
 * (`UPDATE_TLC_FIXTURES=1` rewrites the record from TLC instead).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTlc, type TlcRun } from '../../../conformance/tlc/runner.ts';
import { type ParityCase, runParityCase } from '../../../conformance/tla/check/parity.ts';
import { exitCode } from '../../../conformance/tla/check/report.ts';
import type { CheckResult } from '../../../conformance/tla/check/result.ts';

/** What a recorded case's run shows: exit code, property, counts and the trace's length. */
export interface RunOutcome {
  exitCode: number;
  property: string | null;
  generated: number | null;
  distinct: number | null;
  depth: number | null;
  traceLength: number | null;
}

/** The outcome of a real TLC run. */
export function tlcOutcome(run: TlcRun): RunOutcome {
  return {
    exitCode: run.exitCode,
    property: run.property,
    generated: run.generated,
    distinct: run.distinct,
    depth: run.depth,
    traceLength: run.traceLength,
  };
}

/** The outcome of our run, leaving out the counts TLC's record does not have. */
export function ourOutcome(r: CheckResult, recorded: RunOutcome): RunOutcome {
  return {
    exitCode: exitCode(r),
    property: r.property ?? null,
    generated: recorded.generated === null ? null : r.generated,
    distinct: recorded.distinct === null ? null : r.distinct,
    depth: recorded.depth === null ? null : r.depth,
    traceLength: r.trace ? r.trace.length : null,
  };
}

/** The cases of a fixture folder, sorted, and the outcomes recorded for them. */
export function recordedFixtures<O>(folder: string): {
  cases: string[];
  expected: Record<string, O>;
} {
  const cases = readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<
    string,
    O
  >;
  return { cases, expected };
}

/**
 * Re-runs real TLC on every case (on a copy: TLC writes its state files next to the spec) and
 * checks that `outcome` of its run is still the recorded one; says why it is skipped without a
 * jar.
 */
export function describeRecordedTlcOutcomes<O>(folder: string, outcome: (run: TlcRun) => O): void {
  const { cases, expected } = recordedFixtures<O>(folder);
  if (!process.env.TLA2TOOLS_JAR) {
    describe('real TLC', () => {
      it.skip('is not run: set TLA2TOOLS_JAR=/path/to/tla2tools.jar to check the recorded outcomes against it', () => {});
    });
    return;
  }
  describe('real TLC still gives the recorded outcomes (TLA2TOOLS_JAR)', () => {
    const update = process.env.UPDATE_TLC_FIXTURES === '1';
    const fresh: Record<string, O> = {};
    const copies: string[] = [];
    afterAll(() => {
      copies.forEach((d) => rmSync(d, { recursive: true, force: true }));
      if (update)
        writeFileSync(join(folder, 'expected.json'), JSON.stringify(fresh, null, 2) + '\n');
    });

    it.each(cases)(
      '%s',
      (name) => {
        const dir = mkdtempSync(join(tmpdir(), 'tlc-recorded-'));
        copies.push(dir);
        cpSync(join(folder, name), dir, { recursive: true });
        const tlc = outcome(runTlc(join(dir, `${name}.tla`), join(dir, `${name}.cfg`)));
        fresh[name] = tlc;
        if (!update) expect(tlc).toEqual(expected[name]);
      },
      60_000,
    );
  });
}

/**
 * Runs every case of a folder shaped like the shared TLC corpus (`manifest.json` and a folder
 * per case, copied into the fixtures) through the parity runner: each must match TLC's record.
 */
export function describeCorpusCases(title: string, folder: string): void {
  describe(title, () => {
    const manifest = JSON.parse(
      readFileSync(join(folder, 'manifest.json'), 'utf8'),
    ) as ParityCase[];
    it.each(manifest)(
      '$case',
      (c) => {
        const row = runParityCase(folder, c);
        expect(row.detail).not.toMatch(/TLC:/);
        expect(row.status).toBe('pass');
      },
      60_000,
    );
  });
}
