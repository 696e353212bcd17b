/**
 * One real server in this process (a cluster of one, on 127.0.0.1, port 0): it serves
 * timestamps, counts what it did in its Prometheus metrics, refuses an unsigned peer message
 * without changing state, and after a stop and a boot on the same data folder continues the
 * same trace, which the conformance harness accepts as one run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { validateTraces, formatReport } from '../../../conformance/replay/index.ts';
import { TimelockNode } from '../../../src/cluster/timelock-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'timelock-node-'));
const running: TimelockNode[] = [];
afterEach(async () => {
  for (const node of running.splice(0)) await node.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<TimelockNode> {
  const node = await TimelockNode.start({
    self: 1,
    servers: new Map([[1, 'http://127.0.0.1:1']]),
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    secret: Buffer.from('a secret of at least sixteen bytes'),
    tracePath: join(dir, 'server-1.ndjson'),
    boundStep: 10,
  });
  running.push(node);
  return node;
}

async function fresh(node: TimelockNode, n: number): Promise<{ lower: number; upper: number }> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${node.url}/ts/ns/fresh-timestamps`, {
      method: 'POST',
      body: JSON.stringify({ n }),
    });
    if (res.status === 200) return (await res.json()) as { lower: number; upper: number };
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 25)); // not elected yet
  }
  throw new Error('the server did not serve within 5 s');
}

const metric = (text: string, name: string) =>
  Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);

describe('TimelockNode', () => {
  it('serves, counts, refuses forged peer messages, and keeps one trace across a restart', async () => {
    const first = await start();
    const a = await fresh(first, 7);
    const b = await fresh(first, 7);
    expect(b.lower).toBeGreaterThan(a.upper);

    const forged = await fetch(`${first.url}/peer`, { method: 'POST', body: '{}' });
    expect(forged.status).toBe(401);
    await forged.arrayBuffer();

    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(
      metric(metrics, 'timelock_client_requests_total{endpoint="fresh-timestamps",outcome="200"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(metric(metrics, 'timelock_timestamps_served_total')).toBe(
      a.upper - a.lower + 1 + (b.upper - b.lower + 1),
    );
    expect(metric(metrics, 'timelock_leadership_changes_total')).toBe(1);
    expect(metric(metrics, 'timelock_bound_extensions_total')).toBeGreaterThanOrEqual(1);
    expect(metric(metrics, 'timelock_peer_messages_refused_total{reason="missing-headers"}')).toBe(
      1,
    );
    await first.stop();
    running.length = 0;

    const second = await start();
    const c = await fresh(second, 3);
    expect(c.lower).toBeGreaterThan(b.upper);
    // It learned its own leadership again from disk: no new term, no leadership change.
    const after = await (await fetch(`${second.url}/metrics`)).text();
    expect(metric(after, 'timelock_leadership_changes_total')).toBe(0);
    await second.stop();
    running.length = 0;

    const trace = readFileSync(join(dir, 'server-1.ndjson'), 'utf8');
    expect(trace.match(/"trace":"timelock"/g)).toHaveLength(1);
    expect(trace).toMatch(/"action":"Restart"/);
    const report = validateTraces([join(dir, 'server-1.ndjson')]);
    expect(report.ok, formatReport(report)).toBe(true);
  }, 60_000);
});
