/**
 * The acceptor's answer to a check: the spec's `Pong(a, s, L, k)`, with the latest sequence it
 * touched in the log.
 *
 * A repeated ping (a retry, or a duplicate on the network) is answered only while the answer
 * would be the same as the first one. The spec computes a recovery from *every* pong an
 * acceptor of the quorum sent, even one still in flight; if an acceptor could answer the same
 * check twice with different `latest` values, the recovering server might decide on the
 * smaller one while the spec's decision takes the larger. Answering identically (or not at all)
 * keeps the two the same. This memory is volatile: after a restart an acceptor may answer a
 * check once more.
 */
import type { Seq, ServerId } from '../paxos/types.ts';
import type { PingMsg, PongMsg } from './messages.ts';

/** How many answered checks an acceptor remembers; older ones are long finished. */
const REMEMBERED_CHECKS = 1024;

/** The checks an acceptor answered, and what it answered. */
export class PongMemory {
  private readonly answered = new Map<string, Seq>();

  /** The pong for `ping`, or null if this check was answered before with another `latest`. */
  answer(self: ServerId, latest: Seq, ping: PingMsg): PongMsg | null {
    const key = `${ping.from}/${ping.log}/${ping.id}`;
    const before = this.answered.get(key);
    if (before !== undefined && before !== latest) return null;
    if (before === undefined) {
      this.answered.set(key, latest);
      if (this.answered.size > REMEMBERED_CHECKS) {
        this.answered.delete(this.answered.keys().next().value!);
      }
    }
    return { type: 'pong', to: ping.from, log: ping.log, id: ping.id, from: self, latest };
  }
}
