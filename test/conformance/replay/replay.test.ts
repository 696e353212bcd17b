import { describe, expect, it } from 'vitest';
import { formatReport, validateRun, type RunReport } from '../../../conformance/replay/index.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import {
  TEST_STEP,
  asStreams,
  copyRun,
  firstEvent,
  insertEvent,
  located,
  mislabelFirstLeaderPromise,
  removeEvent,
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

  it('an event missing from a trace: named by its file and line, before any replay', () => {
    const run = copyRun(baseline);
    const order = located(run);
    const dropped = order.find(
      (x) => x.event.action === 'Learn' && run[x.server][x.position + 1] !== undefined,
    )!;
    run[dropped.server].splice(dropped.position, 1);
    const own = dropped.event.vc[dropped.server];
    expect(() => validate(run)).toThrow(
      new RegExp(
        `server-${dropped.server + 1}\\.ndjson:${dropped.position + 1}: server ${dropped.server + 1}'s events ${own} to ${own} are missing`,
      ),
    );
  });

  it('a step taken but not logged: the spec does not follow the server', () => {
    const run = copyRun(baseline);
    const order = located(run);
    // A Learn on the leader log: the server's later steps depend on the leader it learned.
    const dropped = order.find(
      (x) =>
        x.event.action === 'Learn' &&
        x.event.params.L === 'leader' &&
        run[x.server].slice(x.position + 1).some((e) => e.action === 'StartService'),
    )!;
    removeEvent(run, dropped.server, dropped.position);

    const failure = validate(run).failure!;
    expect(failure.kind).toBe('rejected');
    expect(failure.event.file).toBe(`server-${dropped.server + 1}.ndjson`);
    expect(failure.event.line).toBeGreaterThan(dropped.position);
  });

  it('a step that relies on a message its server could not have received yet', () => {
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
    // The promise's clock no longer knows of the proposal (nor of anything after it).
    const vc = [...promise.event.vc];
    vc[s - 1] = propose.event.vc[s - 1] - 1;
    run[promise.server][promise.position] = { ...promise.event, vc };

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
    const written = altered.changes.acc!.leader[String(q)];
    const spec = structuredClone(written);
    (written as { val: unknown }).val = { leader: 99 };
    run[accept.server][accept.position] = altered;

    const report = validate(run);
    const failure = report.failure!;
    expect(failure.event.line).toBe(accept.position + 1);
    expect(failure.closest[0].enabled).toBe(true);
    expect(failure.closest[0].diff).toEqual([
      {
        variable: 'acc',
        path: `acc[${a}]["leader"][${q}].val`,
        logged: '{"leader":99}',
        spec: JSON.stringify(spec.val),
      },
    ]);
  });

  it('a message received that was never sent: an accept at a ballot nobody used', () => {
    const run = copyRun(baseline);
    const accept = firstEvent(run, (e) => e.action === 'Accept');
    const forged = structuredClone(accept.event) as Extract<TraceEvent, { action: 'Accept' }>;
    const ballot: [number, number] = [99, forged.params.b[1]];
    forged.params.b = ballot;
    const record = forged.changes.acc![forged.params.L][String(forged.params.q)] as {
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

  it.each([
    ["a repeated range: the range of the client's previous response", 'repeat'],
    ['a range that skips ahead of what the server handed out', 'skip'],
  ] as const)('%s, though the counters are right', (_, kind) => {
    const run = copyRun(baseline);
    const serves = located(run).filter((x) => x.event.action === 'Serve');
    const clientOf = (x: (typeof serves)[number]) => (x.event.params as { c: string }).c;
    // Two responses to one client: the later one logs the earlier one's range.
    const later = serves.find((x, i) =>
      serves.slice(0, i).some((y) => clientOf(y) === clientOf(x)),
    )!;
    const earlier = serves.filter((y) => clientOf(y) === clientOf(later))[0];
    const target = kind === 'repeat' ? later : serves[0];
    const e = target.event as Extract<TraceEvent, { action: 'Serve' }>;
    const logged: [number, number] =
      kind === 'repeat'
        ? ([...(earlier.event as Extract<TraceEvent, { action: 'Serve' }>).served!] as [
            number,
            number,
          ])
        : [e.served![0] + 5, e.served![1] + 5];
    run[target.server][target.position] = { ...e, served: logged } as TraceEvent;

    const failure = validate(run).failure!;
    expect(failure.kind).toBe('rejected');
    expect(failure.event.line).toBe(target.position + 1);
    const diff = failure.closest[0].diff;
    expect(diff).toEqual([
      {
        variable: 'served',
        path: `ServedRange(${e.params.s}, ${e.params.c})`,
        logged: JSON.stringify(logged),
        spec: JSON.stringify(e.served),
      },
    ]);
    expect(failure.reason).toContain('ServedRange');
  });

  it('a ballot reused: a second prepare with the same ballot', () => {
    const run = copyRun(baseline);
    const propose = firstEvent(run, (e) => e.action === 'ProposeLeadership');
    // The same step again, right after the first.
    insertEvent(run, propose.server, propose.position + 1, structuredClone(propose.event));

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
