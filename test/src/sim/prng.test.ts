import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/sim/prng.ts';

const draw = (p: Prng, n: number) => Array.from({ length: n }, () => p.nextUint32());

describe('Prng', () => {
  it('gives the same numbers for the same seed and stream', () => {
    expect(draw(new Prng(42), 100)).toEqual(draw(new Prng(42), 100));
  });

  it('gives different numbers for different seeds and streams', () => {
    expect(draw(new Prng(42), 8)).not.toEqual(draw(new Prng(43), 8));
    expect(draw(new Prng(42, 1), 8)).not.toEqual(draw(new Prng(42, 2), 8));
  });

  it('is pinned: these numbers must never change, or old seeds stop replaying', () => {
    expect(draw(new Prng(1), 4)).toMatchInlineSnapshot(`
      [
        2049801877,
        2839965546,
        823784599,
        1687487412,
      ]
    `);
  });

  it('draws integers in range, each value about equally often', () => {
    const p = new Prng(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[p.int(0, 5)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws nothing for a zero probability, so a fault turned off leaves the run unchanged', () => {
    const a = new Prng(9);
    const b = new Prng(9);
    a.chance(0);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
