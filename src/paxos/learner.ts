/**
 * The learner: the spec's `Learn(s, L, q, v)`. A server learns v for (L, q) once a quorum of
 * acceptors sent "accepted" for v at one ballot. It keeps those messages as evidence, so that a
 * server that restarted can catch up by receiving copies of them from a peer (the spec's
 * message set keeps every message, so a copy is a legal, late delivery of the original).
 * Everything here is volatile: a restart loses it, as `Restart` loses `learned[s]`.
 */
import { valueKey } from './ballot.ts';
import type { AcceptedMsg } from './messages.ts';
import type { LogName, LogValue, Seq, ServerId } from './types.ts';

interface LogLearning {
  readonly learned: Map<Seq, LogValue>;
  /** For each learned sequence, the quorum of accepted messages it was learned from. */
  readonly evidence: Map<Seq, readonly AcceptedMsg[]>;
  /** Accepted messages for sequences not learned yet, by ballot and value, then acceptor. */
  readonly votes: Map<Seq, Map<string, Map<ServerId, AcceptedMsg>>>;
  greatest: Seq;
}

/** What one server has learned, log by log. */
export class Learner {
  private readonly logs = new Map<LogName, LogLearning>();
  /** Values learned since {@link takeChanges} was last called, for traces. */
  private changes: Record<LogName, Record<string, LogValue>> = {};
  private changed = false;

  constructor(private readonly quorum: number) {}

  /**
   * Records an accepted message. Returns the value learned for its sequence if this message
   * completes a quorum at one ballot for a sequence not learned before, else null.
   */
  receive(m: AcceptedMsg): LogValue | null {
    const log = this.log(m.log);
    if (log.learned.has(m.seq)) return null;
    let bySeq = log.votes.get(m.seq);
    if (!bySeq) log.votes.set(m.seq, (bySeq = new Map()));
    const key = `${m.bal[0]}.${m.bal[1]}:${valueKey(m.val)}`;
    let voters = bySeq.get(key);
    if (!voters) bySeq.set(key, (voters = new Map()));
    if (voters.has(m.from)) return null;
    voters.set(m.from, m);
    if (voters.size < this.quorum) return null;
    log.learned.set(m.seq, m.val);
    (this.changes[m.log] ??= {})[m.seq] = m.val;
    this.changed = true;
    log.evidence.set(m.seq, [...voters.values()]);
    log.votes.delete(m.seq);
    log.greatest = Math.max(log.greatest, m.seq);
    return m.val;
  }

  /**
   * Learns `val` for (log, seq) from this server's own durable record of having learned it
   * before a restart, without the quorum's messages (a peer catching up from this server then
   * gets the acceptances of its acceptor instead). Returns whether it was new here.
   */
  relearn(log: LogName, seq: Seq, val: LogValue): boolean {
    const learning = this.log(log);
    if (learning.learned.has(seq)) return false;
    learning.learned.set(seq, val);
    (this.changes[log] ??= {})[seq] = val;
    this.changed = true;
    learning.votes.delete(seq);
    learning.greatest = Math.max(learning.greatest, seq);
    return true;
  }

  /** The value learned for (log, seq), or null (the spec's `None`). */
  valueAt(log: LogName, seq: Seq): LogValue | null {
    return this.logs.get(log)?.learned.get(seq) ?? null;
  }

  /** The spec's `GreatestLearned(s, L)`: the greatest sequence learned in `log`, or 0. */
  greatest(log: LogName): Seq {
    return this.logs.get(log)?.greatest ?? 0;
  }

  /**
   * The accepted messages that prove what was learned at sequences `from` and above, for at
   * most `maxSeqs` sequences: what a peer that is catching up needs.
   */
  evidenceFrom(log: LogName, from: Seq, maxSeqs: number): AcceptedMsg[] {
    const learning = this.logs.get(log);
    if (!learning) return [];
    const seqs = [...learning.evidence.keys()].filter((q) => q >= from).sort((a, b) => a - b);
    return seqs.slice(0, maxSeqs).flatMap((q) => learning.evidence.get(q) ?? []);
  }

  /** Whether nothing was learned (the spec's `learned[s]` is all `None`). */
  isEmpty(): boolean {
    for (const log of this.logs.values()) if (log.learned.size > 0) return false;
    return true;
  }

  /**
   * The entries of the spec's `learned[s]` written since the last call (log -> sequence ->
   * value), or null if none, for traces.
   */
  takeChanges(): Record<LogName, Record<string, LogValue>> | null {
    if (!this.changed) return null;
    const out = this.changes;
    this.changes = {};
    this.changed = false;
    return out;
  }

  private log(name: LogName): LogLearning {
    let log = this.logs.get(name);
    if (!log) {
      log = { learned: new Map(), evidence: new Map(), votes: new Map(), greatest: 0 };
      this.logs.set(name, log);
    }
    return log;
  }
}
