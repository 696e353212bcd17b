/**
 * `npm run bench:cluster`: how fast a real local cluster of three `timelock serve` processes
 * hands out timestamps, measured with autocannon against the leader's client API, and how
 * long it takes to hand them out again after the leader is killed.
 *
 *   1. fresh-timestamp: requests/s, p50 and p99 latency at each number of connections;
 *   2. ranges: `fresh-timestamps` with n = 10,000 at 16 connections, requests/s and
 *      timestamps/s (every answer's size is read, as the server may hand out fewer);
 *   3. failover: kill -9 the leader, time until a client polling every ~10 ms gets a
 *      timestamp; three times, the median printed;
 *   4. the same load on a single-node etcd (a put through its v3 JSON gateway, whose revision
 *      is its timestamp), side by side with ours, when an `etcd` binary is on PATH.
 *
 *   npm run bench:cluster -- [--duration 5] [--connections 1,16,64] [--json]
 *                            [--skip-etcd] [--skip-failover] [--help]
 *
 * Progress goes to stderr, the results to stdout. Every process started is stopped, and the
 * data folders removed, at the end, on failure, on Ctrl-C and on SIGTERM.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { LocalCluster } from '../src/cluster/local-cluster.ts';
import { TimelockClient } from '../src/client/timelock-client.ts';
import type { ServerId } from '../src/paxos/types.ts';
import { compareWithEtcd, etcdPutRequest, revisionOf, type EtcdComparison } from './etcd.ts';
import { int, machineLines, ms, percentiles, printReport, table } from './support/figures.ts';
import {
  benchOptions,
  BenchRun,
  benchSettings,
  CLUSTER_SERVERS,
  LEADER_TIMEOUT_MS,
  waitForStableLeader,
  type BenchSettings,
} from './support/run.ts';

const HELP = `npm run bench:cluster -- [options]

Loads the leader of a fresh local 3-server cluster with autocannon and prints a table.

  --duration S         seconds measured per load run, after a 1 s warm-up (default 5)
  --connections LIST   connection counts for fresh-timestamp and etcd (default 1,16,64)
  --json               print the results as one JSON object instead of tables
  --skip-etcd          do not run the etcd comparison
  --skip-failover      do not measure failover
  --help               show this help
`;

const NAMESPACE = 'bench';
const WARMUP_SECONDS = 1;
const RANGE_SIZE = 10_000;
const RANGE_CONNECTIONS = 16;
const FAILOVER_REPEATS = 3;
/** How often the failover client tries again after a round in which no server answered. */
const FAILOVER_POLL_MS = 10;
/**
 * How long the failover client waits for one answer: short, so that a server that hangs does
 * not hide the new leader, yet long enough for a new leader's first Paxos round.
 */
const FAILOVER_REQUEST_TIMEOUT_MS = 200;
/** How many times a load run is tried in all when the leader moves away during it. */
const LOAD_ATTEMPTS = 3;

// ---------------------------------------------------------------------------------------------
// autocannon, typed: it ships no types and @types/autocannon is not a dependency, so we load it
// through `require` and describe just the part we use.

interface LoadRequest {
  readonly method: 'POST' | 'GET';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Called with every response's status and whole body. */
  readonly onResponse?: (status: number, body: string) => void;
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly warmup?: { readonly connections: number; readonly duration: number };
  readonly requests: readonly LoadRequest[];
}

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly '2xx': number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
}

/** A run: emits `response` (client, status, bytes, milliseconds) and resolves to the result. */
type AutocannonRun = EventEmitter & PromiseLike<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => AutocannonRun;
const autocannonVersion = (
  createRequire(import.meta.url)('autocannon/package.json') as { version: string }
).version;

// ---------------------------------------------------------------------------------------------
// Settings

interface Settings extends BenchSettings {
  readonly connections: readonly number[];
  readonly skipFailover: boolean;
}

