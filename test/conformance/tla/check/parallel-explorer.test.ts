/**
 * The parallel explorer (`-workers N`) against the one-thread one: on the TLC parity fixtures
 * and on a generated family of small specs, a passing run has the same distinct states, states
 * generated and depth, and a violation the same kind and a trace of the breadth-first length
 * (TLC's own traces with several workers differ from its one-worker traces, but not in length).
 * Workers are terminated whether the run ends, finds a violation or fails.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ParityCase } from '../../../../conformance/tla/check/parity.ts';
import {
  checkModel,
  checkModelWithWorkers,
  loadModel,
} from '../../../../conformance/tla/check/run.ts';
import type { CheckResult } from '../../../../conformance/tla/check/explorer.ts';
import { exploreInParallel } from '../../../../conformance/tla/check/parallel/explorer.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ParityCase[];
/** Workers start through tsx from the sources: allow for it. */
const SLOW = 60_000;

/** What must agree between one worker and several. */
function agreed(r: CheckResult) {
  return r.kind === 'ok'
    ? { kind: r.kind, distinct: r.distinct, generated: r.generated, depth: r.depth }
    : { kind: r.kind, property: r.property, traceLength: r.trace?.length ?? 0 };
}

async function bothWays(tla: string, cfg: string, deadlock = true) {
  const opts = { checkDeadlock: deadlock ? undefined : false, print: () => {} };
  const one = checkModel(tla, cfg, opts);
  const two = await checkModelWithWorkers(tla, cfg, 2, opts);
  return { one, two };
}

describe('parallel explorer on the TLC parity fixtures', () => {
  it.each(CASES.map((c) => [c.case, c] as const))(
    '%s',
    async (_, c) => {
      const dir = join(FIXTURES, c.case);
      const { one, two } = await bothWays(
        join(dir, c.module),
        join(dir, c.config),
        !c.tlcArgs.includes('-deadlock'),
      );
      expect(agreed(two)).toEqual(agreed(one));
      // Temporal properties are checked on one worker, and the run says so.
      if (two.note) expect(two.workers).toBe(1);
      if (two.note) expect(two.note).toMatch(/one worker/);
    },
    SLOW,
  );
});

/** A small spec: counters stepped by actions with guards, an invariant and maybe a constraint. */
interface Family {
  vars: number;
  bound: number;
  actions: Array<{ v: number; step: number; guard: number; other: number }>;
  invariantLimit: number | null;
  constraint: boolean;
  deadlock: boolean;
}

const family: fc.Arbitrary<Family> = fc.record({
  vars: fc.integer({ min: 2, max: 3 }),
  bound: fc.integer({ min: 4, max: 9 }),
  actions: fc.array(
    fc.record({
      v: fc.integer({ min: 0, max: 2 }),
      step: fc.integer({ min: 1, max: 3 }),
      guard: fc.integer({ min: 0, max: 9 }),
      other: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  invariantLimit: fc.option(fc.integer({ min: 6, max: 20 }), { nil: null }),
  constraint: fc.boolean(),
  deadlock: fc.boolean(),
});

/** The spec and cfg texts of a family member. */
function specOf(f: Family): { tla: string; cfg: string } {
  const names = Array.from({ length: f.vars }, (_, i) => `x${i}`);
  const actions = f.actions.map((a, i) => {
    const v = names[a.v % f.vars];
    const o = names[a.other % f.vars];
    const rest = names.filter((n) => n !== v);
    return [
      `A${i} == /\\ ${o} <= ${a.guard}`,
      `       /\\ \\E d \\in 1..${a.step} : ${v}' = (${v} + d) % ${f.bound}`,
      `       /\\ UNCHANGED <<${rest.join(', ')}>>`,
    ].join('\n');
  });
  const tla = [
    '---- MODULE Family ----',
    'EXTENDS Naturals',
    `VARIABLES ${names.join(', ')}`,
    `Init == ${names.map((n) => `${n} \\in 0..1`).join(' /\\ ')}`,
    ...actions,
    `Next == ${f.actions.map((_, i) => `A${i}`).join(' \\/ ')}`,
    `Inv == ${f.invariantLimit === null ? 'TRUE' : `${names.join(' + ')} < ${f.invariantLimit}`}`,
    `Small == ${names[0]} < ${f.bound - 1}`,
    '====',
  ].join('\n');
  const cfg = [
    'INIT Init',
    'NEXT Next',
    'INVARIANT Inv',
    ...(f.constraint ? ['CONSTRAINT Small'] : []),
    ...(f.deadlock ? [] : ['CHECK_DEADLOCK FALSE']),
  ].join('\n');
  return { tla, cfg };
}

describe('parallel explorer on generated specs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parallel-family-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const seed = 20260501;

  it(
    'agrees with one worker (fast-check seed ' + seed + ')',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(family, async (f) => {
          const { tla, cfg } = specOf(f);
          // The module's name must be its file's: each case gets a folder.
          const base = join(dir, `case${n++}`);
          mkdirSync(base);
          const tlaFile = join(base, 'Family.tla');
          const cfgFile = join(base, 'Family.cfg');
          writeFileSync(tlaFile, tla);
          writeFileSync(cfgFile, cfg);
          const { one, two } = await bothWays(tlaFile, cfgFile);
          expect(agreed(two), `${tla}\n${cfg}`).toEqual(agreed(one));
        }),
        { seed, numRuns: 12, verbose: true },
      );
    },
    SLOW * 4,
  );
});

