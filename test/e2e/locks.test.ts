/**
 * End to end, locks: three real `timelock serve` processes on 127.0.0.1, and callers that
 * increment a counter kept outside the cluster (a SQLite row) under a lock, while the leader is
 * killed with SIGKILL and restarted and a follower is paused with SIGSTOP. The row checks
 * fencing tokens: a read or a write carrying a token lower than one it has seen is refused.
 * Each increment is a read, then a write of the value read plus one: an update is lost exactly
 * when a write lands after another write its writer did not read. At the end the counter equals
 * the number of increments whose caller saw its write accepted, no accepted write carried a
 * token below one seen before it, and every server's trace is a run of the spec. The cluster is
 * stopped in `afterAll`, also when a check failed; the whole test is bounded in time.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { formatReport, validateTraces } from '../../conformance/replay/index.ts';
import { TimelockClient } from '../../src/client/timelock-client.ts';
import type { ServerId } from '../../src/paxos/types.ts';
import { tracedCluster } from './support/traced-cluster.ts';

const CLIENTS = 3;
const CALLERS_PER_CLIENT = 3;
const NAMESPACE = 'accounts';
const DESCRIPTOR = 'counter-row';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The guarded resource: one row holding the counter, the highest fencing token it has seen,
 * and how many writes it accepted. Reads and writes are single SQL statements, so each checks
 * and raises the token atomically.
 */
class FencedCounter {
  private readonly db: Database.Database;
  private readonly readStmt: Database.Statement;
  private readonly writeStmt: Database.Statement;
  /** Tokens of the writes the row accepted, in the order it accepted them. */
  readonly acceptedTokens: number[] = [];
  fencedOff = 0;
  lostUpdates = 0;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.exec(
      'CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER, version INTEGER, fence INTEGER)',
    );
    this.db.exec('INSERT INTO counter VALUES (1, 0, 0, 0)');
    this.readStmt = this.db.prepare(
      'UPDATE counter SET fence = ? WHERE id = 1 AND fence <= ? RETURNING value, version',
    );
    this.writeStmt = this.db.prepare(
      'UPDATE counter SET value = ?, version = version + 1, fence = ? WHERE id = 1 AND fence <= ? RETURNING version',
    );
  }

  /** A fenced read: the value and its version, or null when a higher token was seen. */
  read(token: number): { value: number; version: number } | null {
    const row = this.readStmt.get(token, token) as { value: number; version: number } | undefined;
    if (row === undefined) this.fencedOff++;
    return row ?? null;
  }

  /** A fenced write of what `read` saw plus one; whether the row accepted it. */
  increment(token: number, read: { value: number; version: number }): boolean {
    const row = this.writeStmt.get(read.value + 1, token, token) as { version: number } | undefined;
    if (row === undefined) {
      this.fencedOff++;
      return false;
    }
    if (row.version !== read.version + 1) this.lostUpdates++;
    this.acceptedTokens.push(token);
    return true;
  }

  get value(): number {
    return (this.db.prepare('SELECT value FROM counter WHERE id = 1').get() as { value: number })
      .value;
  }

  close(): void {
    this.db.close();
  }
}

describe('locks on a real three-server cluster under kill -9 and SIGSTOP', () => {
  const fixture = tracedCluster('timelock-e2e-locks-');
  const serverLog = fixture.serverLog;

  it('loses no update through failures, and every trace conforms to the spec', async () => {
    const c = fixture.cluster();
    const dir = fixture.dir();
    const servers = [...c.urls.values()];
    const counter = new FencedCounter(join(dir, 'counter.sqlite'));
    const clients = Array.from(
      { length: CLIENTS },
      () => new TimelockClient({ servers, requestTimeoutMs: 500, deadlineMs: 5000 }),
    );
    let succeeded = 0;
    let locked = 0;
    let lost = 0;
    /** When the long hold under way began, if one is. */
    let longHold: number | null = null;
    let running = true;
    const callers = clients.flatMap((client, ci) =>
      Array.from({ length: CALLERS_PER_CLIENT }, async (_, k) => {
        // A stubborn caller writes even after its lock's signal fired: only fencing stops it.
        const stubborn = (ci + k) % 3 === 0;
        for (let i = 0; running && i < 100_000; i++) {
          let handle;
          try {
            handle = await client.lock(NAMESPACE, [DESCRIPTOR], {
              acquireTimeoutMs: 2000,
              leaseMs: 600,
            });
          } catch {
            await sleep(20);
            continue;
          }
          locked++;
          const long = i % 5 === 0;
          try {
            const read = counter.read(handle.fencingToken);
            // Now and then work under the lock longer than a failover takes, so that failures
            // land in the middle of it (the handle refreshes the lease meanwhile).
            if (long) longHold = performance.now();
            await sleep(long ? 1200 : 5);
            if (read === null || (handle.signal.aborted && !stubborn)) {
              lost++;
              continue;
            }
            if (counter.increment(handle.fencingToken, read)) succeeded++;
          } finally {
            if (long) longHold = null;
            await handle.release();
          }
        }
      }),
    );

    const succeededSince = async (before: number, what: string) => {
      const until = performance.now() + 15_000;
      while (succeeded < before + 10) {
        if (performance.now() > until) throw new Error(`no increments ${what} within 15 s`);
        await sleep(50);
      }
    };
    try {
      await succeededSince(0, 'at start');
      const leader = (await c.leader()) as ServerId;
      expect(leader).not.toBeNull();
      // Kill the leader just after a long hold began, so that it ends in the middle of one.
      const until = performance.now() + 15_000;
      while (!(longHold !== null && performance.now() - longHold < 100)) {
        if (performance.now() > until) throw new Error('no long hold began within 15 s');
        await sleep(5);
      }
      await c.kill(leader);
      await succeededSince(succeeded, 'after the leader was killed');
      await c.startServer(leader);
      await sleep(500);
      const newLeader = await c.leader();
      const follower = [...c.urls.keys()].find((id) => id !== newLeader)!;
      c.pause(follower);
      await succeededSince(succeeded, 'with a follower paused');
      await sleep(500);
      c.resume(follower);
      await succeededSince(succeeded, 'after the follower resumed');
    } finally {
      running = false;
      await Promise.all(callers);
      for (const client of clients) client.close();
    }

    expect(counter.lostUpdates).toBe(0);
    // The hold the kill interrupted ended either by its signal or, for a stubborn caller that
    // wrote anyway, at the row: its successor's read had raised the token.
    expect(lost + counter.fencedOff).toBeGreaterThan(0);
    expect(counter.value).toBe(succeeded);
    for (let i = 1; i < counter.acceptedTokens.length; i++)
      expect(counter.acceptedTokens[i]).toBeGreaterThanOrEqual(counter.acceptedTokens[i - 1]);
    expect(succeeded).toBeGreaterThan(40);
    expect(locked).toBeGreaterThanOrEqual(succeeded + lost);
    counter.close();

    await c.stop();
    const report = validateTraces(c.tracePaths);
    expect(report.ok, formatReport(report) + '\n' + serverLog.slice(-20).join('\n')).toBe(true);
    const events = report.runs.reduce((n, r) => n + r.events, 0);
    expect(events).toBeGreaterThan(4 * succeeded);
  }, 300_000);
});
