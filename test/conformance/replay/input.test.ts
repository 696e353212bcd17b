import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceInputError, validateTraces } from '../../../conformance/replay/index.ts';
import { writeTraces } from '../../../src/trace/ndjson.ts';
import { TEST_STEP, simulatedRun } from './support.ts';

describe('validateTraces reads folders and files, and names bad input by file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const run = simulatedRun(3, 200);
  const files = writeTraces(
    join(dir, 'run'),
    run.map((events) => events.map((e) => JSON.stringify(e))),
  );

  it('a folder of server-N.ndjson files is one run, and so are the files named directly', () => {
    const report = validateTraces([join(dir, 'run'), ...files], { step: TEST_STEP });
    expect(report.ok).toBe(true);
    expect(report.runs).toHaveLength(2);
    expect(report.runs[0].files).toEqual(files);
    expect(report.runs[0].events).toBe(run.flat().length);
    expect(report.runs[1].matched).toBe(report.runs[0].matched);
  });

  it('a missing path', () => {
    expect(() => validateTraces([join(dir, 'nothing-here')])).toThrow(
      new TraceInputError(`${join(dir, 'nothing-here')}: no such file or folder`),
    );
  });

  it('a line that is not JSON, and one that is not a trace event', () => {
    const notJson = join(dir, 'not-json.ndjson');
    writeFileSync(notJson, `${JSON.stringify(run[0][0])}\n{oops\n`);
    expect(() => validateTraces([notJson])).toThrow(/not-json\.ndjson:2: not JSON/);
    const notEvent = join(dir, 'not-event.ndjson');
    writeFileSync(notEvent, `\n${JSON.stringify({ ...run[0][0], clock: 'soon' })}\n`);
    expect(() => validateTraces([notEvent])).toThrow(/not-event\.ndjson:2: not a trace event/);
  });
});
