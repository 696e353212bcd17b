/**
 * `timelock lock` against fake servers on 127.0.0.1 (test/src/client/fake-lock-server.ts): it
 * prints the grant as text or JSON, refreshes while it holds, releases at the end of --hold or
 * on SIGTERM, finds the leader through a follower, and exits 4 when not granted, 5 when the
 * lock is lost, 3 when no server answers and 1 on bad input.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllServers,
  deadServerUrl,
  FakeLeader,
  fakeServer,
  follower,
} from '../src/client/fake-lock-server.ts';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

const children: ChildProcessWithoutNullStreams[] = [];

/** Starts `timelock lock ARGS` through bin/timelock.js, as the other CLI tests do. */
function start(args: string[], env: Record<string, string> = {}) {
  const inherited = { ...process.env };
  delete inherited.TIMELOCK_SERVERS;
  const child = spawn(process.execPath, [join(root, 'bin', 'timelock.js'), 'lock', ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    timeout: 30_000,
  });
  children.push(child);
  const run: Run = { code: null, out: '', err: '' };
  child.stdout.on('data', (chunk: Buffer) => (run.out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (run.err += chunk.toString('utf8')));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ ...run, code })),
  );
  return { child, run, done };
}

const timelockLock = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

/** Waits until `condition` holds, polling, for at most `ms`. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Has `leader` hold `descriptor` for some other client, for longer than any test runs. */
function holdForAnother(leader: FakeLeader, descriptor: string): void {
  leader.locks.set('0'.repeat(32), {
    descriptors: [descriptor],
    leaseMs: 60_000,
    leaseUntil: performance.now() + 60_000,
  });
}

describe('timelock lock', () => {
  let help: Run;

  beforeAll(async () => {
    // Alone first, so that the runs below find the bundle up to date.
    help = await timelockLock(['--help']);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await closeAllServers();
  });
  afterAll(() => closeAllServers());

  it('prints the grant as JSON, refreshes while holding, and releases after --hold', async () => {
    const leader = await FakeLeader.start(2, 5);
    const r = await timelockLock([
      '--namespace',
      'orders',
      '--descriptor',
      'row-1',
      '--descriptor',
      'row 2',
      '--hold',
      '1200ms',
      '--lease',
      '600ms',
      '--servers',
      leader.url,
      '--json',
    ]);
    expect(r).toMatchObject({ code: 0, err: '' });
    const [grant, end] = r.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(grant).toMatchObject({
      granted: true,
      namespace: 'orders',
      descriptors: ['row-1', 'row 2'],
      fencingToken: 1,
      term: 5,
      leaseMs: 600,
      server: leader.url,
    });
    const { lockId } = grant as { lockId: string };
    expect(lockId).toMatch(/^[0-9a-f]{32}$/);
    expect(end).toMatchObject({ released: true });
    expect(leader.requests('refresh').length).toBeGreaterThanOrEqual(3);
    expect(leader.requests('unlock').map((u) => u.body)).toEqual([{ lockIds: [lockId] }]);
  });

  it('takes the servers from TIMELOCK_SERVERS, finds the leader, prints text, releases on SIGTERM', async () => {
    const leader = await FakeLeader.start();
    const notLeader = await fakeServer(follower(leader.url));
    const { child, run, done } = start(['--namespace', 'orders', '--descriptor', 'a'], {
      TIMELOCK_SERVERS: notLeader.url,
    });
    await until(() => run.out.includes('term'), 10_000);
    expect(run.out).toMatch(/^lock id +[0-9a-f]{32}\nfencing token +1\nterm +3\n$/);
    expect(leader.locks.size).toBe(1);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/holding until Ctrl-C or SIGTERM/);
    expect(r.err).toMatch(/released after \d+ ms \(SIGTERM\)/);
    expect(leader.locks.size).toBe(0);
  });

  it('exits 4 when the descriptor stays held for --acquire-timeout', async () => {
    const leader = await FakeLeader.start();
    holdForAnother(leader, 'a');
    const r = await timelockLock([
      '--namespace',
      'orders',
      '--descriptor',
      'a',
      '--acquire-timeout',
      '100ms',
      '--servers',
      leader.url,
    ]);
    expect(r.code).toBe(4);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/the lock on "a" in namespace "orders" was not granted within 100 ms/);
  });

  it('exits 130 on Ctrl-C while waiting for the lock, dropping the wait', async () => {
    const leader = await FakeLeader.start();
    holdForAnother(leader, 'a');
    const { child, done } = start(['--namespace', 'orders', '--descriptor', 'a'], {
      TIMELOCK_SERVERS: leader.url,
    });
    await until(() => leader.requests('lock').length === 1, 10_000);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/interrupted \(SIGINT\) before the lock was granted/);
  });

  it('exits 5 at once when the lock is lost while held', async () => {
    const leader = await FakeLeader.start();
    const { run, done } = start([
      '--namespace',
      'orders',
      '--descriptor',
      'a',
      '--lease',
      '600ms',
      '--hold',
      '20s',
      '--servers',
      leader.url,
      '--json',
    ]);
    await until(() => leader.locks.size === 1 && run.out !== '', 10_000);
    leader.locks.clear();
    const r = await done;
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/lost: .* no longer holds it/);
    const end = JSON.parse(r.out.trim().split('\n')[1]) as { lost: boolean; heldMs: number };
    expect(end.lost).toBe(true);
    expect(end.heldMs).toBeLessThan(5000);
  });

  it('exits 3 when no server answers, and 1 on bad input, documenting the exit codes', async () => {
    const dead = await deadServerUrl();
    const [unavailable, badLease, none, badDescriptor] = await Promise.all([
      timelockLock([
        '--namespace',
        'orders',
        '--descriptor',
        'a',
        '--servers',
        dead,
        '--acquire-timeout',
        '0',
        '--timeout',
        '300ms',
      ]),
      timelockLock(['--namespace', 'orders', '--descriptor', 'a', '--lease', '5ms']),
      timelockLock(['--namespace', 'orders', '--descriptor', 'a']),
      timelockLock(['--namespace', 'orders', '--descriptor', 'tab\t', '--servers', dead]),
    ]);
    expect(unavailable.code).toBe(3);
    expect(unavailable.err).toMatch(
      /no Timelock server answered the lock request for namespace "orders" within 300 ms/,
    );
    expect(badLease.code).toBe(1);
    expect(badLease.err).toMatch(/--lease must be from 100 ms to 60000 ms, not 5 ms/);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no servers; give --servers URL,URL,... or set TIMELOCK_SERVERS/);
    expect(badDescriptor.code).toBe(1);
    expect(badDescriptor.err).toMatch(/printable ASCII/);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/4 when others held a descriptor for all of --acquire-timeout/);
    expect(help.out).toMatch(/Examples:/);
  });
});
