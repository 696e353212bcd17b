/**
 * A server's lock tables, one per namespace (the spec's `locks[s]`), and what the server core
 * asks of them as a whole: which namespaces and arrivals wait for a leadership check, the next
 * deadline, and the entries written since the last trace event.
 */
import type { ClientId } from '../server/messages.ts';
import { LockTable, type LockEntry } from './lock-table.ts';
import type { LockId } from './messages.ts';

export class LockTables {
  private readonly tables = new Map<ClientId, LockTable>();

  /** The table of `namespace`, if it ever had a lock here. */
  table(namespace: ClientId): LockTable | undefined {
    return this.tables.get(namespace);
  }

  /** The table of `namespace`, made empty if it had none. */
  tableFor(namespace: ClientId): LockTable {
    let table = this.tables.get(namespace);
    if (table === undefined) this.tables.set(namespace, (table = new LockTable()));
    return table;
  }

  entries(): IterableIterator<[ClientId, LockTable]> {
    return this.tables.entries();
  }

  /** Namespaces with a lock request or a refresh waiting. */
  *namespacesWaiting(): Iterable<ClientId> {
    for (const [c, table] of this.tables) {
      for (const slot of table.all()) {
        if (slot.entry.st === 'waiting' || slot.entry.st === 'refreshing') {
          yield c;
          break;
        }
      }
    }
  }

  /** The fresh counter at arrival of each lock request or refresh that waits. */
  *pendingArrivals(): Iterable<number> {
    for (const table of this.tables.values())
      for (const slot of table.all())
        if (slot.entry.st === 'waiting' || slot.entry.st === 'refreshing') yield slot.entry.after;
  }

  nextDeadline(): number {
    let next = Infinity;
    for (const table of this.tables.values()) next = Math.min(next, table.nextDeadline());
    return next;
  }

  isEmpty(): boolean {
    for (const table of this.tables.values()) if (table.size > 0) return false;
    return true;
  }

  counts(): { readonly held: number; readonly waiting: number } {
    let held = 0;
    let waiting = 0;
    for (const table of this.tables.values())
      for (const slot of table.all())
        if (slot.entry.st === 'waiting') waiting++;
        else held++;
    return { held, waiting };
  }

  /** The entries written since the last call, by namespace and lock id; null if none. */
  takeChanges(): Record<ClientId, Record<LockId, LockEntry>> | null {
    let changes: Record<ClientId, Record<LockId, LockEntry>> | null = null;
    for (const [c, table] of this.tables) {
      const written = table.takeChanges();
      if (written !== null) (changes ??= {})[c] = written;
    }
    return changes;
  }
}
