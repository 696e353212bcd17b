/**
 * A fault campaign on real processes, from start to verdict: a local cluster of `timelock serve`
 * processes behind link proxies, concurrent clients recording every operation, a nemesis
 * injecting the seeded plan of faults; then, with every fault healed and the servers stopped,
 * the history checkers, the availability figures, and the replay of every server's trace on the
 * spec. The verdict is the conjunction of the checkers and the replay.
 *
 * It sits above `src/` (the cluster, the faults, the clients) and `conformance/` (the checkers,
 * the replay), as `cli/` does; the history file on disk is the one record both halves read, so
 * a campaign cut short can still be checked from what it wrote.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  availability,
  checkTimestampHistory,
  readHistoryFile,
} from '../conformance/history/index.ts';
import { formatReport, validateTraces } from '../conformance/replay/index.ts';
import { planFaults, type FaultKind, type PlannedFault } from '../src/cluster/fault-schedule.ts';
import { HistoryLog } from '../src/cluster/history-log.ts';
import { LinkProxies } from '../src/cluster/link-proxy.ts';
import { LocalCluster } from '../src/cluster/local-cluster.ts';
import { Nemesis } from '../src/cluster/nemesis.ts';
import { Workload } from '../src/cluster/workload.ts';
import type { ServerId } from '../src/paxos/types.ts';
import type { CampaignResult, ReplayVerdict } from './result.ts';

/** How a campaign runs. */
export interface CampaignOptions {
  readonly servers: number;
  readonly clients: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly kinds: readonly FaultKind[];
  /** Where data folders, traces, the history and the report go. */
  readonly dir: string;
  /** Operations per second over all clients (0: as fast as answered). */
  readonly rate: number;
  readonly faultMs?: readonly [number, number];
  readonly gapMs?: readonly [number, number];
  /** The servers' bound step (the spec's `Step`). */
  readonly boundStep?: number;
  /** Runs `timelock` differently (a test's faulty build); see LocalClusterOptions.command. */
  readonly command?: readonly string[];
  /** Told what happens, a line at a time. */
  readonly progress?: (line: string) => void;
  /** Aborting ends the workload early; the checks still run on what was recorded. */
  readonly signal?: AbortSignal;
}

/** Runs a campaign; see the module comment. Stops every process it started, also on failure. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const { dir } = options;
  const say = options.progress ?? (() => undefined);
  mkdirSync(dir, { recursive: true });
  const plan = planFaults({
    seed: options.seed,
    servers: options.servers,
    durationMs: options.durationMs,
    kinds: options.kinds,
    ...(options.faultMs ? { faultMs: options.faultMs } : {}),
    ...(options.gapMs ? { gapMs: options.gapMs } : {}),
  });
  const settings = {
    servers: options.servers,
    clients: options.clients,
    durationMs: options.durationMs,
    seed: options.seed,
    faultKinds: options.kinds,
    dir,
  };
  const historyPath = join(dir, 'history.ndjson');
  let history: HistoryLog | undefined;
  let startedAt: string;
  let proxies: LinkProxies | undefined;
  let cluster: LocalCluster | undefined;
  let t0 = performance.now();
  const now = () => performance.now() - t0;
  const stamp = () => `[${(now() / 1000).toFixed(1).padStart(6)} s]`;
  let endMs: number;
  try {
    say(`starting ${options.servers} servers in ${dir}`);
    cluster = await LocalCluster.start({
      servers: options.servers,
      dir,
      trace: true,
      faultControl: true,
      logLevel: 'warn',
      ...(options.boundStep ? { boundStep: options.boundStep } : {}),
      ...(options.command ? { command: options.command } : {}),
      routePeers: async (urls) => {
        proxies = await LinkProxies.start(urls, options.seed);
        const p = proxies;
        return new Map([...urls.keys()].map((id) => [id, p.url(id)]));
      },
    });
    await waitForLeader(cluster, 30_000);
    // Time 0, on the monotonic clock and on the wall clock the servers' traces use.
    t0 = performance.now();
    startedAt = new Date().toISOString();
    const log = new HistoryLog(historyPath, {
      startedAt,
      settings: { ...settings, rate: options.rate },
    });
    history = log;
    const nemesis = new Nemesis(cluster, proxies!, (r) =>
      log.write({ type: 'nemesis', ...r, at: now() }),
    );
    const workload = new Workload({
      urls: cluster.urls,
      clients: options.clients,
      seed: options.seed,
      rate: options.rate,
      now,
      record: (r) => log.write(r),
    });
    say(
      `${stamp()} ${options.clients} clients for ${options.durationMs / 1000} s, ${plan.length} faults planned`,
    );
    workload.start();
    const ticker = setInterval(() => {
      const c = workload.counts;
      say(`${stamp()} operations: ${c.ok} ok, ${c.fail} failed, ${c.unknown} unknown`);
    }, 5000);
    try {
      await runPlan(plan, nemesis, now, options, (line) => say(`${stamp()} ${line}`));
    } finally {
      clearInterval(ticker);
      endMs = Math.min(now(), options.durationMs);
      await workload.stop();
      await nemesis.healAll();
    }
    say(`${stamp()} workload stopped; stopping the servers`);
  } finally {
    await cluster?.stop();
    await proxies?.close();
    history?.close();
  }

  say('checking the history');
  const read = readHistoryFile(historyPath);
  const check = checkTimestampHistory(read.operations);
  const faults = read.faults.map((f) => ({ ...f, endMs: f.endMs ?? read.endMs }));
  const avail = availability(read.operations, { startMs: 0, endMs }, faults);
  say(`replaying ${cluster!.tracePaths.length} server traces on the spec`);
  const replay = replayTraces(cluster!.tracePaths);
  return {
    settings,
    startedAt,
    operations: read.operations,
    faults,
    history: check,
    availability: avail,
    replay,
    ok: check.ok && replay.ok,
  };
}

/** Runs each planned fault at its time until the plan or the duration ends, or an abort. */
async function runPlan(
  plan: readonly PlannedFault[],
  nemesis: Nemesis,
  now: () => number,
  options: CampaignOptions,
  say: (line: string) => void,
): Promise<void> {
  const { signal } = options;
  const until = async (t: number) => {
    while (now() < t && !signal?.aborted) await sleep(Math.min(100, t - now()), signal);
  };
  for (const fault of plan) {
    await until(fault.atMs);
    if (signal?.aborted) return;
    const started = await nemesis.start(fault);
    say(`fault ${fault.index + 1}/${plan.length} ${fault.kind}: ${started.description}`);
    await until(fault.atMs + fault.durationMs);
    await nemesis.end(fault);
    say(`healed ${fault.index + 1}/${plan.length} ${fault.kind}`);
  }
  await until(options.durationMs);
}

/** The replay of the traces, as the campaign reports it. */
function replayTraces(paths: readonly string[]): ReplayVerdict {
  const report = validateTraces(paths);
  const events = report.runs.reduce((n, r) => n + r.events, 0);
  return {
    ok: report.ok,
    traces: paths.length,
    events,
    ...(report.ok ? {} : { failure: formatReport(report) }),
  };
}

/** Waits until the servers agree on a leader, so that the workload starts on a working cluster. */
async function waitForLeader(cluster: LocalCluster, timeoutMs: number): Promise<ServerId> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const leader = await cluster.leader();
    if (leader !== null) return leader;
    if (performance.now() > until) throw new Error(`no leader within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