function parseSettings(): Settings | 'help' {
  const { values } = parseArgs({
    options: {
      ...benchOptions(5),
      connections: { type: 'string', default: '1,16,64' },
      'skip-failover': { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const connections = values.connections.split(',').map((s) => Number(s.trim()));
  if (connections.length === 0 || connections.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--connections must list positive integers, not ${values.connections}`);
  return {
    ...benchSettings(values, { whole: true }),
    connections,
    skipFailover: values['skip-failover'],
  };
}

const bench = new BenchRun('bench:cluster');

// ---------------------------------------------------------------------------------------------
// One load run

/** What one autocannon run measured. */
interface LoadResult {
  readonly connections: number;
  /** Seconds measured, as autocannon timed them. */
  readonly seconds: number;
  /** 2xx answers per second: what the service really delivered. */
  readonly okPerSecond: number;
  /** Answers of any status per second (autocannon's own figure, a mean of 1 s samples). */
  readonly responsesPerSecond: number;
  readonly ok: number;
  /** Latency percentiles of the 2xx answers, in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Each non-2xx status with the error the server gave, and how often. */
  readonly non2xxReasons: Record<string, number>;
  /** Connection errors and timeouts, which autocannon does not count as answers. */
  readonly errors: number;
}

/**
 * Runs autocannon at `connections` against `url` for `durationS` seconds after a warm-up of
 * the same shape, which lets connections open and the JIT settle on both sides.
 * `request.onResponse` sees only the measured part's answers.
 *
 * The percentiles are computed from every 2xx answer's own time rather than read from
 * autocannon's histogram, which records whole milliseconds: many of the answers take less. A
 * non-2xx answer (say a 503 from a server that lost the lead mid-run) comes back at once, and
 * counting it would make the service look faster than it is.
 */
async function runLoad(
  url: string,
  request: LoadRequest,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const non2xxReasons: Record<string, number> = {};
  let measuring = false;
  const run = autocannon({
    url,
    connections,
    duration: durationS,
    warmup: { connections, duration: WARMUP_SECONDS },
    requests: [
      {
        ...request,
        onResponse: (status, body) => {
          if (!measuring) return;
          if (!isOk(status)) {
            const reason = `${status} ${errorOf(body)}`;
            non2xxReasons[reason] = (non2xxReasons[reason] ?? 0) + 1;
          }
          request.onResponse?.(status, body);
        },
      },
    ],
  });
  // The warm-up reports to a tracker of its own: `start` and `response` here are the
  // measured part's.
  run.once('start', () => (measuring = true));
  run.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (isOk(status)) latencies.push(ms);
  });
  const result = await run;
  return {
    connections,
    seconds: result.duration,
    okPerSecond: result['2xx'] / result.duration,
    responsesPerSecond: result.requests.average,
    ok: result['2xx'],
    ...percentiles(latencies),
    non2xx: result.non2xx,
    non2xxReasons,
    errors: result.errors + result.timeouts,
  };
}

const isOk = (status: number) => status >= 200 && status < 300;

/** The `error` of a JSON error body, else the body's start. */
function errorOf(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof error === 'string') return error;
  } catch {
    // not JSON
  }
  return body.slice(0, 80);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------
// The cluster's leader

/**
 * The leader once every server has named it, and it has served a timestamp, for about a
 * second: a timestamp served proves it can lead, not just that the others think it does.
 */
function stableLeader(cluster: LocalCluster): Promise<ServerId> {
  return waitForStableLeader(cluster, servesTimestamp);
}

async function servesTimestamp(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ts/${NAMESPACE}/fresh-timestamp`, {
      method: 'POST',
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. fresh-timestamp

async function benchFreshTimestamps(
  cluster: LocalCluster,
  settings: Settings,
): Promise<ClusterLoadResult[]> {
  const request: LoadRequest = { method: 'POST', path: `/ts/${NAMESPACE}/fresh-timestamp` };
  const results: ClusterLoadResult[] = [];
  for (const connections of settings.connections)
    results.push(await loadLeader(cluster, 'fresh-timestamp', request, connections, settings));
  return results;
}

/** A load run on the cluster, with the leader before it and the one most servers name after. */
interface ClusterLoadResult extends LoadResult {
  readonly leaderBefore: ServerId;
  readonly leaderAfter: ServerId | null;
  /** Earlier runs thrown away because the leader moved during them (see {@link loadLeader}). */
  readonly discarded: readonly DiscardedRun[];
}

interface DiscardedRun {
  readonly leaderBefore: ServerId;
  readonly leaderAfter: ServerId | null;
  readonly ok: number;
  readonly non2xx: number;
}

/**
 * Loads the current leader. autocannon cannot follow a new leader: if the lead moves during a
 * run, the rest of the run gets fast 503s and measures nothing. Such a run is repeated (up to
 * {@link LOAD_ATTEMPTS} in all) and reported as discarded, since a leader that loses the lead
 * under load is itself a finding; the last attempt is kept whatever happened.
 */
async function loadLeader(
  cluster: LocalCluster,
  label: string,
  request: LoadRequest,
  connections: number,
  settings: Settings,
): Promise<ClusterLoadResult> {
  const discarded: DiscardedRun[] = [];
  for (let attempt = 1; ; attempt++) {
    const leaderBefore = await stableLeader(cluster);
    bench.progress(`${label}, ${connections} connection(s), leader server ${leaderBefore}`);
    const url = cluster.urls.get(leaderBefore)!;
    const load = await runLoad(url, request, connections, settings.durationS);
    const leaderAfter = await cluster.leader();
    const moved = leaderAfter !== leaderBefore && load.non2xx > 0;
    if (!moved || attempt === LOAD_ATTEMPTS)
      return { ...load, leaderBefore, leaderAfter, discarded };
    discarded.push({ leaderBefore, leaderAfter, ok: load.ok, non2xx: load.non2xx });
    bench.progress(
      `  the leader moved to ${leaderAfter ?? 'none'} during the run (${load.non2xx} non-2xx): ` +
        `running it again, attempt ${attempt + 1} of ${LOAD_ATTEMPTS}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 2. ranges

interface RangeResult extends ClusterLoadResult {
  readonly asked: number;
  /** Timestamps handed out per second: 2xx/s times the mean size of the ranges served. */
  readonly timestampsPerSecond: number;
  readonly meanRangeSize: number;
  /** Answers holding fewer timestamps than asked (the server's bound ran out mid-range). */
  readonly shortRanges: number;
  /** 200 answers that were not a range of 1 to `asked` timestamps: must be 0. */
  readonly malformed: number;
}

/**
 * autocannon cannot add up response bodies itself, so every 200 answer's range is read in its
 * `onResponse` hook: the server may hand out fewer than asked, and timestamps/s must count
 * what was handed out, not what was asked for.
 */
async function benchRanges(cluster: LocalCluster, settings: Settings): Promise<RangeResult> {
  const sizes = { ranges: 0, timestamps: 0, short: 0, malformed: 0 };
  const request: LoadRequest = {
    method: 'POST',
    path: `/ts/${NAMESPACE}/fresh-timestamps`,
    headers: JSON_HEADERS,
    body: JSON.stringify({ n: RANGE_SIZE }),
    onResponse: (status, body) => {
      if (status !== 200) return;
      const size = rangeSize(body);
      if (size === undefined || size < 1 || size > RANGE_SIZE) return void sizes.malformed++;
      sizes.ranges++;
      sizes.timestamps += size;
      if (size < RANGE_SIZE) sizes.short++;
    },
  };
  const label = `fresh-timestamps n=${RANGE_SIZE}`;
  const load = await loadLeader(cluster, label, request, RANGE_CONNECTIONS, settings);
  const meanRangeSize = sizes.ranges > 0 ? sizes.timestamps / sizes.ranges : 0;
  return {
    ...load,
    asked: RANGE_SIZE,
    timestampsPerSecond: load.okPerSecond * meanRangeSize,
    meanRangeSize,
    shortRanges: sizes.short,
    malformed: sizes.malformed,
  };
}

function rangeSize(body: string): number | undefined {
  try {
    const { lower, upper } = JSON.parse(body) as { lower?: unknown; upper?: unknown };
    if (!Number.isSafeInteger(lower) || !Number.isSafeInteger(upper)) return undefined;
    return (upper as number) - (lower as number) + 1;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// 3. failover

interface FailoverRun {
  readonly killed: ServerId;
  readonly newLeader: ServerId | null;
  /** From the SIGKILL to the first timestamp served; null when none came. */
  readonly ms: number | null;
  readonly error?: string;
}

interface FailoverResult {
  readonly runs: readonly FailoverRun[];
  readonly medianMs: number | null;
}

async function benchFailover(cluster: LocalCluster): Promise<FailoverResult> {
  const runs: FailoverRun[] = [];
  for (let i = 1; i <= FAILOVER_REPEATS; i++) {
    const leader = await stableLeader(cluster);
    bench.progress(`failover ${i}/${FAILOVER_REPEATS}: killing the leader, server ${leader}`);
    const run = await timeFailover(cluster, leader);
    runs.push(run);
    bench.progress(
      run.ms === null
        ? `  no timestamp after the kill: ${run.error}`
        : `  served again after ${run.ms.toFixed(0)} ms by server ${run.newLeader ?? '?'}`,
    );
    await cluster.startServer(leader);
  }
  await stableLeader(cluster);
  const times = runs.flatMap((r) => (r.ms === null ? [] : [r.ms])).sort((a, b) => a - b);
  return { runs, medianMs: times.length > 0 ? median(times) : null };
}

/**
 * Kills `leader` and times how long a client that knew it takes to get a timestamp. The call
 * is made once the process is gone, so that the old leader cannot answer it; the clock starts
 * before the kill, so the few milliseconds of dying count too.
 *
 * The library client does what an application's would: it follows a follower's hint to the
 * leader, moves on from servers that refuse or time out, and retries every ~10 ms. Being the
 * same client before and after, it also checks the timestamps kept increasing across the
 * failover (it rejects a regression).
 */
async function timeFailover(cluster: LocalCluster, leader: ServerId): Promise<FailoverRun> {
  const client = new TimelockClient({
    servers: [...cluster.urls.values()],
    requestTimeoutMs: FAILOVER_REQUEST_TIMEOUT_MS,
    deadlineMs: LEADER_TIMEOUT_MS,
    backoff: { baseMs: FAILOVER_POLL_MS, maxMs: FAILOVER_POLL_MS },
  });
  try {
    await client.freshTimestamp(NAMESPACE); // so that the client knows the leader
    const killedAt = performance.now();
    await cluster.kill(leader);
    await client.freshTimestamp(NAMESPACE);
    const ms = performance.now() - killedAt;
    return { killed: leader, newLeader: await cluster.leader(), ms };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { killed: leader, newLeader: await cluster.leader(), ms: null, error };
  } finally {
    client.close();
  }
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// 4. etcd

type EtcdResult = EtcdComparison<{
  readonly results: readonly LoadResult[];
  /** Sampled 200 answers without a revision: must be 0. */
  readonly withoutRevision: number;
}>;

/**
 * Each request is one put of the same key: like a fresh timestamp it must go through etcd's
 * log (Raft, WAL fsync) and yields a new revision, greater than every one before.
 */
function benchEtcd(settings: Settings, dataDir: string): Promise<EtcdResult> {
  return compareWithEtcd(bench, settings.skipEtcd, dataDir, async (node) => {
    let withoutRevision = 0;
    const results: LoadResult[] = [];
    for (const connections of settings.connections) {
      bench.progress(`etcd put, ${connections} connection(s)`);
      const { path, body } = etcdPutRequest(`c${connections}`);
      let seen = 0;
      const request: LoadRequest = {
        method: 'POST',
        path,
        headers: JSON_HEADERS,
        body,
        // Parsing every answer would slow the load generator down; a sample shows the puts
        // really happened.
        onResponse: (status, responseBody) => {
          if (status === 200 && seen++ % 1000 === 0 && revisionOf(responseBody) === undefined)
            withoutRevision++;
        },
      };
      results.push(await runLoad(node.url, request, connections, settings.durationS));
    }
    return { results, withoutRevision };
  });
}

// ---------------------------------------------------------------------------------------------
// Output

interface Report {
  readonly settings: Settings & { readonly warmupS: number; readonly servers: number };
  readonly freshTimestamp: readonly ClusterLoadResult[];
  readonly ranges: RangeResult;
  readonly failover: FailoverResult | { readonly skipped: string };
  readonly etcd: EtcdResult;
  readonly machine: ReturnType<typeof machineFacts>;
}

function machineFacts() {
  return { ...bench.machineFacts(), autocannon: autocannonVersion };
}

const leaderCell = (r: ClusterLoadResult) =>
  r.leaderAfter === r.leaderBefore
    ? String(r.leaderBefore)
    : `${r.leaderBefore} -> ${r.leaderAfter ?? 'none'}`;

/** One line per run thrown away because the leader moved during it. */
function discardedLines(results: readonly ClusterLoadResult[]): string[] {
  return results.flatMap((r) =>
    r.discarded.map(
      (d) =>
        `  discarded a run at ${r.connections} connection(s): the leader moved ` +
        `${d.leaderBefore} -> ${d.leaderAfter ?? 'none'} during it (${int(d.ok)} 2xx, ${int(d.non2xx)} non-2xx)`,
    ),
  );
}

/** One line per run that had non-2xx answers, saying what they were. */
function non2xxLines(results: readonly LoadResult[]): string[] {
  return results
    .filter((r) => r.non2xx > 0)
    .map((r) => {
      const reasons = Object.entries(r.non2xxReasons)
        .sort(([, a], [, b]) => b - a)
        .map(([reason, count]) => `${int(count)} x ${reason}`);
      return `  non-2xx at ${r.connections} connection(s): ${reasons.join('; ')}`;
    });
}

function freshTable(results: readonly ClusterLoadResult[]): string {
  const rows = results.map((r) => [
    String(r.connections),
    int(r.okPerSecond),
    ms(r.p50Ms),
    ms(r.p99Ms),
    int(r.ok),
    int(r.non2xx),
    int(r.errors),
    leaderCell(r),
  ]);
  const header = ['connections', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'leader'];
  return [table(header, rows), ...non2xxLines(results), ...discardedLines(results)].join('\n');
}

function rangesTable(r: RangeResult): string {
  const header = [
    'connections',
    'req/s',
    'timestamps/s',
    'p50 ms',
    'p99 ms',
    'mean range',
    'short',
    'non-2xx',
    'leader',
  ];
  const row = [
    String(r.connections),
    int(r.okPerSecond),
    int(r.timestampsPerSecond),
    ms(r.p50Ms),
    ms(r.p99Ms),
    int(r.meanRangeSize),
    int(r.shortRanges),
    int(r.non2xx),
    leaderCell(r),
  ];
  return [
    table(header, [row]),
    ...non2xxLines([r]),
    ...discardedLines([r]),
    ...(r.malformed > 0
      ? [`  WARNING: ${r.malformed} 200 answers were not a range of 1..${RANGE_SIZE}`]
      : []),
  ].join('\n');
}

function failoverText(f: Report['failover']): string {
  if ('skipped' in f) return `  ${f.skipped}`;
  const rows = f.runs.map((r, i) => [
    String(i + 1),
    `server ${r.killed}`,
    r.newLeader === null ? '?' : `server ${r.newLeader}`,
    r.ms === null ? `failed: ${r.error}` : ms(r.ms),
  ]);
  const median = f.medianMs === null ? 'no run succeeded' : `${ms(f.medianMs)} ms`;
  return `${table(['run', 'killed', 'new leader', 'ms'], rows)}\n  median: ${median}`;
}

function etcdText(ours: readonly LoadResult[], etcd: EtcdResult): string {
  if ('skipped' in etcd) return `  etcd ${etcd.skipped}`;
  const rows = ours.map((o) => {
    const e = etcd.results.find((r) => r.connections === o.connections);
    return [
      String(o.connections),
      int(o.okPerSecond),
      ms(o.p50Ms),
      ms(o.p99Ms),
      '|',
      e ? int(e.okPerSecond) : '-',
      e ? ms(e.p50Ms) : '-',
      e ? ms(e.p99Ms) : '-',
      e ? int(e.non2xx + e.errors) : '-',
    ];
  });
  const header = [
    'connections',
    'timelock req/s',
    'p50 ms',
    'p99 ms',
    '|',
    'etcd req/s',
    'p50 ms',
    'p99 ms',
    'etcd non-2xx+errors',
  ];
  return [
    table(header, rows),
    ...non2xxLines(etcd.results).map((line) => line.replace('non-2xx', 'etcd non-2xx')),
    `  etcd 200 answers sampled (1 in 1000) without a revision: ${etcd.withoutRevision}`,
    '  Not like for like: ours is 3 servers, and each fresh timestamp waits for a leadership',
    '  check (a round trip to a quorum) but writes nothing while the bound reserved through',
    '  Paxos lasts; etcd is 1 node, each put a Raft entry fsynced to its WAL, no peer to ask.',
  ].join('\n');
}

function reportText(report: Report): string {
  const s = report.settings;
  const m = report.machine;
  const etcdTitle =
    'version' in report.etcd
      ? ` (${report.etcd.version}, single node, each request a put via /v3/kv/put)`
      : '';
  return [
    `Timelock cluster benchmark: ${s.servers} local \`timelock serve\` processes, loaded through the`,
    `leader's client API with autocannon ${m.autocannon}; each run ${s.warmupS} s warm-up + ${s.durationS} s measured.`,
    'req/s counts 2xx answers only; latency percentiles are over every 2xx answer measured.',
    '',
    `1. fresh-timestamp  (POST /ts/${NAMESPACE}/fresh-timestamp)`,
    freshTable(report.freshTimestamp),
    '',
    `2. ranges  (POST /ts/${NAMESPACE}/fresh-timestamps {"n": ${RANGE_SIZE}}; sizes read from every answer)`,
    rangesTable(report.ranges),
    '',
    `3. failover  (kill -9 the leader; time until a TimelockClient polling every ~${FAILOVER_POLL_MS} ms,`,
    `   ${FAILOVER_REQUEST_TIMEOUT_MS} ms per request, gets a timestamp)`,
    failoverText(report.failover),
    '',
    `4. side by side with etcd${etcdTitle}`,
    etcdText(report.freshTimestamp, report.etcd),
    '',
    ...machineLines(m, 'autocannon'),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(settings: Settings): Promise<void> {
  const measured = await bench.clusterThenEtcd(
    async (cluster) => ({
      freshTimestamp: await benchFreshTimestamps(cluster, settings),
      ranges: await benchRanges(cluster, settings),
      failover: settings.skipFailover
        ? { skipped: 'skipped (--skip-failover)' }
        : await benchFailover(cluster),
    }),
    (dataDir) => benchEtcd(settings, dataDir),
  );
  const report: Report = {
    settings: { ...settings, warmupS: WARMUP_SECONDS, servers: CLUSTER_SERVERS },
    ...measured.cluster,
    etcd: measured.etcd,
    machine: machineFacts(),
  };
  printReport(report, settings.json, reportText);
}

await bench.run(parseSettings, HELP, main);
