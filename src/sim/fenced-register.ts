/**
 * A resource kept outside the cluster and guarded by fencing tokens, as a lock's users keep
 * one: a counter that accepts a read or a write only with a token at least as high as any it
 * has seen, and remembers the highest. A holder increments it by a read and a later write; a
 * lost update is a write accepted although another write was accepted since its read. A lock
 * service whose fencing tokens grow across leaders never lets one happen, however stale the
 * holder's belief that it holds the lock.
 */

/** What a holder read: the value, and the register's version at the read. */
export interface FencedRead {
  readonly value: number;
  readonly version: number;
}

/** How a fenced write ended. */
export type FencedWrite = 'accepted' | 'fenced-off' | 'lost-update';

export class FencedRegister {
  private value = 0;
  private version = 0;
  private highest = 0;
  /** Writes accepted. */
  accepted = 0;

  /** A read with `token`, or null when a higher token was seen (the holder was superseded). */
  read(token: number): FencedRead | null {
    if (token < this.highest) return null;
    this.highest = token;
    return { value: this.value, version: this.version };
  }

  /** Writes what `read` saw plus one, with `token`. */
  increment(token: number, read: FencedRead): FencedWrite {
    if (token < this.highest) return 'fenced-off';
    this.highest = token;
    const lost = read.version !== this.version;
    this.value = read.value + 1;
    this.version++;
    this.accepted++;
    return lost ? 'lost-update' : 'accepted';
  }

  get current(): number {
    return this.value;
  }
}
