/**
 * The merge orders concurrent events by a tie-break (server, then file); the verdict must not
 * depend on it. These tests replay runs in random linear extensions of the traces' causal
 * order (every event after all that happened before it, concurrent events shuffled) and expect
 * the merged order's verdict every time: a conforming run conforms in every order, and a run
 * whose step relies on a message its server had not received is rejected at that step in every
 * order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateRun, type TraceStream } from '../../../conformance/replay/index.ts';
import { replayEvents } from '../../../conformance/replay/replay.ts';
import {
  buildReplayModel,
  constantsFor,
  defaultSpecFile,
  runFacts,
} from '../../../conformance/replay/replay-model.ts';
import type { LoggedEvent } from '../../../conformance/replay/trace-input.ts';
import { DEFAULT_SIMULATION } from '../../../src/sim/simulation.ts';
import { Prng } from '../../../src/sim/prng.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { TEST_STEP, asStreams, copyRun, firstEvent, simulatedRun } from './support.ts';

/** fast-check's seed for these properties: fixed, so that CI runs the same orders each time. */
const SEED = 20261205;
const ORDERS = 6;

/**
 * The events of `streams` in a random order that respects happened-before: an event is ready
 * once every event its clock counts has been taken (its own server's in file order).
 */
function randomCausalOrder(streams: readonly TraceStream[], shuffle: number): LoggedEvent[] {
  const random = new Prng(shuffle);
  const queues = streams.map((s) => [...s.events]);
  const taken = new Map<number, number>(); // server -> events of it taken so far
  const ready = (e: LoggedEvent) =>
    e.event.vc.every((k, i) => i + 1 === e.server || (taken.get(i + 1) ?? 0) >= k);
  const order: LoggedEvent[] = [];
  for (;;) {
    const heads = queues.filter((q) => q.length > 0 && ready(q[0]));
    if (heads.length === 0) break;
    const e = heads[random.nextUint32() % heads.length].shift()!;
    taken.set(e.server, (taken.get(e.server) ?? 0) + 1);
    order.push(e);
  }
  expect(queues.every((q) => q.length === 0)).toBe(true);
  return order;
}

/** Replays `streams` in the given order, on the model the merged replay would build. */
function replayInOrder(streams: readonly TraceStream[], order: readonly LoggedEvent[]) {
  const facts = runFacts(streams, { step: TEST_STEP }, DEFAULT_SIMULATION.boundStep);
  const model = buildReplayModel(defaultSpecFile(), constantsFor(order, facts));
  return replayEvents(model, order);
}

describe('the verdict does not depend on how concurrent events are ordered', () => {
  const baseline = simulatedRun(2, 300);

  it('a conforming run conforms in random causal orders', () => {
    const streams = asStreams(baseline);
    const merged = validateRun(streams, { step: TEST_STEP });
    expect(merged.ok).toBe(true);
    fc.assert(
      fc.property(fc.integer(), (shuffle) => {
        const order = randomCausalOrder(streams, shuffle);
        const outcome = replayInOrder(streams, order);
        expect(outcome.failure).toBeUndefined();
        expect(outcome.matched).toBe(merged.events);
      }),
      { seed: SEED, numRuns: ORDERS },
    );
  });

  it('a step on a message its server had not received is rejected there in every order', () => {
    const run = copyRun(baseline);
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
    // The promise no longer happened after the proposal it answers.
    const vc = [...promise.event.vc];
    vc[s - 1] = propose.event.vc[s - 1] - 1;
    run[promise.server][promise.position] = { ...promise.event, vc };
    const streams = asStreams(run);
    const merged = validateRun(streams, { step: TEST_STEP }).failure!;
    expect(merged.kind).toBe('rejected');
    fc.assert(
      fc.property(fc.integer(), (shuffle) => {
        const failure = replayInOrder(streams, randomCausalOrder(streams, shuffle)).failure!;
        expect(failure.kind).toBe('rejected');
        expect([failure.event.file, failure.event.line]).toEqual([
          merged.event.file,
          merged.event.line,
        ]);
      }),
      { seed: SEED, numRuns: ORDERS },
    );
  });
});
