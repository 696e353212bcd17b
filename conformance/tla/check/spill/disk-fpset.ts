/**
 * The set of seen fingerprints under a memory limit, in the manner of TLC's DiskFPSet: new
 * fingerprints go into an in-memory table of fixed size; when it is three quarters full its
 * entries are sorted and merged into a sorted file on disk, and the table starts empty again.
 * A lookup asks the table, then a Bloom filter of what is on disk, and only when the filter
 * says "maybe", the file (one page read, found through an in-memory index of pages).
 *
 * Of the memory it is given, a quarter goes to the Bloom filter and the rest to the table (8
 * bytes a slot); the page index, 8 bytes per 512 fingerprints on disk, comes on top.
 */
import { BloomFilter } from './bloom.ts';
import { MAJOR, MINOR, SortedFingerprintFile } from './sorted-fp-file.ts';

/** What the explorer asks of its set of seen fingerprints (FingerprintSet in memory). */
export interface SeenFingerprints {
  readonly size: number;
  /** Adds (h1, h2) unless present; -1 when it was added, else the id stored (see below). */
  putIfAbsent(h1: number, h2: number, id: number): number;
}

/** The fewest table slots, however small the limit: a flush then moves at least 48 entries. */
const MIN_SLOTS = 64;

export class DiskFingerprintSet implements SeenFingerprints {
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  private readonly mask: number;
  private readonly flushAt: number;
  /** (0, 0) marks an empty slot, so that fingerprint is remembered apart. */
  private zeroInTable = false;
  private inTable = 0;
  private readonly bloom: BloomFilter;
  private readonly file: SortedFingerprintFile;
  /** How many times the table was merged into the file. */
  flushes = 0;

  /**
   * `budgetBytes`: memory for the table and the filter; `fds`: two empty files (spill-dir.ts);
   * `onFlush` is told after each merge (for progress lines).
   */
  constructor(
    budgetBytes: number,
    fds: [number, number],
    private readonly onFlush?: (set: DiskFingerprintSet) => void,
  ) {
    this.bloom = new BloomFilter(budgetBytes / 4);
    let slots = MIN_SLOTS;
    while (slots * 2 * 8 <= budgetBytes - this.bloom.byteLength) slots *= 2;
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.mask = slots - 1;
    this.flushAt = (slots * 3) >>> 2;
    this.file = new SortedFingerprintFile(fds);
  }

  /** Fingerprints seen, in memory and on disk. */
  get size(): number {
    return this.inTable + this.file.size;
  }

  /** Fingerprints on disk. */
  get onDisk(): number {
    return this.file.size;
  }

  get diskBytes(): number {
    return this.file.byteLength;
  }

  /**
   * Ids are not kept (the explorer needs them only for the liveness graph, which is never
   * spilled): a fingerprint already present answers 0.
   */
  putIfAbsent(h1: number, h2: number): number {
    let i = -1;
    if (h1 === 0 && h2 === 0) {
      if (this.zeroInTable) return 0;
    } else {
      i = (h1 ^ (h2 >>> 7)) & this.mask;
      for (;;) {
        const a = this.hi[i],
          b = this.lo[i];
        if (a === h1 && b === h2) return 0;
        if (a === 0 && b === 0) break;
        i = (i + 1) & this.mask;
      }
    }
    if (
      this.file.size > 0 &&
      this.bloom.mayContain(h1, h2) &&
      this.file.contains(h1 >>> 0, h2 >>> 0)
    )
      return 0;
    if (i < 0) this.zeroInTable = true;
    else {
      this.hi[i] = h1;
      this.lo[i] = h2;
    }
    if (++this.inTable >= this.flushAt) this.flush();
    return -1;
  }

  /** Sorts the table's entries, merges them into the file and empties the table. */
  private flush(): void {
    const batch = new Uint32Array(2 * this.inTable);
    let n = 0;
    const put = (h1: number, h2: number) => {
      batch[2 * n + MAJOR] = h1;
      batch[2 * n + MINOR] = h2;
      n++;
      this.bloom.add(h1, h2);
    };
    if (this.zeroInTable) put(0, 0);
    for (let i = 0; i < this.hi.length; i++) {
      if (this.hi[i] !== 0 || this.lo[i] !== 0) put(this.hi[i], this.lo[i]);
    }
    new BigUint64Array(batch.buffer).sort();
    this.file.merge(batch, n);
    this.hi.fill(0);
    this.lo.fill(0);
    this.zeroInTable = false;
    this.inTable = 0;
    this.flushes++;
    this.onFlush?.(this);
  }
}
