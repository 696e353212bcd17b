/**
 * The lock table of one namespace at the leader (the spec's `locks[s][c]`, spec/Locks.tla):
 * exclusive locks on sets of descriptors, acquired all or nothing, each descriptor with a FIFO
 * queue of waiters. A waiter is grantable when every descriptor it asks for is free and the
 * waiter is first in each one's queue: the earliest waiter is always first in all its queues,
 * so some waiter can always go ahead once the holders release (no deadlock), and no later
 * waiter overtakes an earlier one on a shared descriptor (no starvation). Pure: times are
 * given by the caller; nothing here reads a clock.
 */

/** The spec's `LockStates`. */
export const LOCK_STATES = ['none', 'waiting', 'held', 'refreshing'] as const;

/** One of {@link LOCK_STATES}. */
export type LockState = (typeof LOCK_STATES)[number];

/** A lock id as servers make them: 128 random bits as 32 lower-case hex digits. */
export const LOCK_ID_PATTERN = '^[0-9a-f]{32}$';

/** The spec's `locks[s][c][h]`: what traces log for a lock entry. */
export interface LockEntry {
  readonly st: LockState;
  /** The descriptors, sorted and distinct; none for an immutable-timestamp lock. */
  readonly descs: readonly string[];
  /** The server's last fresh number when the request (or the refresh) arrived. */
  readonly after: number;
  /** The fencing token: the namespace timestamp the grant took (0 until granted). */
  readonly fencing: number;
  /** The election term the lock was granted under (0 until granted). */
  readonly term: number;
}

/** The spec's `NoLock`: the entry of a lock id the table does not know. */
export const NO_LOCK: LockEntry = { st: 'none', descs: [], after: 0, fencing: 0, term: 0 };

/** A lock the table knows, with the times that end it. */
export interface LockSlot {
  readonly id: string;
  entry: LockEntry;
  /** Waiting: the acquire deadline. Held: the lease's end. Refreshing: the refresh's deadline. */
  deadline: number;
  /** How long a grant or a refresh extends the lease. */
  readonly leaseMs: number;
  /** Held or refreshing: when the lease ends, kept while a refresh is pending. */
  leaseUntil: number;
}

/** The lock table of one namespace. */
export class LockTable {
  /** In arrival order: Map keeps insertion order, and a waiter is inserted once. */
  private readonly slots = new Map<string, LockSlot>();
  private readonly queues = new Map<string, string[]>();
  private readonly owners = new Map<string, string>();
  private changes: Record<string, LockEntry> | null = null;

  /** The slot of lock `id`, if the table knows it. */
  get(id: string): LockSlot | undefined {
    return this.slots.get(id);
  }

  /** Every slot, in arrival order. */
  all(): IterableIterator<LockSlot> {
    return this.slots.values();
  }

  get size(): number {
    return this.slots.size;
  }

  /** A new waiter (the spec's `LockRequest`); the caller checked that `id` is new. */
  request(
    id: string,
    descs: readonly string[],
    after: number,
    deadline: number,
    leaseMs: number,
  ): void {
    const slot: LockSlot = {
      id,
      entry: { ...NO_LOCK, st: 'waiting', descs, after },
      deadline,
      leaseMs,
      leaseUntil: 0,
    };
    this.slots.set(id, slot);
    for (const d of descs) {
      let queue = this.queues.get(d);
      if (queue === undefined) this.queues.set(d, (queue = []));
      queue.push(id);
    }
    this.wrote(slot);
  }

  /** The earliest waiter that may be granted now and that `ready` accepts. */
  firstGrantable(ready: (slot: LockSlot) => boolean): LockSlot | undefined {
    for (const slot of this.slots.values()) {
      if (slot.entry.st !== 'waiting') continue;
      if (slot.entry.descs.every((d) => this.isNext(slot.id, d)) && ready(slot)) return slot;
    }
    return undefined;
  }

  /** Whether `id` may take descriptor `d`: nobody holds it, and `id` is first in its queue. */
  private isNext(id: string, d: string): boolean {
    return !this.owners.has(d) && this.queues.get(d)?.[0] === id;
  }

  /** The spec's `LockGrant`: the waiter holds its descriptors, fenced by `fencing`. */
  grant(slot: LockSlot, fencing: number, term: number, now: number): void {
    for (const d of slot.entry.descs) {
      this.dequeue(slot.id, d);
      this.owners.set(d, slot.id);
    }
    slot.entry = { ...slot.entry, st: 'held', fencing, term };
    slot.leaseUntil = slot.deadline = now + slot.leaseMs;
    this.wrote(slot);
  }

  /** The spec's `LockRefreshRequest`: a refresh of a held lock arrived. */
  refreshRequest(slot: LockSlot, after: number, deadline: number): void {
    slot.entry = { ...slot.entry, st: 'refreshing', after };
    slot.deadline = Math.min(deadline, slot.leaseUntil);
    this.wrote(slot);
  }

  /** The spec's `LockRefresh`: the lock is confirmed, and its lease starts again. */
  refreshed(slot: LockSlot, now: number): void {
    slot.entry = { ...slot.entry, st: 'held' };
    slot.leaseUntil = slot.deadline = now + slot.leaseMs;
    this.wrote(slot);
  }

  /** The spec's `LockRelease`: the entry ends, whatever its state. */
  release(slot: LockSlot): void {
    for (const d of slot.entry.descs) {
      if (this.owners.get(d) === slot.id) this.owners.delete(d);
      else this.dequeue(slot.id, d);
    }
    this.slots.delete(slot.id);
    (this.changes ??= {})[slot.id] = NO_LOCK;
  }

  /** The earliest entry whose deadline passed by `now`. */
  firstExpired(now: number): LockSlot | undefined {
    for (const slot of this.slots.values()) if (slot.deadline <= now) return slot;
    return undefined;
  }

  /** The earliest deadline, or Infinity. */
  nextDeadline(): number {
    let next = Infinity;
    for (const slot of this.slots.values()) next = Math.min(next, slot.deadline);
    return next;
  }

  /** The least fencing token among the held immutable-timestamp locks (no descriptors). */
  leastImmutable(): number | null {
    let least: number | null = null;
    for (const { entry } of this.slots.values())
      if (
        entry.descs.length === 0 &&
        entry.st !== 'waiting' &&
        (least === null || entry.fencing < least)
      )
        least = entry.fencing;
    return least;
  }

  /** The entries written since the last call, by lock id (`NO_LOCK` for one that ended). */
  takeChanges(): Record<string, LockEntry> | null {
    const changes = this.changes;
    this.changes = null;
    return changes;
  }

  private wrote(slot: LockSlot): void {
    (this.changes ??= {})[slot.id] = slot.entry;
  }

  private dequeue(id: string, d: string): void {
    const queue = this.queues.get(d);
    if (queue === undefined) return;
    const i = queue.indexOf(id);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.queues.delete(d);
  }
}
