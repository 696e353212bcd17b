/**
 * The model a trace is replayed in: `spec/Timelock.tla` with constants that fit the run. The
 * spec's bounds (MaxSeq, MaxBallot, MaxFresh, MaxBound, MaxCrashes) only limit exhaustive
 * checking; for replay they must be at least what the run used, so they are read off the
 * trace. They are kept no larger than needed, because MaxSeq sizes every acceptor's state.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, parseCfg, type Model } from '../tla/index.ts';
import type { ServerSpecState } from '../../src/trace/events.ts';
import type { LoggedEvent } from './trace-input.ts';

/** The constants of a replay model. */
export interface ReplayConstants {
  /** Servers are 1..servers. */
  readonly servers: number;
  /** Client names, sorted. */
  readonly clients: readonly string[];
  readonly maxSeq: number;
  readonly maxBallot: number;
  readonly maxFresh: number;
  readonly maxBound: number;
  /** The spec's `Step`: how far an instance extends a bound (not in the trace). */
  readonly step: number;
  readonly maxCrashes: number;
}

/** What the caller knows about a run that its trace does not say. */
export interface RunFacts {
  /** The spec's `Step` (the simulator's `--bound-step`). */
  readonly step: number;
  /** At least this many servers (a server that never logged an event is still a voter). */
  readonly minServers?: number;
}

/** The smallest constants under which every event of `events` fits the spec's bounds. */
export function constantsFor(events: readonly LoggedEvent[], facts: RunFacts): ReplayConstants {
  const seen = new TraceMaxima();
  let crashes = 0;
  let freshTaken = 0;
  for (const { event } of events) {
    seen.server(event.server);
    seen.visit(event.params);
    seen.visitState(event.state);
    if (event.action === 'Restart') crashes++;
    if (event.action === 'CheckLeadership' || event.action === 'StartService') freshTaken++;
  }
  return {
    servers: Math.max(seen.servers, facts.minServers ?? 1),
    clients: [...seen.clients].sort(),
    maxSeq: Math.max(seen.seq, 1),
    maxBallot: Math.max(seen.ballot, 1),
    maxFresh: Math.max(seen.fresh, freshTaken, 1),
    // Extend requires room for one more Step above the agreed bound.
    maxBound: seen.bound + facts.step,
    step: facts.step,
    maxCrashes: crashes,
  };
}

/** Records the largest server, sequence, ballot, fresh id and bound a trace mentions. */
class TraceMaxima {
  servers = 0;
  seq = 0;
  ballot = 0;
  fresh = 0;
  bound = 0;
  readonly clients = new Set<string>();

  server(s: number): void {
    this.servers = Math.max(this.servers, s);
  }

  /** Parameters: named as in the spec, so the name says what a number is. */
  visit(params: Record<string, unknown>): void {
    for (const [name, v] of Object.entries(params)) {
      if (name === 'a' || name === 's') this.server(v as number);
      else if (name === 'q') this.seq = Math.max(this.seq, v as number);
      else if (name === 'n') this.ballot = Math.max(this.ballot, v as number);
      else if (name === 'k') this.fresh = Math.max(this.fresh, v as number);
      else if (name === 'c') this.clients.add(v as string);
      else if (name === 'L') this.log(v as string);
      else if (name === 'b') this.ballotOf(v as [number, number], params.L as string);
      else if (name === 'v') this.value(v);
    }
  }

  visitState(state: ServerSpecState): void {
    for (const [log, bySeq] of Object.entries(state.acc ?? {})) {
      this.log(log);
      for (const [q, r] of Object.entries(bySeq)) {
        this.seq = Math.max(this.seq, Number(q));
        this.ballotOf(r.prom, log);
        this.ballotOf(r.bal, log);
        this.value(r.val);
      }
    }
    for (const [log, bySeq] of Object.entries(state.learned ?? {})) {
      this.log(log);
      for (const [q, v] of Object.entries(bySeq)) {
        this.seq = Math.max(this.seq, Number(q));
        this.value(v);
      }
    }
    for (const [c, t] of Object.entries(state.tsvc ?? {})) {
      this.clients.add(c);
      this.fresh = Math.max(this.fresh, t.id, t.check);
      this.seq = Math.max(this.seq, t.seq, t.term);
      this.bound = Math.max(this.bound, t.limit, t.counter);
    }
  }

  private log(name: string): void {
    if (name !== 'leader') this.clients.add(name);
  }

  /**
   * A ballot's proposer id is a server on the leader log, an instance's fresh id elsewhere.
   * Servers are counted only from who logged and who acted (not from ballots or values), so
   * that a corrupt id is rejected by the spec rather than inflating the model.
   */
  private ballotOf(b: readonly [number, number], log: string): void {
    this.ballot = Math.max(this.ballot, b[0]);
    if (log !== 'leader') this.fresh = Math.max(this.fresh, b[1]);
  }

  private value(v: unknown): void {
    if (v !== null && typeof v === 'object') {
      const { bound, pid } = v as { bound: number; pid: number };
      this.bound = Math.max(this.bound, bound);
      this.fresh = Math.max(this.fresh, pid);
    }
  }
}

/** The cfg text of a replay model (also what a person would write to check it with TLC). */
export function cfgText(k: ReplayConstants): string {
  return [
    '\\* Replay model: constants derived from the trace being validated.',
    'CONSTANTS',
    `  N = ${k.servers}`,
    `  Clients = {${k.clients.join(', ')}}`,
    `  MaxSeq = ${k.maxSeq}`,
    `  MaxBallot = ${k.maxBallot}`,
    `  MaxFresh = ${k.maxFresh}`,
    `  MaxBound = ${k.maxBound}`,
    `  Step = ${k.step}`,
    '  None = None',
    '  AcceptWithoutStateBug = FALSE',
    `  MaxCrashes = ${k.maxCrashes}`,
    'INIT Init',
    'NEXT Next',
    'INVARIANTS TypeOK Safety',
    'CHECK_DEADLOCK FALSE',
    '',
  ].join('\n');
}

/** Loads `specFile` bound to the replay constants. */
export function buildReplayModel(specFile: string, k: ReplayConstants): Model {
  return buildModel(specFile, parseCfg(cfgText(k), 'replay.cfg'), { print: () => {} });
}

/**
 * `spec/Timelock.tla` of this repository, found by walking up from this module (which may run
 * from its source folder or from the CLI's bundle in `.cache/`).
 */
export function defaultSpecFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'spec', 'Timelock.tla');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('cannot find spec/Timelock.tla above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
