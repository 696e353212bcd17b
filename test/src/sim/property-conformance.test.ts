import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { TRACE_EVENT_SCHEMA } from '../../../src/trace/schema.ts';
import { validate } from '../../../src/trace/validate.ts';
import { arbitraryRun, assertForAllRuns } from '../support/arbitrary-runs.ts';
import { SpecReplay } from '../support/spec-replay.ts';

/** Every event matches the schema, and the merged traces replay step by step on the spec. */
function conformsToSpec(r: {
  config: { servers: number; boundStep: number };
  traces: ReadonlyArray<readonly string[]> | null;
}): string | null {
  const traces = r.traces!.map((lines) => lines.map((l) => JSON.parse(l) as TraceEvent));
  for (const event of traces.flat()) {
    const errors = validate(TRACE_EVENT_SCHEMA, event);
    if (errors.length > 0)
      return `schema: ${JSON.stringify(errors[0])} in ${JSON.stringify(event)}`;
  }
  try {
    new SpecReplay(r.config.servers, r.config.boundStep).replayAll(traces);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('traces follow the spec step for step on arbitrary fault schedules', () => {
  it(
    'every event is a spec action whose guard held and whose effect is what was logged',
    { timeout: 120_000 },
    () => {
      assertForAllRuns(
        arbitraryRun({ maxSteps: 2000, trace: true, batch: fc.constantFrom(1, 1, 1, 4) }),
        150,
        conformsToSpec,
      );
    },
  );
});
