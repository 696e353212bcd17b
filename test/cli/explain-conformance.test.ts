/**
 * A conformance failure saved by `timelock validate --json` is a trace `timelock explain` reads:
 * the report carries the spec, the replay model's cfg and the states before the failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  copyRun,
  mislabelFirstLeaderPromise,
  simulatedRun,
} from '../conformance/replay/support.ts';

const root = join(import.meta.dirname, '..', '..');

function timelock(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('timelock explain on a conformance failure', () => {
  it('evaluates expressions over the states before the rejected event', () => {
    const run = copyRun(simulatedRun(2, 300));
    mislabelFirstLeaderPromise(run);
    const dir = mkdtempSync(join(tmpdir(), 'explain-conformance-'));
    const files = run.map((events, i) => {
      const file = join(dir, `server-${i + 1}.ndjson`);
      writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      return file;
    });

    const validated = timelock(['validate', '--json', '--step', '3', ...files]);
    expect(validated.code).toBe(1);
    const report = JSON.parse(validated.out) as {
      runs: Array<{
        failure: { trace: Array<{ action: string }>; lastMatched: { action: string } };
      }>;
    };
    const trace = report.runs[0].failure.trace;
    const saved = join(dir, 'failure.json');
    writeFileSync(saved, validated.out);

    const explained = timelock(['explain', saved, '--json', '--eval', 'Cardinality(msgs)']);
    expect(explained.err).toBe('');
    expect(explained.code).toBe(0);
    const states = explained.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { index: number; action: string; results: unknown[] });
    expect(states.map((s) => s.index)).toEqual(trace.map((_, i) => i + 1));
    expect(states.at(-1)!.action).toBe(report.runs[0].failure.lastMatched.action);
  });
});
