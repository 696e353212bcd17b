import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FaultControl,
  faultControlText,
  readFaultControl,
} from '../../../src/cluster/fault-control.ts';

const dir = mkdtempSync(join(tmpdir(), 'fault-control-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fault control files', () => {
  it('read what the campaign wrote, and no fault when absent or malformed', () => {
    const path = join(dir, 'f.json');
    expect(readFaultControl(path)).toEqual({ diskDelayMs: 0 });
    writeFileSync(path, faultControlText({ diskDelayMs: 120 }));
    expect(readFaultControl(path)).toEqual({ diskDelayMs: 120 });
    writeFileSync(path, '{"diskDelayMs": "slow"}');
    expect(readFaultControl(path)).toEqual({ diskDelayMs: 0 });
    writeFileSync(path, '{"diskDel');
    expect(readFaultControl(path)).toEqual({ diskDelayMs: 0 });
  });

  it('are followed while the server runs', async () => {
    const path = join(dir, 'g.json');
    const control = new FaultControl(path, 10);
    try {
      expect(control.faults.diskDelayMs).toBe(0);
      writeFileSync(path, faultControlText({ diskDelayMs: 40 }));
      const until = performance.now() + 5000;
      while (control.faults.diskDelayMs === 0 && performance.now() < until)
        await new Promise((r) => setTimeout(r, 10));
      expect(control.faults.diskDelayMs).toBe(40);
    } finally {
      control.close();
    }
  });
});
