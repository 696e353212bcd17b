import { describe, expect, it } from 'vitest';
import { formatReport, validateRun, type RunReport } from '../../../conformance/replay/index.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import {
  TEST_STEP,
  asStreams,
  copyRun,
  firstEvent,
  located,
  mislabelFirstLeaderPromise,
  simulatedRun,
} from './support.ts';

const validate = (perServer: readonly (readonly TraceEvent[])[]): RunReport =>
  validateRun(asStreams(perServer), { step: TEST_STEP });

describe('simulator traces conform to the spec', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i, all fault kinds, batch 1', (seed) => {
    const run = simulatedRun(seed, 400);
    const report = validate(run);
    expect(report.failure).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.matched).toBe(report.events);
    expect(report.events).toBeGreaterThan(100);
    expect(report.candidates.cutAfterEvents).toEqual([]);
  });
});

describe('mutated traces are rejected at the right event, for the right reason', () => {
  // Seed 2 elects a leader, extends bounds and serves: every mutation below has material.
  const baseline = simulatedRun(2, 300);

  it('the baseline conforms', () => {
    expect(validate(baseline).ok).toBe(true);
  });

  it('an event dropped: a Learn the server later shows it knows', () => {
    const run = copyRun(baseline);
    const order = located(run);
    const dropped = order.find(
      (x) =>
        x.event.action === 'Learn' &&
        run[x.server][x.position + 1] !== undefined &&
        run[x.server][x.position + 1].action !== 'Restart',
    )!;
    const next = run[dropped.server][dropped.position + 1];
    run[dropped.server].splice(dropped.position, 1);

    const report = validate(run);
    expect(report.ok).toBe(false);
    expect(report.failure!.event.file).toBe(`server-${dropped.server + 1}.ndjson`);
    expect(report.failure!.event.line).toBe(dropped.position + 1); // the next event moved up
    expect(JSON.parse(report.failure!.event.logged)).toEqual(next);
    // The spec has not learned what the server's logged state says it learned.
    const { L, q } = (dropped.event as Extract<TraceEvent, { action: 'Learn' }>).params;
    const learnedPath = `learned[${dropped.server + 1}][${JSON.stringify(L)}][${q}]`;
    const closest = report.failure!.closest[0];
    const diffPaths = closest.diff.map((d) => d.path);
    expect(diffPaths).toContain(learnedPath);
    expect(closest.diff.find((d) => d.path === learnedPath)!.spec).toBe('absent');
  });

  it('two causally ordered events swapped: a Promise before the prepare it answers', () => {
    const run = copyRun(baseline);
    // A promise on the leader log answered to another server, and the prepare it answers.
    const promise = firstEvent(
      run,
      (e) => e.action === 'Promise' && e.params.L === 'leader' && e.params.b[1] !== e.server,
    );
    const { q, b } = (promise.event as Extract<TraceEvent, { action: 'Promise' }>).params;
    const [n, s] = b;
    const propose = firstEvent(
      run,
      (e) =>
        e.action === 'ProposeLeadership' &&
        e.params.s === s &&
        e.params.q === q &&
        e.params.n === n,
    );
    const [earlier, later] = [propose.event.clock, promise.event.clock];
    run[propose.server][propose.position] = { ...propose.event, clock: later };
    run[promise.server][promise.position] = { ...promise.event, clock: earlier };

    const report = validate(run);
    expect(report.failure!.kind).toBe('rejected');
    expect(report.failure!.event.action).toBe(
      `Promise(${promise.event.server}, "leader", ${q}, <<${n}, ${s}>>)`,
    );
    const conjunct = report.failure!.closest[0].falseConjunct!;
    expect(conjunct.within).toEqual(['Promise']);
    expect(conjunct.text).toBe('PrepareMsg(L, q, b) \\in msgs');
    expect(report.failure!.reason).toContain('PrepareMsg(L, q, b) \\in msgs');
  });

  it('a logged value altered: the value an acceptor says it accepted', () => {
    const run = copyRun(baseline);
    const accept = firstEvent(run, (e) => e.action === 'Accept' && e.params.L === 'leader');
    const { a, q } = (accept.event as Extract<TraceEvent, { action: 'Accept' }>).params;
    const altered = structuredClone(accept.event);
    (altered.state.acc.leader[String(q)] as { val: unknown }).val = 99;
    run[accept.server][accept.position] = altered;

    const report = validate(run);
    const failure = report.failure!;
    expect(failure.event.line).toBe(accept.position + 1);
    expect(failure.closest[0].enabled).toBe(true);
    expect(failure.closest[0].diff).toEqual([
      {
        variable: 'acc',
        path: `acc[${a}]["leader"][${q}].val`,
        logged: '99',
        spec: String((accept.event as Extract<TraceEvent, { action: 'Accept' }>).params.v),
      },
    ]);
  });

  it('a message received that was never sent: an accept at a ballot nobody used', () => {
    const run = copyRun(baseline);
    const accept = firstEvent(run, (e) => e.action === 'Accept');
    const forged = structuredClone(accept.event) as Extract<TraceEvent, { action: 'Accept' }>;
    const ballot: [number, number] = [99, forged.params.b[1]];
    forged.params.b = ballot;
    const record = forged.state.acc[forged.params.L][String(forged.params.q)] as {
      prom: readonly number[];
      bal: readonly number[];
    };
    record.prom = ballot;
    record.bal = ballot;
    run[accept.server][accept.position] = forged;

    const report = validate(run);
    const conjunct = report.failure!.closest[0].falseConjunct!;
    expect(report.failure!.event.line).toBe(accept.position + 1);
    expect(conjunct.text).toBe('AcceptMsg(L, q, b, v) \\in msgs');
    expect(conjunct.values).toContainEqual({ expr: 'b', value: `<<99, ${ballot[1]}>>` });
  });

  it('a ballot reused: a second prepare with the same ballot', () => {
    const run = copyRun(baseline);
    const propose = firstEvent(run, (e) => e.action === 'ProposeLeadership');
    // The same step again, right after the first (same clock, next line).
    run[propose.server].splice(propose.position + 1, 0, structuredClone(propose.event));

    const report = validate(run);
    const conjunct = report.failure!.closest[0].falseConjunct!;
    expect(report.failure!.event.line).toBe(propose.position + 2);
    expect(report.matched).toBe(report.failure!.event.index - 1);
    expect(conjunct.within).toEqual(['ProposeLeadership', 'SendPrepare']);
    expect(conjunct.text).toBe('PrepareMsg(L, q, b) \\notin msgs');
  });

  it('an event naming the wrong action: the report names the action that explains it', () => {
    const run = copyRun(baseline);
    const order = located(run);
    const { promise, position, at } = mislabelFirstLeaderPromise(run);
    const { a, L, q, b } = promise.params;

    const failure = validate(run).failure!;
    expect(failure.event.line).toBe(position + 1);
    expect(failure.lastMatched!.index).toBe(failure.event.index - 1);
    expect(JSON.parse(failure.lastMatched!.logged)).toEqual(order[at - 1].event);
    const explaining = failure.alternatives!.filter((x) => x.explains).map((x) => x.action);
    // The trace before the failure, for `timelock explain`: it ends at the last matched event.
    const trace = failure.trace;
    expect(trace.length).toBeGreaterThan(1);
    expect(trace.length).toBeLessThanOrEqual(10);
    expect(trace.at(-1)!.location).toBe(
      `${failure.lastMatched!.file}:${failure.lastMatched!.line}`,
    );
    expect(Object.keys(trace[0].state)).toEqual(expect.arrayContaining(['acc', 'msgs']));
    expect(explaining).toEqual([`Promise(${a}, "${L}", ${q}, <<${b[0]}, ${b[1]}>>)`]);
    expect(formatReport({ ok: false, runs: [validate(run)] })).toMatch(
      /Promise\(.*\): EXPLAINS what was logged/,
    );
  });
});
