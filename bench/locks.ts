/**
 * `npm run bench:locks`: lock+unlock pairs per second, and their latency, on a real local
 * cluster of three `timelock serve` processes, driven through the client library
 * (TimelockClient.lock, then LockHandle.release), side by side with the same load on etcd's
 * lock API when an `etcd` binary is on PATH.
 *
 * Four loads, each for --duration seconds after a short warm-up: uncontended (every client its
 * own descriptor) and contended (all clients one descriptor), at 1 and 16 concurrent clients,
 * each client a closed loop of lock, unlock, lock, ... etcd gets the same loop through its
 * v3 HTTP/JSON gateway: a lease per client from /v3/lease/grant, then /v3/lock/lock with it
 * and /v3/lock/unlock with the key it answered.
 *
 *   npm run bench:locks -- [--duration 3] [--json] [--skip-etcd] [--help]
 *
 * Progress goes to stderr, the table to stdout. The whole run is bounded in time, and every
 * process started is stopped (and its data folder removed) at the end, on failure, on Ctrl-C
 * and when the time bound passes.
 */
import { parseArgs } from 'node:util';
import type { LocalCluster } from '../src/cluster/local-cluster.ts';
import { TimelockClient, type LockHandle } from '../src/client/timelock-client.ts';
import type { ServerId } from '../src/paxos/types.ts';
import { base64, compareWithEtcd, type EtcdComparison } from './etcd.ts';
import { int, machineLines, ms, percentiles, printReport, table } from './support/figures.ts';
import type { MachineFacts } from './support/figures.ts';
import {
  benchOptions,
  BenchRun,
  benchSettings,
  CLUSTER_SERVERS,
  sleep,
  waitForStableLeader,
  type BenchSettings,
} from './support/run.ts';

const HELP = `npm run bench:locks -- [options]

Lock+unlock pairs per second and their p50/p99 latency on a fresh local 3-server cluster,
uncontended and contended, at 1 and 16 clients; the same on etcd's lock API, side by side.

  --duration S   seconds measured per load, after a warm-up (default 3)
  --json         print the results as one JSON object instead of a table
  --skip-etcd    do not run the etcd comparison
  --help         show this help
`;

const NAMESPACE = 'bench-locks';
const CLIENTS = [1, 16] as const;
const MODES = ['uncontended', 'contended'] as const;
type Mode = (typeof MODES)[number];
const LEASE_MS = 5000;
/** Long enough for 16 contenders to queue behind each other without timing out. */
const ACQUIRE_TIMEOUT_MS = 10_000;
/** etcd's leases per client: outlive a load; revoked after it. */
const ETCD_LEASE_TTL_S = 60;
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * An unmeasured load before the first measured one. Fresh `timelock serve` processes answer
 * several times slower for their first seconds of load (the JIT warming up); with a 2 s
 * warm-up the first loads measured ran 3 to 4 times slower than the same loads later in the
 * run. etcd gets the same, to be fair.
 */
const WARMUP_ALL_S = 5;

interface Settings extends BenchSettings {
  readonly warmupS: number;
}

function parseSettings(): Settings | 'help' {
  const { values } = parseArgs({ options: benchOptions(3) });
  if (values.help) return 'help';
  // At most 600 s, so that the whole run's time bound (see main) stays within reason.
  const settings = benchSettings(values, { whole: false, maxS: 600 });
  return { ...settings, warmupS: Math.min(1, settings.durationS / 2) };
}

const bench = new BenchRun('bench:locks');

// ---------------------------------------------------------------------------------------------
// A closed-loop load

/** What one load measured. */
interface LoadResult {
  readonly mode: Mode;
  readonly clients: number;
  readonly seconds: number;
  readonly pairs: number;
  readonly pairsPerSecond: number;
  /** Latency of a whole pair (lock granted, then unlock answered), in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Pairs that failed, by error message. */
  readonly errors: Record<string, number>;
}

/** One client of a load: does one lock+unlock pair; throws when it fails. */
type Pair = (signal: AbortSignal) => Promise<void>;

/**
 * Runs `clients` loops of `pair` for the warm-up, then for `durationS` measured seconds.
 * Throughput counts the pairs that ended within the measured seconds; latency, those that
 * also began within them. A pair still running at the end is waited for (pairs are short).
 */
