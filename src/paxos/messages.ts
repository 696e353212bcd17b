/**
 * The Paxos messages, with the fields the spec gives them (`PrepareMsg`, the promise record,
 * `AcceptMsg`, the accepted record), plus the catch-up request, which is not in the spec: its
 * answers are copies of accepted messages that were already sent, so the spec's message set
 * does not change when a server catches up.
 */
import type { Ballot, LogName, LogValue, Seq, ServerId } from './types.ts';

/** A proposer asks acceptors to promise ballot `bal` for (log, seq). */
export interface PrepareMsg {
  readonly type: 'prepare';
  readonly log: LogName;
  readonly seq: Seq;
  readonly bal: Ballot;
}

/** Acceptor `from` promises `bal` and reports what it had accepted. */
export interface PromiseMsg {
  readonly type: 'promise';
  readonly log: LogName;
  readonly seq: Seq;
  readonly bal: Ballot;
  readonly from: ServerId;
  readonly accBal: Ballot;
  readonly accVal: LogValue | null;
}

/** A proposer asks acceptors to accept `val` at ballot `bal` for (log, seq). */
export interface AcceptMsg {
  readonly type: 'accept';
  readonly log: LogName;
  readonly seq: Seq;
  readonly bal: Ballot;
  readonly val: LogValue;
}

/** Acceptor `from` accepted `val` at `bal` for (log, seq); every server learns from these. */
export interface AcceptedMsg {
  readonly type: 'accepted';
  readonly log: LogName;
  readonly seq: Seq;
  readonly bal: Ballot;
  readonly from: ServerId;
  readonly val: LogValue;
}

/**
 * Not in the spec: "send me the accepted messages you know of for `log` from sequence `from`
 * on". Answered with copies of accepted messages, each sent before by its acceptor.
 */
export interface CatchUpMsg {
  readonly type: 'catchUp';
  readonly log: LogName;
  readonly from: Seq;
}

/** Every Paxos message. */
export type PaxosMsg = PrepareMsg | PromiseMsg | AcceptMsg | AcceptedMsg | CatchUpMsg;
