/**
 * The simulator's bug doubles (faulty protocol rules) produce traces that the replay harness
 * rejects on its own, at the faulty step, with a diagnosis that names the bug; the same run with
 * the correct rules conforms, so the double, not the faults, is what the harness caught.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../conformance/replay/index.ts';
import { simulateAndValidate } from '../../../cli/pipeline.ts';
import type { ServerRules } from '../../../src/server/server.ts';
import { parseFaults } from '../../../src/sim/faults.ts';
import { DEFAULT_SIMULATION, type SimulationConfig } from '../../../src/sim/simulation.ts';
import {
  acceptorAcksWithoutStoring,
  instanceStartsBelowBound,
  proposerIgnoresPromisedValue,
  servesWithoutFreshCheck,
  fencesWithOwnCounter,
  refreshesWithoutFreshCheck,
} from '../../src/support/bug-doubles.ts';

/**
 * Safety on every 10th matched state: the doubles are caught by a step the spec does not
 * allow, not by an invariant, and checking Safety on every state of the correct run would
 * dominate the test's time.
 */
const REPLAY = { invariantEvery: 10 };

/** Validates `config` with the faulty `rules`, and checks that the correct rules conform. */
function rejectedRun(rules: ServerRules, config: Partial<SimulationConfig>): RunReport {
  const run: SimulationConfig = { ...DEFAULT_SIMULATION, boundStep: 10, ...config };
  const control = simulateAndValidate(run, REPLAY).report;
  expect(control.ok, 'the run with correct rules conforms').toBe(true);
  const { report } = simulateAndValidate({ ...run, rules }, REPLAY);
  expect(report.ok).toBe(false);
  expect(report.failure!.kind).toBe('rejected');
  // Everything before the faulty step conformed: the harness stops exactly there.
  expect(report.matched).toBe(report.failure!.event.index - 1);
  return report;
}

describe('the replay harness rejects the traces of every bug double', () => {
  it('an acceptor acknowledging an accept without storing it: Accept logs no ballot or value', () => {
    const report = rejectedRun(acceptorAcksWithoutStoring, {
      seed: 1,
      steps: 600,
      clients: 3,
      faults: parseFaults('loss=0.3,crash=0.005'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^Accept\(/);
    // The step is allowed, but the spec's acceptor stores the ballot and value it acknowledges.
    const closest = failure.closest[0];
    expect(closest.enabled).toBe(true);
    const paths = closest.diff.map((d) => d.path);
    expect(paths.some((p) => p.endsWith('.bal'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.val'))).toBe(true);
    expect(failure.reason).toContain("the spec's step differs from what the event logged");
  });

  it("a proposer ignoring a promise's accepted value: an accept the spec never sends", () => {
    const report = rejectedRun(proposerIgnoresPromisedValue, {
      seed: 3,
      steps: 600,
      faults: parseFaults('loss=0.1,dup=0.05,delay=0.05,crash=0.002,partition=0.002'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^Accept\(/);
    const conjunct = failure.closest[0].falseConjunct!;
    expect(conjunct.within).toEqual(['Accept']);
    expect(conjunct.text).toBe('AcceptMsg(L, q, b, v) \\in msgs');
    expect(failure.reason).toContain('AcceptMsg(L, q, b, v) \\in msgs');
  });

  it('serving without a fresh leadership check: Serve with a check older than the request', () => {
    const report = rejectedRun(servesWithoutFreshCheck, {
      seed: 1,
      steps: 1000,
      clients: 4,
      boundStep: 1000,
      faults: parseFaults('partition=0.005'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^Serve\(/);
    const conjunct = failure.closest[0].falseConjunct!;
    expect(conjunct.within).toEqual(['Serve']);
    expect(conjunct.text).toBe('k > req[c][s].after');
  });

  it('a new instance starting below the agreed bound: its counter is not the bound', () => {
    const report = rejectedRun(instanceStartsBelowBound, {
      seed: 2,
      steps: 1500,
      faults: parseFaults('loss=0.1,crash=0.002'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^(Recover|FinishForcing)\(/);
    const closest = failure.closest[0];
    expect(closest.enabled).toBe(true);
    expect(closest.diff.map((d) => d.path)).toEqual([
      expect.stringMatching(/^tsvc\[\d\]\[c\d\]\.counter$/),
    ]);
    expect(closest.diff[0].logged).toBe('0');
  });

  it('refreshing a lock after a check older than the refresh: LockRefresh with a stale check', () => {
    const report = rejectedRun(refreshesWithoutFreshCheck, {
      seed: 1,
      steps: 3000,
      clients: 1,
      lockClients: 4,
      faults: parseFaults('loss=0.05,partition=0.01'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^LockRefresh\(/);
    expect(failure.closest[0].falseConjunct!.text).toBe('k > locks[s][c][h].after');
  });

  it("fencing tokens from a server's own counter: LockGrant takes no timestamp of the namespace", () => {
    const report = rejectedRun(fencesWithOwnCounter, {
      seed: 1,
      steps: 1500,
      clients: 1,
      lockClients: 4,
      faults: parseFaults('loss=0.05,crash=0.003'),
    });
    const failure = report.failure!;
    expect(failure.event.action).toMatch(/^LockGrant\(/);
    // The spec's grant takes the namespace's next timestamp; the server's left tsvc as it was.
    expect(failure.closest[0].diff[0]).toMatchObject({ variable: 'tsvc', logged: 'unchanged' });
  });
});
