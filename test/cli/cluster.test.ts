/**
 * `timelock cluster up`: starts the servers, prints their endpoints and a status line, forwards
 * their logs with a prefix, serves timestamps, and on SIGTERM stops every server it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves when the output so far matches `pattern`; rejects after `ms`. */
function waitFor(output: () => string, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = pattern.exec(output());
      if (m) {
        clearInterval(poll);
        resolve(m);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} within ${ms} ms; output:\n${output()}`));
      }
    }, 50);
  });
}

describe('timelock cluster up', () => {
  it('runs three servers that serve timestamps, and stops them all on SIGTERM', async () => {
    let out = '';
    child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'timelock.js'),
        'cluster',
        'up',
        '--servers',
        '3',
        '--dir',
        dir,
        '--status-every',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));

    await waitFor(() => out, /cluster of 3 up/, 60_000);
    const urls = [...out.matchAll(/server \d: (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    const [, leader] = await waitFor(() => out, /status \S+ +leader (\d)/, 20_000);
    expect(out).toMatch(/\[s\d\] .*listening/);

    const res = await fetch(`${urls[Number(leader) - 1]}/ts/demo/fresh-timestamp`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ lower: expect.any(Number) });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped/);
    for (const url of urls) await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 120_000);
});
