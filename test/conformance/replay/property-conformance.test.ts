/**
 * Traces of the simulator's property-test runs (random seeds, clusters of 1 to 5 servers,
 * every fault kind at random rates plus a random schedule of crashes and partitions, batch 1)
 * all conform to spec/Timelock.tla when replayed by the harness, with the spec's invariants
 * checked on every matched state. A failure prints the fast-check seed and the
 * `timelock simulate` command that replays the shrunk run.
 */
import { describe, expect, it } from 'vitest';
import { CoverageTally, formatCoverage } from '../../../conformance/replay/coverage.ts';
import { formatReport, validateRun } from '../../../conformance/replay/index.ts';
import { unexpectedlyUntaken } from '../../../conformance/replay/unreachable-arms.ts';
import { simulationStreams } from '../../../cli/pipeline.ts';
import { arbitraryRun, assertForAllRuns } from '../../src/support/arbitrary-runs.ts';

/**
 * Thousands of runs, each short enough (100 to 400 simulated steps) that all of them replay
 * in about a minute on a 2-core machine; `npm run bench:replay` covers long runs.
 */
const RUNS = 2000;

describe('traces of arbitrary fault schedules conform to the spec', () => {
  it(
    `${RUNS} property-test runs, all fault kinds, invariants on every state`,
    { timeout: 900_000 },
    () => {
      let events = 0;
      const actions = new Set<string>();
      const tally = new CoverageTally();
      assertForAllRuns(
        arbitraryRun({ minSteps: 100, maxSteps: 400, trace: true }),
        RUNS,
        (result) => {
          const streams = simulationStreams(result);
          for (const stream of streams) for (const e of stream.events) actions.add(e.event.action);
          const report = validateRun(streams, {
            step: result.config.boundStep,
            servers: result.config.servers,
            ...tally.replayOptions(),
          });
          events += report.events;
          return report.ok ? null : formatReport({ ok: false, runs: [report] });
        },
      );
      expect(events).toBeGreaterThan(RUNS * 20);
      // The runs exercise the protocol, not only elections: requests are served.
      expect(actions).toContain('Serve');
      // ... and every branch of every action, but those no correct run can take.
      const coverage = tally.coverage();
      expect(unexpectedlyUntaken(coverage.neverTakenBranches), formatCoverage(coverage)).toEqual(
        [],
      );
    },
  );
});
