/**
 * The acceptor's storage held in memory: what tests and the simulator use. It is durable in the
 * sense that matters there: the simulator keeps it across a server's crash and restart.
 */
import { EMPTY_ACCEPTOR, type AcceptorRecord, type LogName, type Seq } from './paxos/types.ts';
import type { AcceptorStorage } from './ports.ts';

interface StoredLog {
  readonly records: Map<Seq, AcceptorRecord>;
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
    if (!stored) this.logs.set(log, (stored = { records: new Map(), latest: 0 }));
    stored.records.set(seq, record);
    if (record.prom[0] !== 0 || record.prom[1] !== 0) stored.latest = Math.max(stored.latest, seq);
  }

  latestTouched(log: LogName): Seq {
    return this.logs.get(log)?.latest ?? 0;
  }

  recordsFrom(log: LogName, from: Seq, limit: number): Array<[Seq, AcceptorRecord]> {
    const stored = this.logs.get(log);
    if (!stored) return [];
    return [...stored.records]
      .filter(([q]) => q >= from)
      .sort(([a], [b]) => a - b)
      .slice(0, limit);
  }

  snapshot(): Record<LogName, Record<string, AcceptorRecord>> {
    const out: Record<LogName, Record<string, AcceptorRecord>> = {};
    for (const [name, stored] of [...this.logs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const seqs: Record<string, AcceptorRecord> = {};
      for (const q of [...stored.records.keys()].sort((a, b) => a - b)) {
        seqs[q] = stored.records.get(q)!;
      }
      out[name] = seqs;
    }
    return out;
  }
}
