/**
 * Runs the `timelock` command as users do (the bin, in a child process) on the stream
 * fixtures, from the repository root so that the paths it prints are stable.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..', '..');
export const streamFixtures = 'test/conformance/tla/fixtures/stream';

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export function timelock(args: string[]): CliRun {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `timelock check <fixture>.tla` with the cfg next to it, plus `extra` flags. */
export function checkFixture(name: string, extra: string[] = []): CliRun {
  return timelock(['check', `${streamFixtures}/${name}.tla`, ...extra]);
}
