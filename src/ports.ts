/**
 * The protocol cores' only ways to the outside world. The cores never do I/O, read a clock or
 * draw random numbers themselves: a driver hands them these ports, and the simulator
 * implements each one deterministically.
 */
import type { AcceptorRecord, Ballot, LogName, LogValue, Seq } from './paxos/types.ts';
import type { LockReply } from './lock/messages.ts';
import type { Envelope, TimestampReply } from './server/messages.ts';
import type { VectorTime } from './trace/vector-clock.ts';

/**
 * The acceptor's durable state (the spec's `acc[a]`): it survives a crash. `save` returns only
 * once the record is durable, because the acceptor replies right after saving.
 */
export interface AcceptorStorage {
  /** The record for (log, seq): the spec's `EmptyAcceptor` if never saved. */
  load(log: LogName, seq: Seq): AcceptorRecord;
  /** Stores the record for (log, seq) durably. */
  save(log: LogName, seq: Seq, record: AcceptorRecord): void;
  /** The spec's `LatestTouched(a, L)`: the greatest sequence with a promise, or 0. */
  latestTouched(log: LogName): Seq;
  /**
   * Every acceptance (ballot and value) ever saved for `log` at sequences `from` and above,
   * for at most `limit` sequences, ascending. Kept durably so that a value chosen at one ballot
   * stays learnable after later ballots overwrote some of its acceptances: each entry stands
   * for an accepted message this acceptor really sent.
   */
  acceptancesFrom(log: LogName, from: Seq, limit: number): Acceptance[];
}

/** One acceptance an acceptor made: it accepted `val` at ballot `bal` for sequence `seq`. */
export interface Acceptance {
  readonly seq: Seq;
  readonly bal: Ballot;
  readonly val: LogValue;
}

/** Sends messages; delivery may fail, repeat, or come late and out of order. */
export interface Transport {
  /** Sends a message to another server (or to this one). */
  send(envelope: Envelope): void;
  /** Answers a client; `clock` is the server's vector clock at the answer. */
  reply(reply: TimestampReply, clock: VectorTime): void;
  /** Answers a lock command; a transport that carries no lock commands may leave it out. */
  lockReply?(reply: LockReply, clock: VectorTime): void;
}

/** Time, in milliseconds. Only the driver reads it; cores receive `now` as an input. */
export interface Clock {
  now(): number;
}

/** Random numbers for backoff and other choices that must not be in lockstep across servers. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
}

/**
 * One server's fresh numbers for leadership checks and timestamp-service instances (the spec's
 * `fresh[s]`): each is larger than every one this server handed out before, so "a check that
 * started after a request arrived" is "a check numbered above the last number at arrival". No
 * counter is shared between servers; the number survives a crash (`next` returns only once the
 * new number is durable), because a restarted server must not reuse a check or instance number.
 */
export interface IdSource {
  /** A new number. */
  next(): number;
  /** The last number handed out, or 0. */
  last(): number;
}
