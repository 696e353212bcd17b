import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTracesWithCoverage } from '../../../conformance/replay/coverage.ts';
import { TraceInputError } from '../../../conformance/replay/index.ts';
import { validateInParallel } from '../../../conformance/replay/parallel.ts';
import { writeTraces } from '../../../src/trace/ndjson.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { TEST_STEP, copyRun, firstEvent, simulatedRun } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes per-server events as a run folder. */
function runFolder(name: string, perServer: readonly (readonly TraceEvent[])[]): string {
  const folder = join(dir, name);
  writeTraces(
    folder,
    perServer.map((events) => events.map((e) => JSON.stringify(e))),
  );
  return folder;
}

describe('validate --workers: runs on worker threads', () => {
  const good = [1, 2, 3].map((seed) => runFolder(`seed-${seed}`, simulatedRun(seed, 300)));
  const broken = copyRun(simulatedRun(4, 300));
  const accept = firstEvent(broken, (e) => e.action === 'Accept');
  (accept.event.params as unknown as { b: number[] }).b = [99, 1];
  const bad = runFolder('broken', broken);
  const folders = [good[0], bad, good[1], good[2]];

  it('reports each run as the replay in this thread does, in the order of the runs', async () => {
    const sequential = validateTracesWithCoverage(folders, { step: TEST_STEP });
    const parallel = await validateInParallel(
      folders.map((f) => ['server-1', 'server-2', 'server-3'].map((s) => join(f, `${s}.ndjson`))),
      { step: TEST_STEP },
      2,
      true,
    );
    expect(parallel.report.ok).toBe(false);
    const strip = (r: (typeof parallel.report.runs)[number]) => ({ ...r, elapsedMs: 0 });
    expect(parallel.report.runs.map(strip)).toEqual(sequential.report.runs.map(strip));
    expect(parallel.coverage).toEqual(sequential.coverage);
  });

  it('names the file and line of input it cannot read, as in this thread', async () => {
    await expect(
      validateInParallel([[join(dir, 'missing.ndjson')]], { step: TEST_STEP }, 2),
    ).rejects.toThrow(TraceInputError);
  });
});