async function runLoad(
  mode: Mode,
  pairs: readonly Pair[],
  settings: Settings,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let completed = 0;
  const errors: Record<string, number> = {};
  const stop = new AbortController();
  const startAt = performance.now();
  const measureFrom = startAt + settings.warmupS * 1000;
  const measureUntil = measureFrom + settings.durationS * 1000;
  const loop = async (pair: Pair) => {
    while (performance.now() < measureUntil) {
      const t0 = performance.now();
      try {
        await pair(stop.signal);
        const t1 = performance.now();
        if (t1 < measureFrom || t1 > measureUntil) continue;
        completed += 1;
        if (t0 >= measureFrom) latencies.push(t1 - t0);
      } catch (e) {
        if (stop.signal.aborted) return;
        const message = e instanceof Error ? e.message.slice(0, 120) : String(e);
        if (t0 >= measureFrom) errors[message] = (errors[message] ?? 0) + 1;
        // A failing system answers fast; do not spin on it.
        await sleep(10);
      }
    }
  };
  // Pairs stuck past the end (a lost server, say) are abandoned after a grace period.
  const grace = setTimeout(
    () => stop.abort(),
    (settings.warmupS + settings.durationS) * 1000 + REQUEST_TIMEOUT_MS,
  );
  try {
    await Promise.all(pairs.map(loop));
  } finally {
    clearTimeout(grace);
  }
  return {
    mode,
    clients: pairs.length,
    seconds: settings.durationS,
    pairs: completed,
    pairsPerSecond: settings.durationS > 0 ? completed / settings.durationS : NaN,
    ...percentiles(latencies),
    errors,
  };
}

/** The descriptor (or etcd lock name) of client `i` in a load. */
function descriptorOf(mode: Mode, clients: number, i: number): string {
  return mode === 'contended' ? `contended-${clients}` : `own-${clients}-${i}`;
}

/** Settings for a load that only warms up: nothing of it is measured. */
function warmUpOnly(settings: Settings): Settings {
  return { ...settings, warmupS: WARMUP_ALL_S, durationS: 0 };
}

// ---------------------------------------------------------------------------------------------
// Timelock

type TimelockResult =
  | { readonly skipped: string }
  | {
      readonly results: readonly (LoadResult & {
        readonly leaderBefore: ServerId;
        readonly leaderAfter: ServerId | null;
      })[];
    };

async function benchTimelock(cluster: LocalCluster, settings: Settings): Promise<TimelockResult> {
  const servers = [...cluster.urls.values()];
  const newClient = () =>
    new TimelockClient({ servers, requestTimeoutMs: 2000, deadlineMs: REQUEST_TIMEOUT_MS });
  await waitForStableLeader(cluster);
  // The lock endpoints are new; a cluster without them is reported, not a failure.
  const probe = newClient();
  try {
    await (await probe.lock(NAMESPACE, ['probe'], { acquireTimeoutMs: 1000 })).release();
  } catch (e) {
    return { skipped: `the cluster did not grant a lock: ${(e as Error).message}` };
  } finally {
    probe.close();
  }
  const load = async (mode: Mode, clients: number, run: Settings) => {
    const lockClients = Array.from({ length: clients }, newClient);
    const pairs = lockClients.map((client, i): Pair => {
      const descriptor = descriptorOf(mode, clients, i);
      return async (signal) => {
        const handle: LockHandle = await client.lock(NAMESPACE, [descriptor], {
          acquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
          leaseMs: LEASE_MS,
          signal,
        });
        await handle.release();
      };
    });
    try {
      return await runLoad(mode, pairs, run);
    } finally {
      for (const client of lockClients) client.close();
    }
  };
  bench.progress(`timelock warm-up, ${WARMUP_ALL_S} s`);
  await load('uncontended', Math.max(...CLIENTS), warmUpOnly(settings));
  const results = [];
  for (const mode of MODES)
    for (const clients of CLIENTS) {
      const leaderBefore = await waitForStableLeader(cluster);
      bench.progress(`timelock ${mode}, ${clients} client(s), leader server ${leaderBefore}`);
      const result = await load(mode, clients, settings);
      results.push({ ...result, leaderBefore, leaderAfter: await cluster.leader() });
    }
  return { results };
}

// ---------------------------------------------------------------------------------------------
// etcd

type EtcdResult = EtcdComparison<{ readonly results: readonly LoadResult[] }>;

