/**
 * End to end: three real `timelock serve` processes on 127.0.0.1, concurrent callers through
 * `TimelockClient`, the leader killed with SIGKILL and restarted, a follower paused with SIGSTOP
 * and resumed. Every answered call goes into a history that must be linearizable (no timestamp
 * twice, each caller's increasing, real-time order), and every server's trace must be a run of
 * the spec. The cluster is stopped in `afterAll`, also when a check failed; the whole test is
 * bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { checkTimestampHistory, type TimestampOperation } from '../../conformance/history/index.ts';
import { formatReport, validateTraces } from '../../conformance/replay/index.ts';
import { TimelockClient } from '../../src/client/timelock-client.ts';
import type { ServerId } from '../../src/paxos/types.ts';
import { tracedCluster } from './support/traced-cluster.ts';

const root = join(import.meta.dirname, '..', '..');
const NAMESPACES = ['alpha', 'beta'];
const CLIENTS = 3;
const CALLERS_PER_CLIENT = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a real three-server cluster under kill -9 and SIGSTOP', () => {
  const fixture = tracedCluster('timelock-e2e-');
  const serverLog = fixture.serverLog;

  it('answers linearizably through failures, and every trace conforms to the spec', async () => {
    const c = fixture.cluster();
    const servers = [...c.urls.values()];
    const clients = Array.from(
      { length: CLIENTS },
      () => new TimelockClient({ servers, requestTimeoutMs: 500, deadlineMs: 5000 }),
    );
    const history: TimestampOperation[] = [];
    let running = true;
    const callers = clients.flatMap((client, ci) =>
      Array.from({ length: CALLERS_PER_CLIENT }, async (_, k) => {
        const caller = `client${ci}-caller${k}`;
        for (let i = 0; running && i < 100_000; i++) {
          const namespace = NAMESPACES[(ci + k + i) % NAMESPACES.length];
          const n = i % 5 === 0 ? 1 + ((ci * 7 + k * 3 + i) % 50) : 1;
          const invokedAt = performance.now();
          try {
            const range =
              n === 1
                ? await client.freshTimestamp(namespace).then((t) => ({ lower: t, upper: t }))
                : await client.freshTimestamps(namespace, n);
            history.push({
              caller,
              namespace,
              invokedAt,
              completedAt: performance.now(),
              outcome: { kind: 'ok', ...range },
            });
          } catch (e) {
            history.push({
              caller,
              namespace,
              invokedAt,
              completedAt: performance.now(),
              outcome: { kind: 'failed', error: (e as Error).message },
            });
          }
        }
      }),
    );

    const answeredSince = (t: number) =>
      history.filter((op) => op.outcome.kind === 'ok' && op.invokedAt >= t).length;
    const waitForAnswers = async (since: number, what: string) => {
      const until = performance.now() + 10_000;
      while (answeredSince(since) < 20) {
        if (performance.now() > until) throw new Error(`no answers ${what} within 10 s`);
        await sleep(50);
      }
    };
    try {
      await waitForAnswers(0, 'at start');
      const leader = (await c.leader()) as ServerId;
      expect(leader).not.toBeNull();
      await c.kill(leader);
      const killedAt = performance.now();
      await waitForAnswers(killedAt, 'after the leader was killed');
      await c.startServer(leader);
      await sleep(500);
      const newLeader = await c.leader();
      const follower = [...c.urls.keys()].find((id) => id !== newLeader)!;
      c.pause(follower);
      const pausedAt = performance.now();
      await waitForAnswers(pausedAt, 'with a follower paused');
      await sleep(500);
      c.resume(follower);
      await waitForAnswers(performance.now(), 'after the follower resumed');
    } finally {
      running = false;
      await Promise.all(callers);
      for (const client of clients) client.close();
    }

    const verdict = checkTimestampHistory(history);
    expect(verdict.violations.map((v) => v.message)).toEqual([]);
    expect(verdict.stats.ok).toBeGreaterThan(80);

    await c.stop();
    const report = validateTraces(c.tracePaths);
    expect(report.ok, formatReport(report) + '\n' + serverLog.slice(-20).join('\n')).toBe(true);
    const events = report.runs.reduce((n, r) => n + r.events, 0);
    expect(events).toBeGreaterThan(100);

    // The same traces through real TLC, when there is one: both engines must say they conform.
    if (process.env.TLA2TOOLS_JAR) {
      const both = spawnSync(
        process.execPath,
        [join(root, 'bin', 'timelock.js'), 'validate', '--engine', 'both', ...c.tracePaths],
        { encoding: 'utf8', timeout: 300_000 },
      );
      expect(both.status, both.stdout + both.stderr).toBe(0);
      expect(both.stdout).toMatch(/AGREE/);
    } else {
      console.warn('e2e: TLA2TOOLS_JAR is not set, so the traces were not also checked by TLC');
    }
  }, 420_000);
});
