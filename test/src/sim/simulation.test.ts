import { traceEvents } from '../../../src/trace/ndjson.ts';
import { describe, expect, it } from 'vitest';
import { parseFaults, parseSchedule } from '../../../src/sim/faults.ts';
import {
  DEFAULT_SIMULATION,
  runSimulation,
  type SimulationConfig,
} from '../../../src/sim/simulation.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { instanceId } from '../../../src/timestamp/tsvc.ts';
import { clockSum, happenedBefore } from '../../../src/trace/vector-clock.ts';

const faulty: SimulationConfig = {
  ...DEFAULT_SIMULATION,
  seed: 11,
  steps: 4000,
  boundStep: 7,
  faults: parseFaults('loss=0.1,dup=0.1,delay=0.1,crash=0.003,partition=0.003'),
  schedule: parseSchedule('crash:1@300+100;partition:2/1,3@900+200', 3),
  trace: true,
};

/** Each server's events, in the order it took them (index 0 is server 1). */
const byServer = (traces: ReadonlyArray<readonly string[]> | null): TraceEvent[][] =>
  (traces ?? []).map(traceEvents);

/**
 * Every server's events in one order consistent with causality: an event whose vector clock is
 * below another's has a smaller sum of entries, so it comes first.
 */
const events = (traces: ReadonlyArray<readonly string[]> | null): TraceEvent[] =>
  byServer(traces)
    .flat()
    .sort((x, y) => clockSum(x.vc) - clockSum(y.vc) || x.server - y.server);

