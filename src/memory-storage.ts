/**
 * The acceptor's storage held in memory: what tests and the simulator use. It is durable in the
 * sense that matters there: the simulator keeps it across a server's crash and restart.
 */
import { EMPTY_ACCEPTOR, type AcceptorRecord, type LogName, type Seq } from './paxos/types.ts';
import { sameBallot } from './paxos/ballot.ts';
import type { Acceptance, AcceptorStorage } from './ports.ts';

interface StoredLog {
  readonly records: Map<Seq, AcceptorRecord>;
  /** Every acceptance per sequence, oldest first. */
  readonly acceptances: Map<Seq, Acceptance[]>;
  latest: Seq;
}

/** {@link AcceptorStorage} in memory. */
export class MemoryAcceptorStorage implements AcceptorStorage {
  private readonly logs = new Map<LogName, StoredLog>();

  load(log: LogName, seq: Seq): AcceptorRecord {
    return this.logs.get(log)?.records.get(seq) ?? EMPTY_ACCEPTOR;
  }

  save(log: LogName, seq: Seq, record: AcceptorRecord): void {
    let stored = this.logs.get(log);
    if (!stored)
      this.logs.set(log, (stored = { records: new Map(), acceptances: new Map(), latest: 0 }));
    const before = stored.records.get(seq) ?? EMPTY_ACCEPTOR;
    if (record.val !== null && !sameBallot(record.bal, before.bal)) {
      const history = stored.acceptances.get(seq) ?? [];
      history.push({ seq, bal: record.bal, val: record.val });
      stored.acceptances.set(seq, history);
    }
    stored.records.set(seq, record);
    if (record.prom[0] !== 0 || record.prom[1] !== 0) stored.latest = Math.max(stored.latest, seq);
  }

  latestTouched(log: LogName): Seq {
    return this.logs.get(log)?.latest ?? 0;
  }

  acceptancesFrom(log: LogName, from: Seq, limit: number): Acceptance[] {
    const stored = this.logs.get(log);
    if (!stored) return [];
    return [...stored.acceptances.keys()]
      .filter((q) => q >= from)
      .sort((a, b) => a - b)
      .slice(0, limit)
      .flatMap((q) => stored.acceptances.get(q)!);
  }
}
