/**
 * A three-server cluster with traces for an end-to-end test: started before its tests, stopped
 * after them (also when one failed), its folder removed, and the servers' output kept for the
 * failure messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LocalCluster } from '../../../src/cluster/local-cluster.ts';

/** Registers the hooks; the returned object is filled in once `beforeAll` ran. */
export function tracedCluster(prefix: string): {
  readonly cluster: () => LocalCluster;
  readonly dir: () => string;
  readonly serverLog: string[];
} {
  let dir: string | undefined;
  let cluster: LocalCluster | undefined;
  const serverLog: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    cluster = await LocalCluster.start({
      servers: 3,
      dir,
      trace: true,
      logLevel: 'warn',
      boundStep: 1000,
      onLine: (id, line) => serverLog.push(`[s${id}] ${line}`),
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);
  return { cluster: () => cluster!, dir: () => dir!, serverLog };
}
