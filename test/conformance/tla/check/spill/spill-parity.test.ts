/**
 * A run under a memory limit small enough to spill fingerprints and states to disk many times
 * gives what the same run in memory gives: result, property, counts, depth, and the error trace
 * state by state. On the whole parity suite and on one of the project's own models (a violation
 * with its trace). The temporary files are gone afterwards.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParityCase } from '../../../../../conformance/tla/check/parity.ts';
import { type CheckOptions, checkModel } from '../../../../../conformance/tla/check/run.ts';
import type { CheckResult } from '../../../../../conformance/tla/check/explorer.ts';
import { printValue } from '../../../../../conformance/tla/values/print.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PARITY = join(HERE, '..', '..', 'fixtures', 'parity');
const SPEC = join(HERE, '..', '..', '..', '..', '..', 'spec');
const CASES = JSON.parse(readFileSync(join(PARITY, 'expected.json'), 'utf8')) as ParityCase[];

/** 2 KiB: a handful of states, and 48 fingerprints, in memory at a time. */
const TINY = 2048;
/**
 * For the one case with tens of thousands of states, 64 KiB still spills hundreds of times:
 * at 2 KiB its thousand merges of the whole fingerprint file take minutes under vitest.
 */
const limitFor = (c: ParityCase) => ((c.distinct ?? 0) > 10_000 ? 64 * 1024 : TINY);

/** What must not change when states go to disk. */
function outcome(r: CheckResult) {
  return {
    kind: r.kind,
    property: r.property,
    message: r.message,
    distinct: r.distinct,
    generated: r.generated,
    queueLeft: r.queueLeft,
    depth: r.depth,
    lasso: r.lasso,
    trace: r.trace?.map((s) => ({ action: s.action, state: s.state.map(printValue) })),
    warnings: r.warnings?.map((w) => w.code),
  };
}

/** The folder the spilled runs make their temporary folders in: must end up empty. */
// Made before the first test and removed after the last (also when a filter skips them all).
let parent = '';
beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'spill-parity-'));
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function run(spec: string, cfg: string, opts: CheckOptions, notes?: string[]) {
  return checkModel(spec, cfg, {
    print: () => {},
    ...opts,
    spillDir: parent,
    onSpillNote: (m) => notes?.push(m),
  });
}

describe('-fpmem: runs that spill to disk agree with runs in memory', () => {
  it.each(CASES)('$case', (c) => {
    const dir = join(PARITY, c.case);
    const spec = join(dir, c.module);
    const cfg = join(dir, c.config);
    const opts = { checkDeadlock: c.tlcArgs.includes('-deadlock') ? false : undefined };
    let inMemory: CheckResult;
    try {
      inMemory = run(spec, cfg, opts);
    } catch (e) {
      // A case the engine refuses (bad input) must be refused the same way under a limit.
      expect(() => run(spec, cfg, { ...opts, memoryLimit: limitFor(c) })).toThrow(
        (e as Error).message,
      );
      return;
    }
    const notes: string[] = [];
    const spilled = run(spec, cfg, { ...opts, memoryLimit: limitFor(c) }, notes);
    expect(outcome(spilled)).toEqual(outcome(inMemory));
    expect(readdirSync(parent)).toEqual([]);
    if (!spilled.spilled) {
      // Only liveness keeps its graph in memory, and it says the limit does not apply.
      expect(c.scope).toBe('temporal');
      expect(notes.join('\n')).toMatch(/does not apply/);
    } else if (spilled.distinct >= 100) {
      expect(spilled.spilled!.states).toBeGreaterThan(0);
      expect(spilled.spilled!.fingerprints).toBeGreaterThan(0);
    }
  });

  it('PaxosBug (spec/models): the same Agreement violation, counts and trace', () => {
    const spec = join(SPEC, 'Timelock.tla');
    const cfg = join(SPEC, 'models', 'PaxosBug.cfg');
    const inMemory = run(spec, cfg, {});
    const notes: string[] = [];
    const spilled = run(spec, cfg, { memoryLimit: 64 * 1024 }, notes);
    expect(outcome(spilled)).toEqual(outcome(inMemory));
    expect(spilled).toMatchObject({ kind: 'invariant', property: 'Agreement', distinct: 22297 });
    expect(spilled.trace).toHaveLength(13);
    // Many merges of fingerprints and many writes of states happened, and were announced.
    expect(spilled.spilled!.fingerprints).toBeGreaterThan(10_000);
    expect(spilled.spilled!.states).toBeGreaterThan(10_000);
    expect(notes.join('\n')).toMatch(/reached for fingerprints/);
    expect(notes.join('\n')).toMatch(/reached for states/);
    expect(readdirSync(parent)).toEqual([]);
  }, 600_000);
});
