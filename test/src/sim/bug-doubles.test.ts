import { describe, expect, it } from 'vitest';
import type { ServerRules } from '../../../src/server/server.ts';
import { parseFaults } from '../../../src/sim/faults.ts';
import {
  DEFAULT_SIMULATION,
  runSimulation,
  type SimulationConfig,
} from '../../../src/sim/simulation.ts';
import {
  acceptorAcksWithoutStoring,
  instanceStartsBelowBound,
  proposerIgnoresPromisedValue,
  servesWithoutFreshCheck,
  fencesWithOwnCounter,
} from '../support/bug-doubles.ts';

/**
 * Runs seeds 1..maxSeeds with the faulty rules until the checker reports a violation; returns
 * the seed and the violated property. Then replays that seed with the correct rules, which
 * must be clean: the double, not the faults, broke the run.
 */
function firstCaught(rules: ServerRules, base: Omit<SimulationConfig, 'seed'>, maxSeeds: number) {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const result = runSimulation({ ...base, seed, rules });
    if (result.violation !== null) {
      const control = runSimulation({ ...base, seed });
      return { seed, property: result.violation.property, control: control.violation };
    }
  }
  return null;
}

const base = { ...DEFAULT_SIMULATION, boundStep: 10 };

describe('the checker catches known bug classes within a bounded number of seeds', () => {
  it('an acceptor acknowledging an accept without storing its value breaks Agreement', () => {
    const caught = firstCaught(
      acceptorAcksWithoutStoring,
      { ...base, steps: 10_000, clients: 3, faults: parseFaults('loss=0.3,crash=0.005') },
      30,
    );
    expect(caught).toMatchObject({ property: 'Agreement', control: null });
  });

  it("a proposer ignoring a promise's accepted value breaks Agreement", () => {
    const caught = firstCaught(
      proposerIgnoresPromisedValue,
      {
        ...base,
        steps: 5000,
        faults: parseFaults('loss=0.1,dup=0.05,delay=0.05,crash=0.002,partition=0.002'),
      },
      10,
    );
    expect(caught).toMatchObject({ property: 'Agreement', control: null });
  });

  it('serving without a fresh leadership check breaks real-time order', () => {
    const caught = firstCaught(
      servesWithoutFreshCheck,
      { ...base, steps: 5000, clients: 4, boundStep: 1000, faults: parseFaults('partition=0.005') },
      10,
    );
    expect(caught).toMatchObject({ property: 'RealTimeOrder', control: null });
  });

  it('a new instance not starting above the agreed bound hands out timestamps again', () => {
    const caught = firstCaught(
      instanceStartsBelowBound,
      { ...base, steps: 5000, faults: parseFaults('loss=0.1,crash=0.002') },
      10,
    );
    expect(caught?.control).toBeNull();
    expect(['RealTimeOrder', 'UniqueTimestamps']).toContain(caught?.property);
  });

  it('fencing tokens from a per-server counter let a superseded holder overwrite a write', () => {
    const caught = firstCaught(
      fencesWithOwnCounter,
      {
        ...base,
        steps: 4000,
        clients: 1,
        lockClients: 4,
        faults: parseFaults('loss=0.05,crash=0.003,partition=0.005'),
      },
      40,
    );
    expect(caught).toMatchObject({ property: 'NoLostUpdate', control: null });
  });
});
