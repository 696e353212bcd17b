/**
 * The vocabulary every log shares, named as in `spec/Paxos.tla`: servers, logs, sequences,
 * ballots, the values logs agree on, and an acceptor's durable record for one sequence.
 */

/** A server of the cluster, numbered 1..N as in the spec. */
export type ServerId = number;

/** A log: {@link LEADER_LOG}, or a client's name for that client's timestamp-bound log. */
export type LogName = string;

/** The spec's `LeaderLog`: the log whose values name the cluster leader. */
export const LEADER_LOG: LogName = 'leader';

/** A sequence number in a log. Sequences start at 1; 0 means "none". */
export type Seq = number;

/**
 * A ballot `<<number, proposer id>>`, ordered by number, then id. The proposer id of the
 * leader log is the server; that of a bound log is a timestamp-service instance's identity.
 */
export type Ballot = readonly [number, number];

/** The spec's `NoBallot`. */
export const NO_BALLOT: Ballot = [0, 0];

/** A value of the leader log: the spec's `LeaderValue(s)`, `[leader |-> s]`. */
export interface LeaderValue {
  readonly leader: ServerId;
}

/** A value of a client's log: the spec's `BoundValue(b, id)`, `[bound |-> b, pid |-> id]`. */
export interface BoundValue {
  readonly bound: number;
  readonly pid: number;
}

/**
 * A value some log agrees on. Both kinds are records, as in the spec, so that any two values
 * are comparable (TLC cannot order a number against a record).
 */
export type LogValue = LeaderValue | BoundValue;

/** The spec's `LeaderValue(s)`. */
export function leaderValue(s: ServerId): LeaderValue {
  return { leader: s };
}

/** Whether `v` is a value of a client's log. */
export function isBoundValue(v: LogValue): v is BoundValue {
  return 'bound' in v;
}

/** The spec's `acc[a][L][q]`: what acceptor `a` promised and accepted for (L, q). */
export interface AcceptorRecord {
  readonly prom: Ballot;
  readonly bal: Ballot;
  /** The accepted value; `null` is the spec's `None`. */
  readonly val: LogValue | null;
}

/** The spec's `EmptyAcceptor`. */
export const EMPTY_ACCEPTOR: AcceptorRecord = { prom: NO_BALLOT, bal: NO_BALLOT, val: null };
