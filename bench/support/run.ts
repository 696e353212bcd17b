/**
 * A run of a cluster benchmark (`npm run bench:cluster`, `npm run bench:locks`): the options
 * both take, a local cluster and then a throwaway etcd to measure on, a leader that has settled
 * before anything is measured, and clean-up of whatever was started, however the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../src/cluster/local-cluster.ts';
import type { ServerId } from '../../src/paxos/types.ts';
import { machineFacts, type MachineFacts } from './figures.ts';

/** How many `timelock serve` processes a benchmark cluster has. */
export const CLUSTER_SERVERS = 3;

/** How long a new leader may take to settle; longer means something is wrong. */
export const LEADER_TIMEOUT_MS = 30_000;

/** Checks 100 ms apart that must all find the same leader before a load: about a second. */
const STABLE_CHECKS = 10;

// ---------------------------------------------------------------------------------------------
// Options

/** The options of every cluster benchmark, to spread into node:util's `parseArgs`. */
export function benchOptions(defaultDurationS: number) {
  return {
    duration: { type: 'string', default: String(defaultDurationS) },
    json: { type: 'boolean', default: false },
    'skip-etcd': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  } as const;
}

/** What the options of {@link benchOptions} say. */
export interface BenchSettings {
  /** Seconds measured per load. */
  readonly durationS: number;
  /** Whether to print the results as JSON rather than tables. */
  readonly json: boolean;
  readonly skipEtcd: boolean;
}

/** The limits of `--duration`. */
export interface DurationRule {
  /** Whether it must be whole seconds (autocannon counts no fractions). */
  readonly whole: boolean;
  readonly maxS?: number;
}

/** @throws Error when `--duration` breaks `rule` */
export function benchSettings(
  values: { readonly duration: string; readonly json: boolean; readonly 'skip-etcd': boolean },
  rule: DurationRule,
): BenchSettings {
  const durationS = Number(values.duration);
  const maxS = rule.maxS ?? Infinity;
  if (!(durationS > 0 && durationS <= maxS) || (rule.whole && !Number.isInteger(durationS)))
    throw new Error(
      `--duration must be a ${rule.whole ? 'whole ' : ''}number of seconds above 0` +
        `${maxS < Infinity ? ` and at most ${maxS}` : ''}, not ${values.duration}`,
    );
  return { durationS, json: values.json, skipEtcd: values['skip-etcd'] };
}

// ---------------------------------------------------------------------------------------------
// A run

/**
 * One benchmark run. Whatever it starts is stopped at the end, on failure, on Ctrl-C or
 * SIGTERM, and when {@link giveUpAfter}'s bound passes: servers or an etcd left behind would
 * skew every later measurement on the machine.
 */
export class BenchRun {
  private readonly cleanups: Array<() => Promise<void>> = [];
  /** What to print before the error when the run fails. */
  private readonly diagnostics: Array<() => void> = [];
  private cleaning: Promise<void> | undefined;
  /** The machine's load before the benchmark added its own. */
  private readonly loadAtStart = loadavg();

  /** @param name - the npm script, e.g. `bench:locks`, which prefixes every message */
  constructor(readonly name: string) {}

  /** Progress goes to stderr, so that stdout holds only the results. */
  progress(message: string): void {
    process.stderr.write(`[${this.name}] ${message}\n`);
  }

  /** Has `stop` run at the end; later ones first, as they may depend on earlier ones. */
  atEnd(stop: () => Promise<void>): void {
    this.cleanups.push(stop);
  }

