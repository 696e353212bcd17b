/**
 * A Bloom filter of 64-bit fingerprints, of fixed size. It stands in front of the fingerprints
 * on disk: most fingerprints looked up there are new states', and "certainly absent" then costs
 * no disk read. Its size stays what the memory limit gave it, so as the disk set grows it answers
 * "maybe" more often, and lookups only get slower, never wrong.
 */
export class BloomFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;

  /** A filter of at most `bytes` bytes (rounded down to a power of two, at least 64). */
  constructor(bytes: number) {
    let words = 16;
    while (words * 2 * 4 <= bytes) words *= 2;
    this.bits = new Int32Array(words);
    this.mask = words * 32 - 1;
  }

  get byteLength(): number {
    return this.bits.byteLength;
  }

  add(h1: number, h2: number): void {
    // Fingerprints are well mixed already: derive the probes by double hashing.
    const step = h2 | 1;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + step) | 0) {
      const bit = h & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  /** False when (h1, h2) was certainly never added. */
  mayContain(h1: number, h2: number): boolean {
    const step = h2 | 1;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + step) | 0) {
      const bit = h & this.mask;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const PROBES = 3;
