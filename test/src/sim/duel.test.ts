import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import {
  runDuel,
  summarizeDuel,
  typicalRoundTripMs,
  type DuelOptions,
  type DuelRun,
} from '../../../src/sim/duel.ts';
import { DEFAULT_SIMULATION, runSimulation } from '../../../src/sim/simulation.ts';

/** The fixed seeds the comparisons run over; failures name them. */
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);
const ROUND_TRIP = typicalRoundTripMs();

const over = (options: Omit<DuelOptions, 'seed'>): DuelRun[] =>
  SEEDS.map((seed) => runDuel({ ...options, seed }));
const seeds = `seeds ${SEEDS[0]}..${SEEDS.at(-1)}`;

describe('the duelling-proposers experiment', () => {
  it('is deterministic for a seed', () => {
    for (const options of [
      { seed: 3, servers: 3, backoffMs: 12 },
      { seed: 8, servers: 5, backoffMs: 0, roundMs: ROUND_TRIP },
    ]) {
      expect(runDuel(options)).toEqual(runDuel(options));
    }
    const times = over({ servers: 3, backoffMs: 24 }).map((r) => r.timeToElectMs);
    expect(new Set(times).size, 'the seed matters').toBeGreaterThan(1);
  });

  it('has every server propose at the instant all suspect when there is no backoff', () => {
    for (const servers of [3, 5]) {
      for (const r of over({ servers, backoffMs: 0 })) {
        expect(r.firstProposalSpreadMs, `seed ${r.seed}, ${servers} servers`).toBe(0);
        expect(r.elected, `seed ${r.seed}, ${servers} servers`).toBe(true);
        expect(r.leader).toBeGreaterThan(0);
      }
    }
    const spread = over({ servers: 5, backoffMs: 4 * ROUND_TRIP });
    expect(Math.max(...spread.map((r) => r.firstProposalSpreadMs))).toBeGreaterThan(0);
  });

  it('with the servers’ round timer, settles in the first round whatever the backoff', () => {
    // The highest ballot of the simultaneous proposals is decided within four message delays
    // (at most 20 ms), before any proposer's 40 ms round timer makes it retry.
    for (const servers of [3, 5]) {
      const atOnce = over({ servers, backoffMs: 0 });
      expect(
        atOnce.every((r) => r.retries === 0 && r.proposals === servers),
        seeds,
      ).toBe(true);
      const spread = summarizeDuel(over({ servers, backoffMs: 4 * ROUND_TRIP }));
      expect(spread.meanRetries, seeds).toBe(0);
      expect(summarizeDuel(atOnce).meanProposals, seeds).toBeGreaterThan(spread.meanProposals);
    }
  });

  it('with a round timer of one round trip, duels without backoff and settles with it', () => {
    for (const servers of [3, 5]) {
      const none = summarizeDuel(over({ servers, backoffMs: 0, roundMs: ROUND_TRIP }));
      const some = summarizeDuel(over({ servers, backoffMs: 4 * ROUND_TRIP, roundMs: ROUND_TRIP }));
      const context = `${servers} servers, ${seeds}: no backoff ${JSON.stringify(none)}, 4 round trips ${JSON.stringify(some)}`;
      expect(none.meanProposals, context).toBeGreaterThan(2 * some.meanProposals);
      expect(none.meanRetries, context).toBeGreaterThan(servers);
      expect(some.meanRetries, context).toBeLessThan(servers);
    }
  });

  it('counts a run without a leader by the cap as capped, at the cap', () => {
    // A round takes four message delays, at least 4 ms: no election fits in 2 ms.
    const r = runDuel({ seed: 1, servers: 3, backoffMs: 0, capMs: 2 });
    expect(r).toMatchObject({ elected: false, timeToElectMs: 2, leader: 0 });
    expect(summarizeDuel([r]).cappedShare).toBe(1);
  });

  it('uses the simulator’s untilTime and stopWhen to end a run early', () => {
    const base = { ...DEFAULT_SIMULATION, steps: 100_000, timings: DEFAULT_TIMINGS };
    const capped = runSimulation({ ...base, untilTime: 250 });
    expect(capped.virtualTime).toBeLessThanOrEqual(250);
    expect(capped.steps).toBeLessThan(base.steps);
    let events = 0;
    const stopped = runSimulation({ ...base, stopWhen: () => ++events === 17 });
    expect(stopped.steps).toBe(17);
  });
});
