/**
 * Catch-up: how a server that missed accepted messages (it was down, partitioned, or they were
 * lost) learns anyway. It asks its peers for a log from some sequence on; each answers with
 * copies of accepted messages it knows: the quorum it learned each value from, and its own
 * acceptor's acceptances. Every copy is a message its acceptor really sent, so for the spec
 * this is only a late delivery, and the asker learns by the ordinary `Learn` rule. Because
 * acceptors keep every acceptance they made, a chosen value stays learnable from any quorum of
 * acceptors, even after later ballots overwrote some of the acceptances that chose it.
 */
import type { AcceptorStorage } from '../ports.ts';
import type { Learner } from './learner.ts';
import type { AcceptedMsg, CatchUpMsg } from './messages.ts';
import type { LogName, Seq, ServerId } from './types.ts';

/** How many sequences one answer covers, so that an answer stays small. */
export const CATCH_UP_WINDOW = 8;

/** The request for the values of `log` from sequence `from` on. */
export function catchUpRequest(log: LogName, from: Seq): CatchUpMsg {
  return { type: 'catchUp', log, from: Math.max(1, from) };
}

/** The accepted messages that answer `m`: evidence of what was learned, then every acceptance. */
export function catchUpAnswer(
  self: ServerId,
  m: CatchUpMsg,
  learner: Learner,
  storage: AcceptorStorage,
): AcceptedMsg[] {
  const answer = learner.evidenceFrom(m.log, m.from, CATCH_UP_WINDOW);
  for (const { seq, bal, val } of storage.acceptancesFrom(m.log, m.from, CATCH_UP_WINDOW)) {
    answer.push({ type: 'accepted', log: m.log, seq, bal, from: self, val });
  }
  return answer;
}