/** POSTs `body` as JSON to etcd's gateway and returns the parsed answer; throws unless 200. */
async function etcdCall(
  url: string,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}: ${text.slice(0, 100)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** One load on etcd: a lease per client, granted before and revoked after. */
async function etcdLoad(
  url: string,
  mode: Mode,
  clients: number,
  settings: Settings,
): Promise<LoadResult> {
  const leases = await Promise.all(
    Array.from({ length: clients }, async () => {
      const grant = await etcdCall(url, '/v3/lease/grant', { TTL: ETCD_LEASE_TTL_S });
      if (typeof grant.ID !== 'string')
        throw new Error(`etcd lease grant: ${JSON.stringify(grant)}`);
      return grant.ID;
    }),
  );
  const pairs = leases.map((lease, i): Pair => {
    const name = base64(`bench-locks/${descriptorOf(mode, clients, i)}`);
    return async (signal) => {
      const locked = await etcdCall(url, '/v3/lock/lock', { name, lease }, signal);
      if (typeof locked.key !== 'string') throw new Error(`etcd lock: ${JSON.stringify(locked)}`);
      await etcdCall(url, '/v3/lock/unlock', { key: locked.key }, signal);
    };
  });
  try {
    return await runLoad(mode, pairs, settings);
  } finally {
    // Revoking a lease deletes the keys it holds, a lock left by a cancelled pair included.
    await Promise.all(
      leases.map((ID) => etcdCall(url, '/v3/kv/lease/revoke', { ID }).catch(() => undefined)),
    );
  }
}

function benchEtcd(settings: Settings, dataDir: string): Promise<EtcdResult> {
  return compareWithEtcd(bench, settings.skipEtcd, dataDir, async (node) => {
    const results: LoadResult[] = [];
    bench.progress(`etcd warm-up, ${WARMUP_ALL_S} s`);
    await etcdLoad(node.url, 'uncontended', Math.max(...CLIENTS), warmUpOnly(settings));
    for (const mode of MODES)
      for (const clients of CLIENTS) {
        bench.progress(`etcd ${mode}, ${clients} client(s)`);
        results.push(await etcdLoad(node.url, mode, clients, settings));
      }
    return { results };
  });
}

// ---------------------------------------------------------------------------------------------
// Output

interface Report {
  readonly settings: Settings & { readonly servers: number; readonly leaseMs: number };
  readonly timelock: TimelockResult;
  readonly etcd: EtcdResult;
  readonly machine: MachineFacts;
}

const errorCount = (r: LoadResult) => Object.values(r.errors).reduce((a, b) => a + b, 0);

function cells(r: LoadResult | undefined): string[] {
  return r
    ? [int(r.pairsPerSecond), ms(r.p50Ms), ms(r.p99Ms), int(errorCount(r))]
    : ['-', '-', '-', '-'];
}

function reportText(report: Report): string {
  const s = report.settings;
  const m = report.machine;
  const ours = 'results' in report.timelock ? report.timelock.results : [];
  const etcd = 'results' in report.etcd ? report.etcd.results : [];
  const rows = MODES.flatMap((mode) =>
    CLIENTS.map((clients) => {
      const find = (rs: readonly LoadResult[]) =>
        rs.find((r) => r.mode === mode && r.clients === clients);
      return [mode, String(clients), ...cells(find(ours)), '|', ...cells(find(etcd))];
    }),
  );
  const header = [
    'load',
    'clients',
    'timelock pairs/s',
    'p50 ms',
    'p99 ms',
    'errors',
    '|',
    'etcd pairs/s',
    'p50 ms',
    'p99 ms',
    'errors',
  ];
  const notes: string[] = [];
  if ('skipped' in report.timelock) notes.push(`  timelock: ${report.timelock.skipped}`);
  if ('skipped' in report.etcd) notes.push(`  etcd ${report.etcd.skipped}`);
  for (const [system, results] of [
    ['timelock', ours],
    ['etcd', etcd],
  ] as const)
    for (const r of results)
      for (const [message, count] of Object.entries(r.errors))
        notes.push(`  ${system} ${r.mode} x${r.clients}: ${int(count)} x ${message}`);
  for (const r of ours)
    if (r.leaderAfter !== r.leaderBefore)
      notes.push(
        `  timelock ${r.mode} x${r.clients}: the leader moved ${r.leaderBefore} -> ${r.leaderAfter ?? 'none'}`,
      );
  const etcdTitle = 'version' in report.etcd ? `${report.etcd.version}, single node` : 'etcd';
  return [
    `Lock benchmark: lock+unlock pairs per client in a closed loop; per system ${WARMUP_ALL_S} s of warm-up load first,`,
    `then per load ${s.warmupS} s warm-up + ${s.durationS} s measured.`,
    `timelock: ${s.servers} local \`timelock serve\` processes, through TimelockClient.lock + LockHandle.release`,
    `  (lease ${s.leaseMs} ms; locks live in the leader's memory, each grant's fencing token a fresh timestamp).`,
    `etcd (${etcdTitle}): /v3/lock/lock + /v3/lock/unlock via the JSON gateway, a lease per client`,
    '  (each lock and unlock a Raft entry fsynced to its WAL).',
    'uncontended: each client its own descriptor; contended: every client the same one.',
    'Latency is of a whole pair, lock granted then unlock answered.',
    '',
    table(header, rows, true),
    ...notes,
    '',
    ...machineLines(m, 'the load generator'),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(settings: Settings): Promise<void> {
  // Start-up, then 8 loads and 2 warm-ups, each with a grace period.
  bench.giveUpAfter(
    120_000 +
      8 * ((settings.warmupS + settings.durationS) * 1000 + 15_000) +
      2 * (WARMUP_ALL_S * 1000 + 15_000),
  );
  const measured = await bench.clusterThenEtcd(
    async (cluster) => {
      const timelock = await benchTimelock(cluster, settings);
      if ('skipped' in timelock) bench.progress(`timelock: ${timelock.skipped}`);
      return timelock;
    },
    (dataDir) => benchEtcd(settings, dataDir),
  );
  const report: Report = {
    settings: { ...settings, servers: CLUSTER_SERVERS, leaseMs: LEASE_MS },
    timelock: measured.cluster,
    etcd: measured.etcd,
    machine: bench.machineFacts(),
  };
  printReport(report, settings.json, reportText);
}

await bench.run(parseSettings, HELP, main);
