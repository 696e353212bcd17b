/**
 * Traces of the simulator's property-test runs (random seeds, clusters of 1 to 5 servers,
 * every fault kind at random rates plus a random schedule of crashes and partitions, batch 1)
 * all conform to spec/Timelock.tla when replayed by the harness. A failure prints the
 * fast-check seed and the `timelock simulate` command that replays the shrunk run.
 */
import { describe, expect, it } from 'vitest';
import { formatReport, validateRun } from '../../../conformance/replay/index.ts';
import { simulationStreams } from '../../../src/cli/pipeline.ts';
import { arbitraryRun, assertForAllRuns } from '../../src/support/arbitrary-runs.ts';

/**
 * As many runs as replay in about a minute on a 2-core machine (the simulator's own property
 * tests run thousands more through their step-by-step replica of the spec).
 */
const RUNS = 30;

describe('traces of arbitrary fault schedules conform to the spec', () => {
  it(`${RUNS} property-test runs, all fault kinds`, { timeout: 600_000 }, () => {
    let events = 0;
    assertForAllRuns(arbitraryRun({ maxSteps: 1000, trace: true }), RUNS, (result) => {
      const report = validateRun(simulationStreams(result), {
        step: result.config.boundStep,
        servers: result.config.servers,
        // Safety on every 50th matched state (and the last): on every one it would cost several
        // times the replay itself, and leave room for only a fraction of the runs.
        invariantEvery: 50,
      });
      events += report.events;
      return report.ok ? null : formatReport({ ok: false, runs: [report] });
    });
    expect(events).toBeGreaterThan(RUNS * 50);
  });
});
