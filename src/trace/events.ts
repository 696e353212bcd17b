/**
 * Trace events: one per spec action a server takes, named and parameterised exactly as in
 * `spec/Timelock.tla` and the modules it extends. {@link SPEC_ACTIONS} is the one source of
 * truth: the TypeScript types below are derived from it, and so is the JSON Schema
 * ({@link ./schema.ts}).
 */
import type { AcceptorRecord, Ballot, LogName, LogValue, Seq, ServerId } from '../paxos/types.ts';
import type { ClientId } from '../server/messages.ts';
import type { LockEntry } from '../lock/lock-table.ts';
import type { LockId } from '../lock/messages.ts';
import type { Tsvc } from '../timestamp/tsvc.ts';
import type { VectorTime } from './vector-clock.ts';

/** What a parameter denotes; each kind has one JSON shape. */
export interface ParamKinds {
  /** A server, 1..N. */
  server: ServerId;
  /** A log: "leader" or a client's name. */
  log: LogName;
  /** A client's name. */
  client: ClientId;
  /** A sequence number, from 1. */
  seq: Seq;
  /** A ballot number, from 1. */
  ballotNumber: number;
  /** A ballot, `[number, proposer id]`. */
  ballot: Ballot;
  /** A check's fresh number, from 1. */
  checkId: number;
  /** How many timestamps a request asks for, 1..MAX_BATCH. */
  count: number;
  /** A log value: `{leader}` (leader log) or `{bound, pid}` (client log). */
  value: LogValue;
  /** A lock id: 32 hex digits. */
  holder: LockId;
  /** The descriptors a lock asks for, sorted and distinct (none: the immutable timestamp). */
  descriptors: readonly string[];
}

/** One of the {@link ParamKinds}. */
export type ParamKind = keyof ParamKinds;

/** Every spec action a server takes, with its parameters in the spec's order and names. */
export const SPEC_ACTIONS = {
  Promise: { a: 'server', L: 'log', q: 'seq', b: 'ballot' },
  Accept: { a: 'server', L: 'log', q: 'seq', b: 'ballot', v: 'value' },
  Pong: { a: 'server', s: 'server', L: 'log', k: 'checkId' },
  Learn: { s: 'server', L: 'log', q: 'seq', v: 'value' },
  ProposeLeadership: { s: 'server', q: 'seq', n: 'ballotNumber' },
  SendLeaderAccept: { s: 'server', q: 'seq', b: 'ballot' },
  CheckLeadership: { s: 'server' },
  StartService: { s: 'server', c: 'client' },
  Recover: { s: 'server', c: 'client' },
  FinishForcing: { s: 'server', c: 'client' },
  Extend: { s: 'server', c: 'client' },
  ProposeBound: { s: 'server', c: 'client', q: 'seq', n: 'ballotNumber' },
  SendBoundAccept: { s: 'server', c: 'client', q: 'seq', b: 'ballot' },
  BoundAgreed: { s: 'server', c: 'client' },
  Serve: { s: 'server', c: 'client', k: 'checkId' },
  Request: { c: 'client', s: 'server', n: 'count' },
  GiveUp: { c: 'client', s: 'server' },
  Restart: { s: 'server' },
  LockRequest: { s: 'server', c: 'client', h: 'holder', D: 'descriptors' },
  LockGrant: { s: 'server', c: 'client', h: 'holder', k: 'checkId' },
  LockRefreshRequest: { s: 'server', c: 'client', h: 'holder' },
  LockRefresh: { s: 'server', c: 'client', h: 'holder', k: 'checkId' },
  LockRelease: { s: 'server', c: 'client', h: 'holder' },
} as const satisfies Record<string, Record<string, ParamKind>>;

/** The name of a spec action. */
export type ActionName = keyof typeof SPEC_ACTIONS;

/** The parameters of action `A`, typed by their kinds. */
export type ActionParams<A extends ActionName> = {
  -readonly [P in keyof (typeof SPEC_ACTIONS)[A]]: ParamKinds[(typeof SPEC_ACTIONS)[A][P] &
    ParamKind];
};

/** A spec action with its parameters bound. */
export type SpecAction = {
  [A in ActionName]: { readonly name: A; readonly params: ActionParams<A> };
}[ActionName];

/** Builds a {@link SpecAction}, checking the parameters against the action's. */
export function specAction<A extends ActionName>(name: A, params: ActionParams<A>): SpecAction {
  return { name, params } as SpecAction;
}

/**
 * Entries of a server's own part of the spec state (`acc[s]`, `learned[s]`, `tsvc[s]`,
 * `fresh[s]`, `locks[s]`): a step logs the entries it wrote, with their new values. Only what a server
 * writes is its own, so a trace that logs every write, server by server, says what each
 * server's part of the state is after every step, at a cost per event that does not grow with
 * the state.
 */
export interface SpecChanges {
  readonly acc?: Record<LogName, Record<string, AcceptorRecord>>;
  readonly learned?: Record<LogName, Record<string, LogValue>>;
  readonly tsvc?: Record<ClientId, Tsvc>;
  readonly fresh?: number;
  /** `locks[s][c][h]`, by namespace and lock id; `NoLock` for a lock that ended. */
  readonly locks?: Record<ClientId, Record<LockId, LockEntry>>;
}

/** The volatile variables a restart returns to their initial value. */
export const RESET_VARIABLES = ['learned', 'tsvc', 'locks'] as const;

/** What every event carries besides the action. */
export interface EventContext {
  /** The server that took the step. */
  readonly server: ServerId;
  /**
   * Its vector clock at the step (entry `s - 1` for server `s`): what happened before it. The
   * replay lets a step rely only on messages sent by events before it in this order.
   */
  readonly vc: VectorTime;
  /** Time in milliseconds (virtual in the simulator), for people reading the trace. */
  readonly time: number;
  /** The entries of the server's part of the spec state the step wrote, with their values. */
  readonly changes: SpecChanges;
  /** Restart only: the variables that went back to their initial value before `changes`. */
  readonly reset?: readonly (typeof RESET_VARIABLES)[number][];
  /** Serve only: the timestamps handed out, first and last (more than one for a batch). */
  readonly served?: readonly [number, number];
}

/** One line of a trace. */
export type TraceEvent = {
  [A in ActionName]: { readonly action: A; readonly params: ActionParams<A> } & EventContext;
}[ActionName];

/** The trace format's version, in every trace's header. */
export const TRACE_VERSION = 3;

/**
 * The first line of every trace: what a reader needs to know that the events do not say (the
 * spec's `Step` the server used, how many servers vote), and the format's version.
 */
export interface TraceHeader {
  readonly trace: 'timelock';
  readonly version: typeof TRACE_VERSION;
  /** The server whose events follow. */
  readonly server: ServerId;
  /** Servers in the cluster, 1..servers. */
  readonly servers: number;
  /** The spec's `Step`: how far the server's timestamp service extends a bound. */
  readonly step: number;
}

/** Where a server's events go: a header, then one event per spec action. */
export interface TraceSink {
  header(header: TraceHeader): void;
  write(event: TraceEvent): void;
  /**
   * Makes what was written durable. The host calls it before it persists acceptor state or
   * sends a fresh number, so that a trace never misses a durable change or a number in use (a
   * restarted server redoes from its trace a change the crash cut off, and hands out again
   * the numbers after the trace's last; see ../cluster/boot.ts).
   */
  sync?(): void;
}
