/**
 * `timelock ts` against a fake cluster on 127.0.0.1 (the real client API handler over a
 * counting backend): it prints a timestamp or a range, as text or JSON, finds the leader
 * through a follower, takes the servers from TIMELOCK_SERVERS, and exits 3 when no server
 * is available and 1 on bad input.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleClientRequest, type ClientBackend } from '../../src/net/client-api.ts';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs `timelock ts ARGS` as the other CLI tests do, through bin/timelock.js (which bundles
 * the sources when they changed: several times faster to start than a TypeScript loader).
 * Asynchronously: the fake servers live in this process and must keep answering meanwhile.
 */
function timelockTs(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // The tests say where the servers are; a TIMELOCK_SERVERS of the caller's must not.
  const inherited = { ...process.env };
  delete inherited.TIMELOCK_SERVERS;
  const child = spawn(process.execPath, [join(root, 'bin', 'timelock.js'), 'ts', ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    timeout: 30_000,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function backend(fresh: ClientBackend['fresh']): ClientBackend {
  return {
    fresh,
    locks: async () => ({ kind: 'unavailable', reason: 'no locks in this test' }),
    leader: () => ({ leader: null }),
    status: () => ({}),
    health: () => ({ ok: true }),
  };
}

describe('timelock ts', () => {
  const servers: Server[] = [];
  let leaderUrl: string;
  let followerUrl: string;
  let deadUrl: string;
  let next = 1;
  let help: Run;

  beforeAll(async () => {
    // Alone first, so that the runs below, made at the same time, find the bundle up to date.
    help = await timelockTs(['--help']);
    const leader = createServer((req, res) =>
      handleClientRequest(
        req,
        res,
        backend(async (_namespace, count) => {
          const lower = next;
          next += count;
          return { kind: 'served', lower, upper: next - 1, server: 1, term: 1 };
        }),
      ),
    );
    servers.push(leader);
    leaderUrl = await listen(leader);
    const follower = createServer((req, res) =>
      handleClientRequest(
        req,
        res,
        backend(async () => ({ kind: 'not-leader', leader: 1, leaderUrl })),
      ),
    );
    servers.push(follower);
    followerUrl = await listen(follower);
    const dead = createServer();
    deadUrl = await listen(dead);
    await new Promise((resolve) => dead.close(resolve));
  });
  afterAll(() =>
    Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() => {}),
  );

  it('prints a range with -n as "lower upper", or as JSON', async () => {
    const [range, json] = await Promise.all([
      timelockTs(['--namespace', 'orders', '-n', '5', '--servers', leaderUrl]),
      timelockTs(['--namespace', 'orders', '-n', '3', '--servers', leaderUrl, '--json']),
    ]);
    expect(range).toMatchObject({ code: 0, err: '' });
    expect(range.out).toMatch(/^\d+ \d+\n$/);
    const [lower, upper] = range.out.trim().split(' ').map(Number);
    expect(upper - lower + 1).toBe(5);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { lower: number; upper: number };
    expect(parsed.upper - parsed.lower + 1).toBe(3);
  });

  it('takes the servers from TIMELOCK_SERVERS, finds the leader, and prints one timestamp', async () => {
    const r = await timelockTs(['--namespace', 'orders'], {
      TIMELOCK_SERVERS: `${deadUrl}, ${followerUrl}`,
    });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^\d+\n$/);
  });

  it('exits 3 when no server hands out timestamps in time, saying why per server', async () => {
    const r = await timelockTs([
      '--namespace',
      'orders',
      '--servers',
      deadUrl,
      '--timeout-ms',
      '300',
    ]);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toContain('no Timelock server handed out timestamps for namespace "orders"');
    expect(r.err).toContain(`${deadUrl}: connection failed`);
  });

  it('exits 1 on a bad namespace or without servers, and documents the exit codes', async () => {
    const [namespace, none] = await Promise.all([
      timelockTs(['--namespace', 'no spaces', '--servers', leaderUrl]),
      timelockTs(['--namespace', 'orders']),
    ]);
    expect(namespace.code).toBe(1);
    expect(namespace.err).toMatch(/namespace must match/);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no servers; give --servers URL,URL,... or set TIMELOCK_SERVERS/);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/3 when no server handed out\s+timestamps within --timeout-ms/);
  });
});
