/**
 * The acceptor: the spec's `Promise` and `Accept` steps as pure functions of the durable record
 * for one (log, sequence). Each returns the record to persist and the reply to send, or `null`
 * when the step is not enabled (a stale or out-of-order ballot); the caller persists the record
 * before it sends the reply, so an acknowledged promise or acceptance survives a crash.
 */
import { ballotLeq, ballotLess } from './ballot.ts';
import type { AcceptMsg, AcceptedMsg, PrepareMsg, PromiseMsg } from './messages.ts';
import type { AcceptorRecord, ServerId } from './types.ts';

/** What an acceptor step decides: persist `record`, then send `reply`. */
export interface AcceptorStep<Reply> {
  readonly record: AcceptorRecord;
  readonly reply: Reply;
}

/**
 * The spec's `Promise(a, L, q, b)`: promise a ballot higher than any promised for (L, q),
 * reporting what was accepted there.
 */
export function promise(
  self: ServerId,
  record: AcceptorRecord,
  m: PrepareMsg,
): AcceptorStep<PromiseMsg> | null {
  if (!ballotLess(record.prom, m.bal)) return null;
  return {
    record: { ...record, prom: m.bal },
    reply: {
      type: 'promise',
      log: m.log,
      seq: m.seq,
      bal: m.bal,
      from: self,
      accBal: record.bal,
      accVal: record.val,
    },
  };
}

/**
 * The spec's `Accept(a, L, q, b, v)` (without the bug): accept unless a higher ballot was
 * promised. A repeated accept at the promised ballot is accepted again, which changes nothing.
 */
export function accept(
  self: ServerId,
  record: AcceptorRecord,
  m: AcceptMsg,
): AcceptorStep<AcceptedMsg> | null {
  if (!ballotLeq(record.prom, m.bal)) return null;
  return {
    record: { prom: m.bal, bal: m.bal, val: m.val },
    reply: { type: 'accepted', log: m.log, seq: m.seq, bal: m.bal, from: self, val: m.val },
  };
}

/** The acceptor's two rules, as one value so that a test can substitute a faulty one. */
export interface AcceptorRules {
  readonly promise: typeof promise;
  readonly accept: typeof accept;
}

/** The correct acceptor. */
export const acceptorRules: AcceptorRules = { promise, accept };
