/**
 * Vector clocks: what each event of a run knows about every server's events. Entry `s - 1` of
 * an event's clock counts the events of server `s` that happened before it or are it, so one
 * event happened before another exactly when its clock is below the other's in every entry
 * (and differs in one). Messages and client requests and replies carry the sender's clock; the
 * receiver takes the entry-wise maximum. That is how trace validation knows which messages a
 * step could have relied on, and merges traces in an order that follows causality alone.
 */
import type { ServerId } from '../paxos/types.ts';

/** A vector clock's value: one count per server, index `s - 1` for server `s`. */
export type VectorTime = readonly number[];

/** A vector clock held by a server or a client. */
export class VectorClock {
  private entries: number[];

  /** A clock at zero, or continuing from `start` (a server that restarts keeps its trace's). */
  constructor(serverCount: number, start?: VectorTime) {
    this.entries = new Array<number>(serverCount).fill(0);
    if (start) this.receive(start);
  }

  /** The clock's value now (a copy: callers keep it on messages and events). */
  get time(): VectorTime {
    return [...this.entries];
  }

  /** Moves past a clock value seen on a message, request or reply. */
  receive(remote: VectorTime): void {
    const e = this.entries;
    for (let i = 0; i < e.length && i < remote.length; i++) if (remote[i] > e[i]) e[i] = remote[i];
  }

  /** Counts a new event of server `self`; returns the event's clock. */
  tick(self: ServerId): VectorTime {
    this.entries[self - 1]++;
    return this.time;
  }

  /** The clock of a process that has seen nothing yet. */
  static zero(serverCount: number): VectorTime {
    return new Array<number>(serverCount).fill(0);
  }
}

/** Whether the event with clock `a` happened before (or is) the one with clock `b`. */
export function happenedBefore(a: VectorTime, b: VectorTime): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > (b[i] ?? 0)) return false;
  return true;
}

/** The sum of a clock's entries: larger for an event than for any event before it. */
export function clockSum(t: VectorTime): number {
  let sum = 0;
  for (const x of t) sum += x;
  return sum;
}
