/**
 * The set of seen state fingerprints: open addressing over typed arrays (12 bytes a state), so
 * that millions of states cost tens of megabytes instead of a JS Set's hundreds.
 */
export class FingerprintSet {
  private hi: Int32Array;
  private lo: Int32Array;
  /** Payload per entry (the explorer stores the state's index); -1 marks an empty slot. */
  private ids: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The id stored for (h1, h2), or -1. */
  get(h1: number, h2: number): number {
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const id = this.ids[i];
      if (id === -1) return -1;
      if (this.hi[i] === h1 && this.lo[i] === h2) return id;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds (h1, h2) with `id` unless present; returns the existing id, or -1 when it was added. */
  putIfAbsent(h1: number, h2: number, id: number): number {
    if ((this.count + 1) * 2 > this.ids.length) this.grow();
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const cur = this.ids[i];
      if (cur === -1) {
        this.hi[i] = h1;
        this.lo[i] = h2;
        this.ids[i] = id;
        this.count++;
        return -1;
      }
      if (this.hi[i] === h1 && this.lo[i] === h2) return cur;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { hi, lo, ids } = this;
    const cap = ids.length * 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] !== -1) this.putIfAbsent(hi[i], lo[i], ids[i]);
  }
}
