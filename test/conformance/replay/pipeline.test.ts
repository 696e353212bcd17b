import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PIPELINE,
  formatPipelineSummary,
  runPipeline,
  type PipelineOptions,
} from '../../../cli/pipeline.ts';
import { servesWithoutFreshCheck } from '../../src/support/bug-doubles.ts';

/** A small pipeline: no model check (its own tests cover it), three short seeds. */
const small: PipelineOptions = {
  ...DEFAULT_PIPELINE,
  cfgFile: null,
  seeds: 3,
  simulation: { ...DEFAULT_PIPELINE.simulation, steps: 300 },
};

describe('timelock pipeline', () => {
  it('passes on the correct implementation, with one progress line per seed', () => {
    const progress: string[] = [];
    const summary = runPipeline(small, (line) => progress.push(line));
    expect(summary.ok).toBe(true);
    expect(summary.runs).toBe(3);
    expect(summary.eventsConforming).toBe(summary.events);
    expect(summary.coverage.events).toBe(summary.events);
    expect(progress.filter((line) => /^ {2}seed \d/.test(line))).toHaveLength(3);
    const text = formatPipelineSummary(summary);
    expect(text).toContain('model check    skipped');
    expect(text).toContain('(Safety checked on every matched state)');
    expect(text).toMatch(/verdict {8}PASS/);
  });

  it('fails, naming the seed and how to replay it, when a run does not conform', () => {
    const summary = runPipeline(
      {
        ...small,
        seeds: 1,
        simulation: {
          ...small.simulation,
          steps: 1000,
          clients: 4,
          boundStep: 1000,
          faults: { ...small.simulation.faults, loss: 0, dup: 0, delay: 0, crash: 0 },
          rules: servesWithoutFreshCheck,
        },
      },
      () => {},
    );
    expect(summary.ok).toBe(false);
    expect(summary.failures).toHaveLength(1);
    // A stale check is caught at the first step that relies on it: a Serve or a LockGrant.
    expect(summary.failures[0].reason).toMatch(
      /(Serve\(.*k > req\[c\]\[s\]|LockGrant\(.*k > locks\[s\]\[c\]\[h\])\.after/,
    );
    expect(summary.failures[0].replay).toMatch(/^timelock simulate --seed 1 /);
    expect(formatPipelineSummary(summary)).toMatch(/verdict {8}FAIL/);
  });
});
