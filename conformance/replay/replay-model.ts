/**
 * The model a trace is replayed in: `spec/Timelock.tla` with constants that fit the run. The
 * spec's bounds (MaxSeq, MaxBallot, MaxFresh, MaxBound, MaxCrashes) only limit exhaustive
 * checking; for replay they must be at least what the run used, so they are read off the
 * trace. They are kept no larger than needed, because MaxSeq sizes every acceptor's state.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BranchProbe, buildModel, parseCfg, type Model } from '../tla/index.ts';
import {
  SPEC_ACTIONS,
  type ActionName,
  type ParamKind,
  type SpecChanges,
  type TraceEvent,
} from '../../src/trace/events.ts';
import { TraceInputError, type LoggedEvent, type TraceStream } from './trace-input.ts';

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
  readonly maxBatch: number;
  readonly maxCrashes: number;
  /** Lock ids, sorted. */
  readonly holders: readonly string[];
  /** Lock descriptors, sorted. */
  readonly descriptors: readonly string[];
  /** The most descriptors one lock asked for. */
  readonly maxLockSize: number;
}

/** What the caller knows about a run that its trace does not say. */
export interface RunFacts {
  /** The spec's `Step` (the simulator's `--bound-step`). */
  readonly step: number;
  /** At least this many servers (a server that never logged an event is still a voter). */
  readonly minServers?: number;
}

/**
 * What the run's traces say about it, in their headers, and what the caller says: `step` and
 * `servers` given by the caller must agree with the headers (a mismatch would make a good
 * trace look wrong); without either, the simulator's default Step.
 */
export function runFacts(
  streams: readonly TraceStream[],
  given: { readonly step?: number; readonly servers?: number },
  defaultStep: number,
): RunFacts {
  const headers = streams.flatMap((s) => (s.header ? [{ file: s.file, ...s.header }] : []));
  const agreed = (what: 'step' | 'servers', value: number | undefined): number | undefined => {
    let found = value;
    for (const h of headers) {
      if (found !== undefined && h[what] !== found)
        throw new TraceInputError(
          `${h.file}:1: the trace says ${what} ${h[what]}, but ${value === undefined ? 'another trace of the run says' : 'the command line gives'} ${found}`,
        );
      found = h[what];
    }
    return found;
  };
  return {
    step: agreed('step', given.step) ?? defaultStep,
    minServers: agreed('servers', given.servers) ?? streams.length,
  };
}

/** The smallest constants under which every event of `events` fits the spec's bounds. */
export function constantsFor(events: Iterable<LoggedEvent>, facts: RunFacts): ReplayConstants {
  const seen = new TraceMaxima();
  for (const { event } of events) seen.event(event);
  return {
    servers: Math.max(seen.servers, facts.minServers ?? 1),
    clients: [...seen.clients].sort(),
    maxSeq: Math.max(seen.seq, 1),
    maxBallot: Math.max(seen.ballot, 1),
    maxFresh: Math.max(seen.fresh, 1),
    // Extend requires room for one more Step above the agreed bound.
    maxBound: seen.bound + facts.step,
    step: facts.step,
    maxBatch: Math.max(seen.batch, 1),
    maxCrashes: seen.crashes,
    holders: [...seen.holders].sort(),
    descriptors: [...seen.descriptors].sort(),
    maxLockSize: seen.lockSize,
  };
}

/** Records the largest server, sequence, ballot, fresh number, bound and batch a trace mentions. */
class TraceMaxima {
  servers = 0;
  seq = 0;
  ballot = 0;
  fresh = 0;
  bound = 0;
  batch = 0;
  crashes = 0;
  lockSize = 0;
  readonly clients = new Set<string>();
  readonly holders = new Set<string>();
  readonly descriptors = new Set<string>();

  event(event: TraceEvent): void {
    this.server(event.server);
    this.servers = Math.max(this.servers, event.vc.length);
    this.params(event.action, event.params);
    this.changes(event.changes);
    if (event.action === 'Restart') this.crashes++;
  }

  private server(s: number): void {
    this.servers = Math.max(this.servers, s);
  }

