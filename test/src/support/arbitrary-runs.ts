/**
 * fast-check arbitraries for simulation runs (seed, cluster, random fault rates and an explicit
 * fault schedule), and a property runner that, on failure, prints the shrunk run as the
 * `timelock simulate` command line that replays it exactly.
 */
import fc from 'fast-check';
import type { ScheduledFault } from '../../../src/sim/faults.ts';
import { simulateCommand } from '../../../src/sim/command-line.ts';
import type { SimulationConfig, SimulationResult } from '../../../src/sim/simulation.ts';
import { runSimulation } from '../../../src/sim/simulation.ts';

/** The fixed seed of every property in this suite, so CI runs the same schedules. */
export const PROPERTY_SEED = 4242;

/** A probability in hundredths: shrinks to round numbers, prints short. */
const rate = (maxPercent: number) => fc.integer({ min: 0, max: maxPercent }).map((p) => p / 100);
const perMille = (max: number) => fc.integer({ min: 0, max }).map((p) => p / 1000);

function scheduleFor(servers: number, horizonMs: number): fc.Arbitrary<ScheduledFault[]> {
  const at = fc.integer({ min: 0, max: horizonMs });
  const duration = fc.integer({ min: 1, max: 500 });
  const crash = fc.record({
    kind: fc.constant('crash' as const),
    server: fc.integer({ min: 1, max: servers }),
    at,
    duration,
  });
  const partition = fc
    .record({
      kind: fc.constant('partition' as const),
      side: fc.subarray(
        Array.from({ length: servers }, (_, i) => i + 1),
        { minLength: 1 },
      ),
      at,
      duration,
    })
    .map(({ side, ...rest }) => ({ ...rest, groups: [side] }));
  return fc.array(servers > 1 ? fc.oneof(crash, partition) : crash, { maxLength: 6 });
}

/** Options for {@link arbitraryRun}. */
export interface RunShape {
  /** Steps per run are drawn from minSteps (default 1000) to maxSteps. */
  readonly minSteps?: number;
  readonly maxSteps: number;
  readonly batch?: fc.Arbitrary<number>;
  /** Lock clients per run (default 0 to 2). */
  readonly lockClients?: fc.Arbitrary<number>;
  readonly trace?: boolean;
}

/** Arbitrary simulation configurations: every fault kind, random rates and a fixed schedule. */
export function arbitraryRun(shape: RunShape): fc.Arbitrary<SimulationConfig> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      servers: fc.constantFrom(3, 3, 1, 2, 4, 5),
      clients: fc.integer({ min: 1, max: 3 }),
      lockClients: shape.lockClients ?? fc.integer({ min: 0, max: 2 }),
      steps: fc.integer({ min: shape.minSteps ?? 1000, max: shape.maxSteps }),
      batch: shape.batch ?? fc.constant(1),
      boundStep: fc.integer({ min: 1, max: 20 }),
      loss: rate(30),
      dup: rate(20),
      delay: rate(30),
      crash: perMille(5),
      partition: perMille(5),
    })
    .chain((r) =>
      scheduleFor(r.servers, 4 * r.steps).map((schedule): SimulationConfig => ({
        seed: r.seed,
        servers: r.servers,
        clients: r.clients,
        lockClients: r.lockClients,
        steps: r.steps,
        batch: r.batch,
        boundStep: r.boundStep,
        faults: {
          loss: r.loss,
          dup: r.dup,
          delay: r.delay,
          crash: r.crash,
          partition: r.partition,
        },
        schedule,
        trace: shape.trace ?? false,
      })),
    );
}

/** A property that failed, with the shrunk run that breaks it. */
export class PropertyFailure extends Error {
  constructor(
    message: string,
    readonly config: SimulationConfig | undefined,
  ) {
    super(message);
  }
}

/**
 * Checks `property` on `numRuns` runs drawn from `runs`; on failure throws an error naming the
 * fast-check seed and the shrunk run as a replayable command line.
 */
export function assertForAllRuns(
  runs: fc.Arbitrary<SimulationConfig>,
  numRuns: number,
  property: (result: SimulationResult) => string | null,
): void {
  const details = fc.check(
    fc.property(runs, (config) => {
      const problem = property(runSimulation(config));
      if (problem !== null) throw new Error(problem);
    }),
    { seed: PROPERTY_SEED, numRuns },
  );
  if (details.failed) {
    const [config] = details.counterexample ?? [];
    throw new PropertyFailure(
      [
        `property failed after ${details.numRuns} runs (fast-check seed ${details.seed}, path ${details.counterexample ? details.counterexamplePath : '?'})`,
        `error: ${String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance)}`,
        `replay the shrunk run with:`,
        config ? `  ${simulateCommand(config)}` : '  (no counterexample)',
      ].join('\n'),
      config,
    );
  }
}
