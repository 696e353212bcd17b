/**
 * The disk fingerprint set answers as a plain Set would, however often it merges to disk.
 * fast-check runs with a fixed seed; on failure it prints the seed and the shrunk case.
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiskFingerprintSet } from '../../../../../conformance/tla/check/spill/disk-fpset.ts';
import { SpillDir } from '../../../../../conformance/tla/check/spill/spill-dir.ts';

/** Runs `body` with a fresh fingerprint set of `budget` bytes, then checks its files are gone. */
function withSet<T>(budget: number, body: (set: DiskFingerprintSet) => T): T {
  const dir = new SpillDir();
  try {
    const set = new DiskFingerprintSet(budget, [dir.open('a'), dir.open('b')]);
    dir.seal();
    return body(set);
  } finally {
    dir.close();
    expect(existsSync(dir.path)).toBe(false);
  }
}

// Words from a small pool (so that fingerprints repeat and share halves), with the extremes
// that unsigned ordering and the empty-slot marker could get wrong.
const word = fc.oneof(
  fc.constantFrom(0, -1, 1, 0x7fffffff, -0x80000000),
  fc.integer({ min: -40, max: 40 }),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
);
const fingerprints = fc.array(fc.tuple(word, word), { maxLength: 3000 });

describe('DiskFingerprintSet', () => {
  it('agrees with a Set on every insertion, across many merges', () => {
    fc.assert(
      fc.property(fingerprints, fc.constantFrom(0, 600, 2048, 1 << 16), (fps, budget) =>
        withSet(budget, (set) => {
          const model = new Set<string>();
          for (const [h1, h2] of fps) {
            const key = `${h1},${h2}`;
            const added = set.putIfAbsent(h1, h2) === -1;
            expect(added).toBe(!model.has(key));
            model.add(key);
            expect(set.size).toBe(model.size);
          }
          // Everything is still found afterwards, from memory or from disk.
          for (const [h1, h2] of fps) expect(set.putIfAbsent(h1, h2)).not.toBe(-1);
          expect(set.size).toBe(model.size);
        }),
      ),
      { seed: 20240611, numRuns: 60 },
    );
  });

  it('spills to disk under a small limit and keeps counting exactly', () => {
    withSet(1024, (set) => {
      for (let i = 0; i < 20_000; i++) expect(set.putIfAbsent(i * 7919, -i)).toBe(-1);
      for (let i = 0; i < 20_000; i += 3) expect(set.putIfAbsent(i * 7919, -i)).toBe(0);
      expect(set.size).toBe(20_000);
      expect(set.flushes).toBeGreaterThan(100);
      expect(set.onDisk).toBeGreaterThan(19_000);
    });
  });
});
