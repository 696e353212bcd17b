/**
 * `timelock simulate`: runs the deterministic simulator with the given seed, cluster and
 * faults, prints a summary, optionally writes one NDJSON trace per server, and exits non-zero
 * when the checker finds a violation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_BATCH } from '../src/timestamp/batch.ts';
import {
  FAULT_KINDS,
  FaultSyntaxError,
  parseFaults,
  parseSchedule,
  type FaultRates,
} from '../src/sim/faults.ts';
import { DEFAULT_SIMULATION, runSimulation, type SimulationConfig } from '../src/sim/simulation.ts';
import { formatSummary } from '../src/sim/summary.ts';
import { DEFAULT_TIMINGS } from '../src/server/timings.ts';
import { FAULT_PERIODS_FILE, traceFiles } from '../src/trace/ndjson.ts';

/** The exit code of a run whose checker found a violation (TLC's "invariant violated"). */
export const VIOLATION_EXIT_CODE = 12;

const MAX_SERVERS = 9;
const MAX_CLIENTS = 1000;
/** The longest `--backoff`, in virtual ms: a minute. */
const MAX_BACKOFF_MS = 60_000;

interface SimulateFlags {
  seed: number;
  steps: number;
  servers: number;
  clients: number;
  lockClients: number;
  faults: FaultRates;
  schedule?: string;
  batch: number;
  boundStep: number;
  backoff: number;
  traceDir?: string;
}

/** Adds `simulate` to the `timelock` program. */
export function registerSimulate(program: Command): void {
  const d = DEFAULT_SIMULATION;
  program
    .command('simulate')
    .description(
      'simulate a Timelock cluster deterministically (virtual time, seeded faults) and check every run',
    )
    .option(
      '--seed <n>',
      'seed of every random choice: the same seed replays the same run',
      wholeNumber('--seed', 0, 2 ** 32 - 1),
      d.seed,
    )
    .option(
      '--steps <n>',
      'events to simulate (message deliveries, timers, client actions, faults)',
      wholeNumber('--steps', 1, 1e9),
      d.steps,
    )
    .option(
      '--servers <n>',
      `servers in the cluster, 1..${MAX_SERVERS}`,
      wholeNumber('--servers', 1, MAX_SERVERS),
      d.servers,
    )
    .option(
      '--clients <n>',
      `clients, each with its own timestamp log, 1..${MAX_CLIENTS}`,
      wholeNumber('--clients', 1, MAX_CLIENTS),
      d.clients,
    )
    .option(
      '--lock-clients <n>',
      `lock clients besides the timestamp clients, 0..${MAX_CLIENTS}: each locks one or two of a few descriptors of namespace n1 (now and then the immutable timestamp), increments a fenced counter per descriptor under the lock, may refresh, and unlocks`,
      wholeNumber('--lock-clients', 0, MAX_CLIENTS),
      0,
    )
    .addOption(
      new Option(
        '--faults <spec>',
        `random faults: "none", or kind=probability pairs, e.g. loss=0.1,dup=0.05,crash=0.01,partition=0.01 (kinds: ${FAULT_KINDS.join(', ')})`,
      )
        .argParser(faultRates)
        .default(d.faults, 'none'),
    )
    .option(
      '--schedule <faults>',
      'fixed faults, ";"-separated: crash:S@T+D (server S down from T ms for D ms) or partition:1,2/3@T+D',
    )
    .option(
      '--batch <n>',
      `timestamps each request asks for, 1..${MAX_BATCH}`,
      wholeNumber('--batch', 1, MAX_BATCH),
      d.batch,
    )
    .option(
      '--bound-step <n>',
      "how far a leader extends a client's bound at a time (the spec's Step)",
      wholeNumber('--bound-step', 1, 1e12),
      d.boundStep,
    )
    .option(
      '--backoff <ms>',
      `the longest random delay, in virtual ms, before a server proposes itself as leader or retries a proposal, 0..${MAX_BACKOFF_MS} (0: at once)`,
      wholeNumber('--backoff', 0, MAX_BACKOFF_MS),
      DEFAULT_TIMINGS.backoffMs,
    )
    .option('--trace-dir <dir>', 'write one NDJSON trace per server there (server-1.ndjson, ...)')
    .addHelpText(
      'after',
      `
Fault kinds (each a probability from 0 to 1):
  loss       a message between servers is lost
  dup        a message between servers is delivered twice
  delay      a message between servers is held back up to 100 ms, so later ones overtake it
  crash      at each step, a random running server crashes; it restarts 20-300 ms later,
             keeping only its acceptor's durable state
  partition  at each step without a partition, the servers split in two for 50-500 ms
Every message also takes 1-5 ms, so messages are reordered even with --faults none.

Timings: a follower suspects the leader after ${DEFAULT_TIMINGS.suspicionMs} ms without a heartbeat, then waits a random
backoff in [0, --backoff) before it proposes itself; a proposer whose round is not decided
within ${DEFAULT_TIMINGS.roundMs} ms retries after another backoff. The backoff spreads competing proposers apart
(see docs/duel.md).

The summary counts requests served, timestamps handed out, elections and faults, and gives
the checker's verdict on Agreement, LearnedIsChosen, BoundsIncrease, UniqueTimestamps,
RealTimeOrder and WithinAgreedBound, and with lock clients NoLostUpdate (no fenced counter
accepts a write over one its writer did not read). Exit code: 0 when every property held, ${VIOLATION_EXIT_CODE} on a
violation (with the command line that replays it), 1 on a bad option.

Traces: each line is one spec action (spec/Timelock.tla) a server took, with its parameters,
a Lamport clock, and the server's acc, learned, tsvc and locks after the step. With --batch above 1,
a Serve hands out several timestamps at once, which the spec's Serve does not.

Examples:
  timelock simulate --seed 7 --faults loss=0.1,dup=0.05,crash=0.002,partition=0.002
  timelock simulate --faults none --batch 1000 --bound-step 100000 --steps 50000
  timelock simulate --seed 3 --schedule 'crash:1@500+200;partition:1/2,3@1000+300' --trace-dir traces
  timelock simulate --seed 3 --backoff 0 --trace-dir traces
  timelock simulate --lock-clients 4 --faults loss=0.05,crash=0.005 --trace-dir traces`,
    )
    .action((flags: SimulateFlags) => {
      process.exitCode = runSimulate(flags);
    });
}

