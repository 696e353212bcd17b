/** The shared fingerprint set: one insert wins, growth keeps every fingerprint. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedFingerprintSet } from '../../../../../conformance/tla/check/parallel/shared-fpset.ts';

describe('SharedFingerprintSet', () => {
  it('adds a fingerprint once, as a Set of pairs would', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer(), fc.integer()), { maxLength: 600 }), (pairs) => {
        const set = SharedFingerprintSet.create(2048);
        const model = new Set<string>();
        for (const [a, b] of pairs) {
          // 0 halves are stored as 1 (0 marks an empty slot).
          const key = `${a || 1},${b || 1}`;
          expect(set.add(a, b)).toBe(!model.has(key));
          model.add(key);
        }
        expect(set.size).toBe(model.size);
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it('keeps every fingerprint when it grows, and sees the same ones from another view', () => {
    const set = SharedFingerprintSet.create(1024);
    for (let i = 0; i < 700; i++) set.add(i * 7919, i);
    expect(set.fullerThan(0.5)).toBe(true);
    const bigger = set.grown(set.capacity * 4);
    expect(bigger.size).toBe(700);
    expect(bigger.fullerThan(0.5)).toBe(false);
    // A worker sees the set through the same buffers.
    const view = new SharedFingerprintSet(bigger.buffers);
    for (let i = 0; i < 700; i++) expect(view.add(i * 7919, i)).toBe(false);
    expect(view.add(1, 12345)).toBe(true);
    expect(bigger.size).toBe(701);
  });
});
