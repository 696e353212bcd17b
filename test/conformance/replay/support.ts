/**
 * Simulator runs as trace streams, and mutations of them, for the replay tests. A mutation
 * edits events as JSON objects per server and re-serialises them, so that line numbers in
 * reports are those of the mutated files.
 */
import { traceEvents } from '../../../src/trace/ndjson.ts';
import { parseTrace, type TraceStream } from '../../../conformance/replay/index.ts';
import { parseFaults } from '../../../src/sim/faults.ts';
import { DEFAULT_SIMULATION, runSimulation } from '../../../src/sim/simulation.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { clockSum } from '../../../src/trace/vector-clock.ts';

/** Every fault kind on, at rates that still let a short run elect a leader and serve. */
export const ALL_FAULTS = 'loss=0.1,dup=0.05,delay=0.05,crash=0.01,partition=0.01';

/** The spec's Step the test runs use (small, so that bounds are extended often). */
export const TEST_STEP = 3;

/** A simulator run with every fault kind, batch 1: one event list per server. */
export function simulatedRun(seed: number, steps: number): TraceEvent[][] {
  const result = runSimulation({
    ...DEFAULT_SIMULATION,
    seed,
    steps,
    batch: 1,
    boundStep: TEST_STEP,
    faults: parseFaults(ALL_FAULTS),
    trace: true,
  });
  return result.traces!.map(traceEvents);
}

/** Per-server events as the streams `validateRun` reads (files named `server-N.ndjson`). */
export function asStreams(perServer: readonly (readonly TraceEvent[])[]): TraceStream[] {
  return perServer.map((events, i) =>
    parseTrace(events.map((e) => JSON.stringify(e)).join('\n'), `server-${i + 1}.ndjson`),
  );
}

/** A deep copy, so that a mutation never touches the baseline run. */
export function copyRun(perServer: readonly (readonly TraceEvent[])[]): TraceEvent[][] {
  return perServer.map((events) => events.map((e) => structuredClone(e)));
}

/**
 * The events of all servers in the replay's merged order (by vector-clock sum, then server),
 * each with its server's index and position.
 */
export function located(
  perServer: readonly (readonly TraceEvent[])[],
): Array<{ event: TraceEvent; server: number; position: number }> {
  return perServer
    .flatMap((events, s) => events.map((event, position) => ({ event, server: s, position })))
    .sort(
      (x, y) =>
        clockSum(x.event.vc) - clockSum(y.event.vc) ||
        x.server - y.server ||
        x.position - y.position,
    );
}

/** Adds `delta` to entry `s - 1` of every clock whose entry is at least `from`. */
function shiftClocks(run: TraceEvent[][], s: number, from: number, delta: number): void {
  for (const events of run)
    for (let i = 0; i < events.length; i++) {
      const vc = events[i].vc;
      if (vc[s - 1] >= from) {
        const moved = [...vc];
        moved[s - 1] += delta;
        events[i] = { ...events[i], vc: moved };
      }
    }
}

/**
 * Removes server `index + 1`'s event at `position`, renumbering clocks as if it had never been
 * logged: the trace then reads like one whose server took the step without logging it.
 */
export function removeEvent(run: TraceEvent[][], index: number, position: number): TraceEvent {
  const s = index + 1;
  const [removed] = run[index].splice(position, 1);
  shiftClocks(run, s, removed.vc[s - 1], -1);
  return removed;
}

/**
 * Inserts `event` as server `index + 1`'s event at `position`, with a clock that knows what the
 * server's previous event knew, renumbering the clocks of the events after it.
 */
export function insertEvent(
  run: TraceEvent[][],
  index: number,
  position: number,
  event: TraceEvent,
): void {
  const s = index + 1;
  const previous = position > 0 ? run[index][position - 1].vc : event.vc.map(() => 0);
  const own = previous[s - 1] + 1;
  shiftClocks(run, s, own, 1);
  const vc = [...previous];
  vc[s - 1] = own;
  run[index].splice(position, 0, { ...event, vc });
}

/** The first event satisfying `test`, in merged order; fails the test when there is none. */
export function firstEvent(
  perServer: readonly (readonly TraceEvent[])[],
  test: (e: TraceEvent) => boolean,
): { event: TraceEvent; server: number; position: number } {
  const found = located(perServer).find((x) => test(x.event));
  if (!found) throw new Error('the baseline run has no such event; pick another seed');
  return found;
}

/**
 * Logs the first Promise on the leader log as an Accept of some value, though the state it
 * logs is that of the Promise (an event that names the wrong action). Returns the event as it
 * was, and where it is.
 */
export function mislabelFirstLeaderPromise(run: TraceEvent[][]): {
  promise: Extract<TraceEvent, { action: 'Promise' }>;
  server: number;
  position: number;
  /** Its index in the merged order of the run. */
  at: number;
} {
  const order = located(run);
  const at = order.findIndex((x) => x.event.action === 'Promise' && x.event.params.L === 'leader');
  const { event, server, position } = order[at];
  const promise = event as Extract<TraceEvent, { action: 'Promise' }>;
  run[server][position] = {
    ...promise,
    action: 'Accept',
    params: { ...promise.params, v: { leader: 1 } },
  } as TraceEvent;
  return { promise, server, position, at };
}
