import { describe, expect, it } from 'vitest';
import { parseFaults, parseSchedule } from '../../../src/sim/faults.ts';
import {
  DEFAULT_SIMULATION,
  runSimulation,
  type SimulationConfig,
} from '../../../src/sim/simulation.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';

const faulty: SimulationConfig = {
  ...DEFAULT_SIMULATION,
  seed: 11,
  steps: 4000,
  boundStep: 7,
  faults: parseFaults('loss=0.1,dup=0.1,delay=0.1,crash=0.003,partition=0.003'),
  schedule: parseSchedule('crash:1@300+100;partition:2/1,3@900+200', 3),
  trace: true,
};

const events = (traces: ReadonlyArray<readonly string[]> | null): TraceEvent[] =>
  (traces ?? [])
    .flatMap((lines) => lines.map((l) => JSON.parse(l) as TraceEvent))
    .sort((x, y) => x.clock - y.clock || x.server - y.server);

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

  it("hands out the spec's fresh values as ids, in Lamport order across servers", () => {
    let taken = 0;
    for (const e of events(runSimulation(faulty).traces)) {
      if (e.action === 'CheckLeadership') taken++;
      if (e.action === 'StartService') expect(e.state.tsvc[e.params.c]?.id).toBe(++taken);
    }
    expect(taken).toBeGreaterThan(10);
  });

  it('orders every promise after the proposal whose prepare it answers (Lamport clocks)', () => {
    const all = events(runSimulation(faulty).traces);
    const proposed = new Map<string, number>();
    let promises = 0;
    for (const e of all) {
      if (e.action === 'ProposeLeadership')
        proposed.set(`leader/${e.params.q}/${e.params.n},${e.params.s}`, e.clock);
      if (e.action === 'Promise' && e.params.L === 'leader') {
        const sentAt = proposed.get(`leader/${e.params.q}/${e.params.b.join(',')}`);
        expect(sentAt).toBeDefined();
        expect(e.clock).toBeGreaterThan(sentAt!);
        promises++;
      }
    }
    expect(promises).toBeGreaterThan(3);
  });
});