  /**
   * Runs `main` with the settings `parse` reads from the command line (or prints `help` when
   * asked to), then stops everything; a failure is printed and sets the exit code.
   */
  async run<S>(
    parse: () => S | 'help',
    help: string,
    main: (settings: S) => Promise<void>,
  ): Promise<void> {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        this.progress(`${signal}: stopping every process`);
        void this.cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      });
    try {
      const settings = parse();
      if (settings === 'help') process.stdout.write(help);
      else await main(settings);
    } catch (e) {
      for (const print of this.diagnostics) print();
      process.stderr.write(`${this.name} failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    } finally {
      await this.cleanUp();
    }
  }

  /** Stops everything and exits if the run is still going after `ms`. */
  giveUpAfter(ms: number): void {
    const watchdog = setTimeout(() => {
      this.progress(`still running after ${Math.round(ms / 1000)} s: giving up`);
      void this.cleanUp().finally(() => process.exit(1));
    }, ms);
    this.atEnd(async () => clearTimeout(watchdog));
  }

  /**
   * Measures with `onCluster` on a fresh local cluster of {@link CLUSTER_SERVERS} servers;
   * then stops the cluster, so that etcd gets the machine to itself as the cluster had it, and
   * measures with `onEtcd`, given a data folder for etcd. The folders are removed at the end.
   */
  async clusterThenEtcd<C, E>(
    onCluster: (cluster: LocalCluster) => Promise<C>,
    onEtcd: (dataDir: string) => Promise<E>,
  ): Promise<{ cluster: C; etcd: E }> {
    const dir = mkdtempSync(join(tmpdir(), `timelock-${this.name.replace(':', '-')}-`));
    this.atEnd(async () => rmSync(dir, { recursive: true, force: true }));
    const cluster = await this.startCluster(join(dir, 'cluster'));
    const measured = await onCluster(cluster);
    this.progress('stopping the cluster');
    await cluster.stop();
    return { cluster: measured, etcd: await onEtcd(join(dir, 'etcd')) };
  }

  /** The machine, with its load when the run began. */
  machineFacts(): MachineFacts {
    return machineFacts(this.loadAtStart);
  }

  /**
   * Starts the cluster, stopped at the end. The servers' logs stay quiet unless the run fails:
   * then each server's last lines are printed.
   */
  private async startCluster(dir: string): Promise<LocalCluster> {
    const logs = new Map<ServerId, LastLines>();
    this.diagnostics.push(() => {
      for (const [id, log] of logs)
        for (const line of log.lines()) process.stderr.write(`server ${id}: ${line}\n`);
    });
    this.progress(`starting ${CLUSTER_SERVERS} servers in ${dir}`);
    const cluster = await LocalCluster.start({
      servers: CLUSTER_SERVERS,
      dir,
      trace: false,
      logLevel: 'warn',
      onLine: (id, line) => {
        if (!logs.has(id)) logs.set(id, new LastLines(20));
        logs.get(id)!.add(line);
      },
      onExit: (id, code, signal) =>
        this.progress(`server ${id} exited unexpectedly (${signal ?? `code ${code}`})`),
    });
    this.atEnd(() => cluster.stop());
    return cluster;
  }

  private cleanUp(): Promise<void> {
    this.cleaning ??= (async () => {
      for (const stop of this.cleanups.reverse()) {
        try {
          await stop();
        } catch (e) {
          this.progress(`cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    })();
    return this.cleaning;
  }
}

/** The last lines of some output, kept for when something fails. */
export class LastLines {
  private readonly kept: string[] = [];

  constructor(private readonly count: number) {}

  add(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.count) this.kept.shift();
  }

  lines(): string[] {
    return [...this.kept];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// The leader

/**
 * The leader once every server has named it (and it has passed `serves`, when given) at
 * {@link STABLE_CHECKS} checks in a row: right after an election or a restart the servers may
 * still disagree, and measuring then would measure the election.
 *
 * @throws Error when there is no such leader within {@link LEADER_TIMEOUT_MS}
 */
export async function waitForStableLeader(
  cluster: LocalCluster,
  serves?: (leaderUrl: string) => Promise<boolean>,
): Promise<ServerId> {
  const until = Date.now() + LEADER_TIMEOUT_MS;
  let agreed: ServerId | null = null;
  let streak = 0;
  while (streak < STABLE_CHECKS) {
    if (Date.now() > until) throw new Error(`no stable leader within ${LEADER_TIMEOUT_MS} ms`);
    const named = await unanimousLeader(cluster);
    const leader =
      named !== null && (serves === undefined || (await serves(cluster.urls.get(named)!)))
        ? named
        : null;
    streak = leader === null ? 0 : leader === agreed ? streak + 1 : 1;
    agreed = leader;
    await sleep(100);
  }
  return agreed!;
}

/** The leader every server names, or null if one does not answer or they disagree. */
async function unanimousLeader(cluster: LocalCluster): Promise<ServerId | null> {
  const answers = await Promise.all(
    [...cluster.urls.values()].map(async (url) => {
      try {
        const res = await fetch(url + '/leader', { signal: AbortSignal.timeout(500) });
        return ((await res.json()) as { leader: ServerId | null }).leader;
      } catch {
        return null;
      }
    }),
  );
  const first = answers[0];
  return first !== null && answers.every((a) => a === first) ? first : null;
}
