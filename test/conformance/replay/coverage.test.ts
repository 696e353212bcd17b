import { describe, expect, it } from 'vitest';
import {
  CoverageTally,
  formatCoverage,
  nextDisjuncts,
  specNextDisjuncts,
  validateTracesWithCoverage,
} from '../../../conformance/replay/coverage.ts';
import { validateRun } from '../../../conformance/replay/index.ts';
import {
  UNREACHABLE_ARMS,
  unexpectedlyUntaken,
} from '../../../conformance/replay/unreachable-arms.ts';
import { defaultSpecFile } from '../../../conformance/replay/replay-model.ts';
import { loadSpecDefinitions, stepsOfNext } from '../../../conformance/static/spec-steps.ts';
import { writeTraces } from '../../../src/trace/ndjson.ts';
import { SPEC_ACTIONS, type TraceEvent } from '../../../src/trace/events.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_STEP, asStreams, copyRun, insertEvent, simulatedRun } from './support.ts';

describe("the spec's actions, read from Next", () => {
  it('are exactly the actions the implementation traces, one disjunct each', () => {
    const actions = specNextDisjuncts().map((d) => d.action);
    expect([...actions].sort()).toEqual(Object.keys(SPEC_ACTIONS).sort());
  });

  it('name the disjunct of Next that takes each action, with its place', () => {
    const promise = specNextDisjuncts().find((d) => d.action === 'Promise')!;
    expect(promise.text).toBe(
      'm.type = "prepare" /\\ Promise(s, m.log, m.seq, m.bal) /\\ PaxosFrame',
    );
    expect(promise.place).toMatch(/^Timelock\.tla:\d+$/);
  });

  it('are the steps the replay and the TLC trace module take, read once from the syntax', () => {
    const steps = stepsOfNext(loadSpecDefinitions(defaultSpecFile()));
    expect(nextDisjuncts(defaultSpecFile()).map((d) => d.action)).toEqual(
      steps.map((s) => s.action.name),
    );
  });
});

const event = (e: Partial<TraceEvent> & Pick<TraceEvent, 'action' | 'params'>) =>
  ({ server: 1, vc: [1], time: 0, changes: {}, ...e }) as TraceEvent;

describe('coverage counts', () => {
  it('each action and log shape taken, and lists every other action as never taken', () => {
    const tally = new CoverageTally();
    tally.addEvents([
      event({ action: 'Request', params: { c: 'c1', s: 1, n: 1 } }),
      event({ action: 'Request', params: { c: 'c1', s: 2, n: 1 } }),
      event({ action: 'Promise', params: { a: 1, L: 'leader', q: 1, b: [1, 1] } }),
    ]);
    const coverage = tally.coverage();
    expect(coverage.events).toBe(3);
    expect(coverage.actions.find((a) => a.action === 'Request')!.taken).toBe(2);
    expect(coverage.actions.find((a) => a.action === 'Promise')!.shapes).toEqual([
      { label: 'Promise(leader log)', taken: 1 },
      { label: 'Promise(client log)', taken: 0 },
    ]);
    expect(coverage.neverTakenActions).toHaveLength(Object.keys(SPEC_ACTIONS).length - 2);
    expect(coverage.neverTakenActions).toContain('GiveUp');
    expect(coverage.neverTakenShapes).toContain('Promise(client log)');
    expect(coverage.neverTakenShapes).not.toContain('Request');
    const text = formatCoverage(coverage);
    expect(text).toContain(
      `taken: 2 of ${Object.keys(SPEC_ACTIONS).length} actions of Next; never taken: `,
    );
    expect(text).toContain('shapes never taken: Promise(client log)');
  });

  it('only the conforming prefix of a rejected run', () => {
    const run = copyRun(simulatedRun(2, 300));
    // A second, identical ProposeLeadership reuses a ballot: rejected there.
    const s = run.findIndex((events) => events.some((e) => e.action === 'ProposeLeadership'));
    const at = run[s].findIndex((e) => e.action === 'ProposeLeadership');
    insertEvent(run, s, at + 1, structuredClone(run[s][at]));
    const tally = new CoverageTally();
    const report = validateRun(asStreams(run), { step: TEST_STEP, onMatched: tally.counter });
    expect(report.ok).toBe(false);
    expect(tally.coverage().events).toBe(report.matched);
    expect(report.matched).toBeLessThan(report.events);
  });

  it('over trace folders, with validation, as `validate --coverage` prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coverage-'));
    try {
      const run = simulatedRun(3, 400);
      writeTraces(
        dir,
        run.map((events) => events.map((e) => JSON.stringify(e))),
      );
      const { report, coverage } = validateTracesWithCoverage([dir], { step: TEST_STEP });
      expect(report.ok).toBe(true);
      expect(coverage.events).toBe(run.flat().length);
      const taken = coverage.actions.reduce((sum, a) => sum + a.taken, 0);
      expect(taken).toBe(coverage.events);
      expect(coverage.outsideNext).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('branch coverage', () => {
  const sites = specNextDisjuncts().flatMap((d) => [...d.branches, ...d.calledBranches]);

  it("lists each action's IFs and CASEs, and the operators' they call", () => {
    const boundAgreed = specNextDisjuncts().find((d) => d.action === 'BoundAgreed')!;
    // The round lost to another instance: the value agreed is not this instance's.
    expect(boundAgreed.branches.map((b) => [b.kind, b.arms.map((a) => a.name)])).toEqual([
      ['IF', ['THEN', 'ELSE']],
    ]);
    expect(boundAgreed.branches[0].arms[1].text).toBe('[@ EXCEPT !.phase = "stopped"]');
    const serve = specNextDisjuncts().find((d) => d.action === 'Serve')!;
    expect(serve.calledBranches.map((b) => b.within)).toContain('Max');
  });

  it('counts the arms each conforming step took, and fails when an arm is never taken', () => {
    // One short run: the leader is never contested, so no bound round is lost.
    const tally = new CoverageTally();
    const report = validateRun(asStreams(simulatedRun(1, 150)), {
      step: TEST_STEP,
      ...tally.replayOptions(),
    });
    expect(report.ok).toBe(true);
    const coverage = tally.coverage();
    expect(coverage.branchesProbed).toBe(true);
    const recover = coverage.actions.find((a) => a.action === 'Recover')!;
    expect(recover.branches.length).toBeGreaterThan(0);
    const missing = unexpectedlyUntaken(coverage.neverTakenBranches);
    expect(missing).toContainEqual(
      expect.stringMatching(/^IF at Timestamps\.tla:\d+ \(in BoundAgreed\) ELSE$/),
    );
    const text = formatCoverage(coverage);
    expect(text).toMatch(/branch arms taken: \d+ of \d+; never taken:/);
    expect(text).toMatch(/IF at Timestamps\.tla:\d+ \(in BoundAgreed\) ELSE/);
    // Arms taken are counted once per step that took them.
    const agreed = coverage.actions.find((a) => a.action === 'BoundAgreed')!;
    expect(agreed.branches[0].taken[0]).toBe(agreed.taken);
  });

  it('excuses only arms that exist, each with its reason', () => {
    for (const u of UNREACHABLE_ARMS) {
      const site = sites.find((s) => s.within === u.within && s.kind === u.kind);
      expect(site, `${u.kind} in ${u.within}`).toBeDefined();
      expect(site!.arms).toContainEqual({ name: u.arm, text: u.text });
      expect(u.because.length).toBeGreaterThan(20);
    }
  });
});