function runSimulate(flags: SimulateFlags): number {
  let schedule;
  try {
    schedule = parseSchedule(flags.schedule ?? '', flags.servers);
  } catch (e) {
    if (e instanceof FaultSyntaxError) {
      process.stderr.write(`timelock simulate: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const config: SimulationConfig = {
    seed: flags.seed,
    steps: flags.steps,
    servers: flags.servers,
    clients: flags.clients,
    lockClients: flags.lockClients,
    faults: flags.faults,
    schedule,
    batch: flags.batch,
    boundStep: flags.boundStep,
    timings: { ...DEFAULT_TIMINGS, backoffMs: flags.backoff },
    trace: flags.traceDir !== undefined,
  };
  const started = performance.now();
  const files = flags.traceDir === undefined ? null : traceFiles(flags.traceDir);
  let result;
  try {
    result = runSimulation(config, files ?? undefined);
  } finally {
    files?.close();
  }
  const wallMs = performance.now() - started;
  // Crashes and partitions, which the traces do not record, beside them for `timelock report`.
  if (flags.traceDir !== undefined)
    writeFileSync(
      join(flags.traceDir, FAULT_PERIODS_FILE),
      result.faultPeriods.map((p) => JSON.stringify(p) + '\n').join(''),
    );
  process.stdout.write(formatSummary(result, wallMs) + '\n');
  if (files) process.stdout.write(`traces                ${files.paths.join(', ')}\n`);
  return result.violation === null ? 0 : VIOLATION_EXIT_CODE;
}

/** A commander parser for a whole-number option within [min, max] (shared by the CLI commands). */
export function wholeNumber(
  option: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${option} must be a whole number ${range}.`);
    }
    return n;
  };
}

/** A commander parser for `--faults` (shared by simulate and pipeline). */
export function faultRates(text: string): FaultRates {
  try {
    return parseFaults(text);
  } catch (e) {
    if (e instanceof FaultSyntaxError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}