  /** Parameters, by the kind the action table gives each. */
  private params(action: ActionName, params: Record<string, unknown>): void {
    const kinds = SPEC_ACTIONS[action] as Record<string, ParamKind>;
    for (const [name, kind] of Object.entries(kinds)) {
      const v = params[name];
      switch (kind) {
        case 'server':
          this.server(v as number);
          break;
        case 'seq':
          this.seq = Math.max(this.seq, v as number);
          break;
        case 'ballotNumber':
          this.ballot = Math.max(this.ballot, v as number);
          break;
        case 'checkId':
          this.fresh = Math.max(this.fresh, v as number);
          break;
        case 'count':
          this.batch = Math.max(this.batch, v as number);
          break;
        case 'client':
          this.clients.add(v as string);
          break;
        case 'log':
          this.log(v as string);
          break;
        case 'ballot':
          this.ballotOf(v as [number, number]);
          break;
        case 'value':
          this.value(v);
          break;
        case 'holder':
          this.holders.add(v as string);
          break;
        case 'descriptors':
          this.lockDescriptors(v as string[]);
          break;
      }
    }
  }

  private changes(changes: SpecChanges): void {
    for (const [log, bySeq] of Object.entries(changes.acc ?? {})) {
      this.log(log);
      for (const [q, r] of Object.entries(bySeq)) {
        this.seq = Math.max(this.seq, Number(q));
        this.ballotOf(r.prom);
        this.ballotOf(r.bal);
        this.value(r.val);
      }
    }
    for (const [log, bySeq] of Object.entries(changes.learned ?? {})) {
      this.log(log);
      for (const [q, v] of Object.entries(bySeq)) {
        this.seq = Math.max(this.seq, Number(q));
        this.value(v);
      }
    }
    for (const [c, t] of Object.entries(changes.tsvc ?? {})) {
      this.clients.add(c);
      this.fresh = Math.max(this.fresh, t.check);
      this.seq = Math.max(this.seq, t.seq, t.term);
      this.bound = Math.max(this.bound, t.limit, t.counter);
    }
    if (changes.fresh !== undefined) this.fresh = Math.max(this.fresh, changes.fresh);
    for (const [c, byId] of Object.entries(changes.locks ?? {})) {
      this.clients.add(c);
      for (const [h, e] of Object.entries(byId)) {
        this.holders.add(h);
        this.lockDescriptors(e.descs);
        this.fresh = Math.max(this.fresh, e.after);
        this.seq = Math.max(this.seq, e.term);
        this.bound = Math.max(this.bound, e.fencing);
      }
    }
  }

  private lockDescriptors(descs: readonly string[]): void {
    this.lockSize = Math.max(this.lockSize, descs.length);
    for (const d of descs) this.descriptors.add(d);
  }

  private log(name: string): void {
    if (name !== 'leader') this.clients.add(name);
  }

  /**
   * Only the ballot number bounds the model. Servers are counted only from who logged and who
   * acted (not from ballots or values), so that a corrupt id is rejected by the spec rather
   * than inflating the model.
   */
  private ballotOf(b: readonly [number, number]): void {
    this.ballot = Math.max(this.ballot, b[0]);
  }

  private value(v: unknown): void {
    if (v !== null && typeof v === 'object' && 'bound' in v)
      this.bound = Math.max(this.bound, (v as { bound: number }).bound);
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
    `  MaxBatch = ${k.maxBatch}`,
    '  None = None',
    '  AcceptWithoutStateBug = FALSE',
    `  Holders = {${k.holders.map(tlaString).join(', ')}}`,
    `  Descriptors = {${k.descriptors.map(tlaString).join(', ')}}`,
    `  MaxLockSize = ${k.maxLockSize}`,
    `  MaxCrashes = ${k.maxCrashes}`,
    'INIT Init',
    'NEXT Next',
    'INVARIANTS TypeOK Safety',
    'CHECK_DEADLOCK FALSE',
    '',
  ].join('\n');
}

/**
 * A string as a TLA+ literal. Lock ids are hex digits; descriptors are printable ASCII (the
 * service refuses others), where TLA+ and JSON escape the same two characters, `"` and `\`.
 */
function tlaString(text: string): string {
  return JSON.stringify(text);
}

/** Loads `specFile` bound to the replay constants. */
export function buildReplayModel(
  specFile: string,
  k: ReplayConstants,
  options: { readonly probeBranches?: boolean } = {},
): Model {
  return buildModel(specFile, parseCfg(cfgText(k), 'replay.cfg'), {
    print: () => {},
    branchProbe: options.probeBranches ? new BranchProbe() : undefined,
  });
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
