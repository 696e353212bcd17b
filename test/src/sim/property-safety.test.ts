import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arbitraryRun, assertForAllRuns } from '../support/arbitrary-runs.ts';

const verdict = (r: { violation: { property: string; message: string } | null }) =>
  r.violation === null ? null : `${r.violation.property}: ${r.violation.message}`;

describe('the checker holds on arbitrary fault schedules and seeds', () => {
  it('single timestamps, every fault kind', { timeout: 120_000 }, () => {
    assertForAllRuns(arbitraryRun({ maxSteps: 6000 }), 2000, verdict);
  });

  it('batches of timestamps, every fault kind', { timeout: 120_000 }, () => {
    assertForAllRuns(
      arbitraryRun({ maxSteps: 6000, batch: fc.integer({ min: 1, max: 50 }) }),
      1000,
      verdict,
    );
  });
});
