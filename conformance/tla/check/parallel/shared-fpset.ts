/**
 * The set of seen state fingerprints shared by the worker threads of the parallel explorer:
 * open addressing in a SharedArrayBuffer, two 32-bit words a slot, claimed with
 * Atomics.compareExchange so that two workers inserting the same fingerprint agree on which of
 * them added it (the one whose exchange succeeded). It keeps no payload: states stay in the
 * worker that found them.
 *
 * A slot's first word is 0 while empty, its second 0 until the claimer has written it; so a
 * fingerprint whose halves are 0 is stored with 1 there instead (this merges fingerprints that
 * differ only by that, a 2^-32 chance per pair on top of the 64-bit collisions TLC also accepts).
 *
 * The table cannot grow while workers insert: the coordinator grows it between levels, or after
 * pausing the workers when it fills up ({@link SharedFingerprintSet.fullerThan}).
 */

/** Between levels, the coordinator grows the table when it is fuller than this. */
export const GROW_LOAD = 0.5;
/** Workers stop expanding (the coordinator grows the table) when it is fuller than this. */
export const PAUSE_LOAD = 0.75;

/** The buffers of a shared set, as posted to a worker thread. */
export interface SharedFingerprintBuffers {
  readonly slots: SharedArrayBuffer;
  /** Word 0: the number of fingerprints in the set. */
  readonly meta: SharedArrayBuffer;
}

export class SharedFingerprintSet {
  private readonly slots: Int32Array;
  private readonly meta: Int32Array;
  private readonly mask: number;
  /** Number of slots. */
  readonly capacity: number;

  constructor(readonly buffers: SharedFingerprintBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.meta = new Int32Array(buffers.meta);
    this.capacity = this.slots.length >> 1;
    this.mask = this.capacity - 1;
  }

  /** An empty set with room for `capacity` slots (rounded up to a power of two). */
  static create(capacity: number): SharedFingerprintSet {
    let cap = 1024;
    while (cap < capacity) cap *= 2;
    return new SharedFingerprintSet({
      slots: new SharedArrayBuffer(cap * 8),
      meta: new SharedArrayBuffer(8),
    });
  }

  get size(): number {
    return Atomics.load(this.meta, 0);
  }

  /** Whether more than `load` (a fraction) of the slots are taken. */
  fullerThan(load: number): boolean {
    return this.size > this.capacity * load;
  }

  /** Adds (h1, h2); true when it was not in the set (this caller added it). */
  add(h1: number, h2: number): boolean {
    if (h1 === 0) h1 = 1;
    if (h2 === 0) h2 = 1;
    const slots = this.slots;
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    // Probing reads plainly (an Atomics call costs about a microsecond here, and a word once
    // non-zero never changes): only claiming a slot, and waiting for a half being written, need
    // Atomics.
    for (let probes = 0; probes <= this.mask; probes++) {
      const at = i << 1;
      let first = slots[at];
      if (first === 0) {
        first = Atomics.compareExchange(slots, at, 0, h1);
        if (first === 0) {
          Atomics.store(slots, at + 1, h2);
          Atomics.add(this.meta, 0, 1);
          return true;
        }
      }
      if (first === h1) {
        let second = slots[at + 1];
        // Claimed by another worker that has not written the second half yet: a few
        // instructions away.
        while (second === 0) second = Atomics.load(slots, at + 1);
        if (second === h2) return false;
      }
      i = (i + 1) & this.mask;
    }
    throw new Error('the shared fingerprint table is full');
  }

  /** A set with room for `capacity` slots holding the same fingerprints (no insert may run). */
  grown(capacity: number): SharedFingerprintSet {
    const bigger = SharedFingerprintSet.create(capacity);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] !== 0) bigger.add(slots[i], slots[i + 1]);
    }
    return bigger;
  }
}
