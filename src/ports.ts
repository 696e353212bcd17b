/**
 * The protocol cores' only ways to the outside world. The cores never do I/O, read a clock or
 * draw random numbers themselves: a driver hands them these ports, and the simulator
 * implements each one deterministically.
 */
import type { AcceptorRecord, Ballot, LogName, LogValue, Seq } from './paxos/types.ts';
import type { Envelope, TimestampReply } from './server/messages.ts';

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
  /** Every record saved, log by log, for traces. */
  snapshot(): Record<LogName, Record<string, AcceptorRecord>>;
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
  /** Answers a client; `clock` is the server's Lamport clock at the answer. */
  reply(reply: TimestampReply, clock: number): void;
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
 * Fresh identities for timestamp-service instances and checks (the spec's `fresh`): each is
 * larger than every one handed out before, so "a check that started after a request arrived"
 * is "a check with an id above the last id at arrival".
 */
export interface IdSource {
  /** A new identity. */
  next(): number;
  /** The last identity handed out, or 0. */
  last(): number;
}

/**
 * An id source shared by the servers of one process (the simulator's). Reading or taking an id
 * is an interaction with shared state, so it carries a Lamport time as a message does: traces
 * then order the uses of ids as the ids themselves are ordered.
 */
export interface SharedIdSource extends IdSource {
  /** The Lamport time of the last use; the driver advances it. */
  lamport: number;
}