describe('simulation', () => {
  it('gives byte-identical traces for the same seed and settings', () => {
    const a = runSimulation(faulty);
    const b = runSimulation(faulty);
    expect(a.traces!.map((t) => t.join('\n'))).toEqual(b.traces!.map((t) => t.join('\n')));
    expect({ ...a, traces: null }).toEqual({ ...b, traces: null });
    expect(a.faults.lost + a.faults.duplicated + a.faults.crashes).toBeGreaterThan(0);
    const other = runSimulation({ ...faulty, seed: 12 });
    expect(other.traces!.join('\n')).not.toEqual(a.traces!.join('\n'));
  });

  it('without faults elects one leader and hands each client consecutive timestamps', () => {
    const r = runSimulation({ ...DEFAULT_SIMULATION, steps: 5000, clients: 3 });
    expect(r.violation).toBeNull();
    expect(r.elections).toBe(1);
    for (const history of r.histories) {
      const served = history.flatMap((h) =>
        h.outcome?.kind === 'served' ? [h.outcome.first] : [],
      );
      expect(served.length).toBeGreaterThan(100);
      expect(served).toEqual(served.map((_, i) => i + 1));
    }
  });

  it('records when each request was invoked and answered', () => {
    const r = runSimulation({ ...faulty, trace: false });
    const records = r.histories.flat();
    expect(records.length).toBeGreaterThanOrEqual(r.requests.served + r.requests.refused);
    for (const h of records) expect(h.respondedAt).toBeGreaterThan(h.invokedAt);
  });

  it('elects a new leader and keeps serving after the leader crashes', () => {
    const quiet = runSimulation({ ...DEFAULT_SIMULATION, steps: 3000, trace: true });
    const leader = events(quiet.traces).find((e) => e.action === 'Serve')!.server;
    const crashAt = 2000;
    const r = runSimulation({
      ...DEFAULT_SIMULATION,
      steps: 8000,
      trace: true,
      schedule: parseSchedule(`crash:${leader}@${crashAt}+300`, 3),
    });
    expect(r.violation).toBeNull();
    expect(r.elections).toBeGreaterThanOrEqual(2);
    const all = events(r.traces);
    expect(all.some((e) => e.action === 'Restart' && e.server === leader)).toBe(true);
    const servedAfter = all.filter((e) => e.action === 'Serve' && e.time > crashAt + 300);
    expect(servedAfter.length).toBeGreaterThan(0);
    expect(servedAfter.some((e) => e.server !== leader)).toBe(true);
  });

  it("takes each server's fresh numbers from its own counter, which survives crashes", () => {
    const traces = byServer(runSimulation(faulty).traces);
    let restartsThenFresh = 0;
    const identities = new Set<number>();
    let starts = 0;
    traces.forEach((trace, i) => {
      const s = i + 1;
      let last = 0;
      let restarted = false;
      for (const e of trace) {
        if (e.action === 'Restart') restarted = true;
        if (e.changes.fresh === undefined) continue;
        expect(e.changes.fresh).toBe(last + 1);
        last = e.changes.fresh;
        if (restarted) restartsThenFresh++;
        restarted = false;
        if (e.action === 'StartService') {
          const t = e.changes.tsvc![e.params.c]!;
          expect(t.check).toBe(e.changes.fresh);
          expect(t.id).toBe(instanceId(s, t.check, faulty.servers));
          identities.add(t.id);
          starts++;
        } else {
          expect(e.action).toBe('CheckLeadership');
        }
      }
    });
    expect(restartsThenFresh).toBeGreaterThan(0);
    expect(starts).toBeGreaterThan(2);
    expect(identities.size).toBe(starts);
  });

  it('orders every promise after the proposal whose prepare it answers (vector clocks)', () => {
    const all = events(runSimulation(faulty).traces);
    const proposed = new Map<string, TraceEvent>();
    let promises = 0;
    for (const e of all) {
      if (e.action === 'ProposeLeadership')
        proposed.set(`leader/${e.params.q}/${e.params.n},${e.params.s}`, e);
      if (e.action === 'Promise' && e.params.L === 'leader') {
        const proposal = proposed.get(`leader/${e.params.q}/${e.params.b.join(',')}`);
        expect(proposal).toBeDefined();
        expect(happenedBefore(proposal!.vc, e.vc)).toBe(true);
        expect(e.vc[e.server - 1]).toBeGreaterThan(proposal!.vc[e.server - 1]!);
        promises++;
      }
    }
    expect(promises).toBeGreaterThan(3);
  });

  it("orders each client's requests and their ends causally, through the client's clock", () => {
    const all = events(runSimulation(faulty).traces);
    for (const c of ['c1', 'c2']) {
      const chain = all.filter(
        (e) =>
          (e.action === 'Request' || e.action === 'Serve' || e.action === 'GiveUp') &&
          e.params.c === c,
      );
      expect(chain.length).toBeGreaterThan(10);
      chain.forEach((e, i) => {
        expect(e.action === 'Request').toBe(i % 2 === 0);
        if (i > 0) expect(happenedBefore(chain[i - 1]!.vc, e.vc)).toBe(true);
      });
    }
  });

  it('records each Restart with the variables it reset and nothing written', () => {
    const restarts = events(runSimulation(faulty).traces).filter((e) => e.action === 'Restart');
    expect(restarts.length).toBeGreaterThan(0);
    for (const e of restarts) {
      expect(e.reset).toEqual(['learned', 'tsvc', 'locks']);
      expect(e.changes).toEqual({});
    }
  });

  it('a one-server cluster keeps serving after repeated crashes (it catches up from its own acceptor)', () => {
    const r = runSimulation({
      ...DEFAULT_SIMULATION,
      servers: 1,
      clients: 1,
      steps: 10_000,
      boundStep: 10,
      schedule: parseSchedule('crash:1@500+100;crash:1@1500+100;crash:1@2500+100', 1),
    });
    expect(r.violation).toBeNull();
    expect(r.faults.crashes).toBe(3);
    const servedAfter = r.histories[0]!.filter(
      (h) => h.outcome?.kind === 'served' && h.invokedAt > 2600,
    );
    expect(servedAfter.length).toBeGreaterThan(100);
  });
});