/** Writes a one-module spec and its cfg into a fresh folder; returns their paths. */
function writeSpec(name: string, tla: string, cfg: string): { tla: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parallel-'));
  writeFileSync(join(dir, `${name}.tla`), tla);
  writeFileSync(join(dir, `${name}.cfg`), cfg);
  return { tla: join(dir, `${name}.tla`), cfg: join(dir, `${name}.cfg`) };
}

// x reaches 30 in ten steps (0, 3, ..., 30) and by many longer paths; y multiplies the states so
// that both workers have work at every level.
const JUMPS = writeSpec(
  'Jumps',
  `---- MODULE Jumps ----
EXTENDS Naturals
VARIABLES x, y
Init == x = 0 /\\ y = 0
Next == \\/ x' = x + 1 /\\ y' = y
        \\/ x' = x + 3 /\\ y' = y
        \\/ x' = x /\\ y' = (y + 1) % 300
Inv == x # 30
====`,
  'INIT Init\nNEXT Next\nINVARIANT Inv\n',
);

describe('parallel explorer: violations and workers', () => {
  afterEach(() => vi.restoreAllMocks());

  it(
    'reports a violation with a breadth-first shortest trace',
    async () => {
      const r = await checkModelWithWorkers(JUMPS.tla, JUMPS.cfg, 2, { print: () => {} });
      expect(r.kind).toBe('invariant');
      expect(r.property).toBe('Inv');
      expect(r.trace).toHaveLength(11);
      expect(r.trace!.map((s) => s.state[0])).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
      expect(r.trace![0].action).toBe('Initial predicate');
    },
    SLOW,
  );

  /** The workers a run starts (every one is posted a command), to check they all ended. */
  function recordWorkers(): Set<Worker> {
    const seen = new Set<Worker>();
    const post = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (
      this: Worker,
      ...args: Parameters<Worker['postMessage']>
    ) {
      seen.add(this);
      return post.apply(this, args);
    });
    return seen;
  }
  /** Thread ids: -1 once a worker has ended. */
  const ended = (workers: Set<Worker>) => [...workers].map((w) => w.threadId);

  it(
    'ends its workers after a violation',
    async () => {
      const workers = recordWorkers();
      await checkModelWithWorkers(JUMPS.tla, JUMPS.cfg, 3, { print: () => {} });
      expect(ended(workers)).toEqual([-1, -1, -1]);
    },
    SLOW,
  );

  it(
    'ends its workers when one fails',
    async () => {
      const workers = recordWorkers();
      const model = loadModel(JUMPS.tla, JUMPS.cfg);
      // The workers cannot build the model from a file that is not there: they fail at start.
      await expect(
        exploreInParallel(model, {
          workers: 2,
          tlaFile: join(dirname(JUMPS.tla), 'Missing.tla'),
          cfgFile: JUMPS.cfg,
          print: () => {},
        }),
      ).rejects.toThrow(/Missing\.tla|worker/);
      expect(ended(workers)).toEqual([-1, -1]);
    },
    SLOW,
  );
});
