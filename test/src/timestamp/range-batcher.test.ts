/**
 * Coalescing fresh-timestamp callers: one request in flight per key, each caller served exactly
 * its count by a request sent after it arrived, ranges never shared, callers a short range did
 * not cover served by a later request, and a failure reaching exactly the callers of its batch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeBatcher, type TimestampRange } from '../../../src/timestamp/range-batcher.ts';

/** A fake server: a counter per key, answering when told, at most `cap` per request. */
class FakeSource {
  readonly sent: Array<{ key: string; count: number; at: number; answer: () => void }> = [];
  private readonly counters = new Map<string, number>();
  clock = 0;
  constructor(private readonly cap = Infinity) {}

  fetch = (key: string, count: number): Promise<TimestampRange> =>
    new Promise((resolve) => {
      const at = this.clock++;
      this.sent.push({
        key,
        count,
        at,
        answer: () => {
          const lower = (this.counters.get(key) ?? 0) + 1;
          const upper = lower + Math.min(count, this.cap) - 1;
          this.counters.set(key, upper);
          resolve({ lower, upper });
        },
      });
    });
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RangeBatcher', () => {
  it('serves callers that arrive while a request is in flight with the next request', async () => {
    const source = new FakeSource();
    const batcher = new RangeBatcher(source.fetch, 100);
    const first = batcher.take('a', 2);
    const second = batcher.take('a', 3);
    const third = batcher.take('a', 1);
    expect(source.sent.map((s) => s.count)).toEqual([2]);
    source.sent[0].answer();
    expect(await first).toEqual({ lower: 1, upper: 2 });
    await settle();
    expect(source.sent.map((s) => s.count)).toEqual([2, 4]);
    source.sent[1].answer();
    expect(await second).toEqual({ lower: 3, upper: 5 });
    expect(await third).toEqual({ lower: 6, upper: 6 });
  });

  it('gives the first caller a short range does not cover what is left; the next ones wait', async () => {
    const source = new FakeSource(3);
    const batcher = new RangeBatcher(source.fetch, 100);
    const calls = [1, 2, 2, 2].map((n) => batcher.take('a', n));
    source.sent[0].answer(); // asks 1, gets 1
    await settle();
    source.sent[1].answer(); // asks 6, gets 3: 2 for the second caller, 1 for the third
    await settle();
    expect(source.sent.map((s) => s.count)).toEqual([1, 6, 2]);
    source.sent[2].answer();
    expect(await Promise.all(calls)).toEqual([
      { lower: 1, upper: 1 },
      { lower: 2, upper: 3 },
      { lower: 4, upper: 4 },
      { lower: 5, upper: 6 },
    ]);
  });

  it('caps a batch and rejects counts out of range', async () => {
    const source = new FakeSource();
    const batcher = new RangeBatcher(source.fetch, 10);
    void batcher.take('a', 1);
    void batcher.take('a', 6);
    void batcher.take('a', 6);
    source.sent[0].answer();
    await settle();
    expect(source.sent.map((s) => s.count)).toEqual([1, 6]);
    await expect(batcher.take('a', 11)).rejects.toThrow(/1 to 10 timestamps, not 11/);
    await expect(batcher.take('a', 0)).rejects.toThrow(RangeError);
  });

  it('rejects exactly the callers of a failed batch, and goes on with the others', async () => {
    let fail = true;
    const batcher = new RangeBatcher(async (_key, count) => {
      await settle();
      if (fail) throw new Error('refused');
      return { lower: 10, upper: 9 + count };
    }, 100);
    const failed = batcher.take('a', 1);
    fail = true;
    const next = batcher.take('a', 2);
    await expect(failed).rejects.toThrow('refused');
    fail = false;
    expect(await next).toEqual({ lower: 10, upper: 11 });
    expect(batcher.pending).toBe(0);
  });

  it('gives every caller 1 to its count, disjoint, above all it could have seen (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ key: fc.constantFrom('a', 'b'), count: fc.integer({ min: 1, max: 7 }) }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        async (calls, answerFirst, cap) => {
          const source = new FakeSource(cap);
          const batcher = new RangeBatcher(source.fetch, 10);
          const results: Array<{
            key: string;
            count: number;
            arrived: number;
            range?: TimestampRange;
          }> = [];
          const completedBefore = new Map<string, number>();
          let step = 0;
          const answerOne = async () => {
            const open = source.sent.find((s) => !(s as { done?: boolean }).done);
            if (open === undefined) return;
            (open as { done?: boolean }).done = true;
            open.answer();
            await settle();
          };
          for (const call of calls) {
            if (answerFirst[step++ % answerFirst.length]) await answerOne();
            const arrived = source.clock;
            const seen = completedBefore.get(call.key) ?? 0;
            const entry: (typeof results)[number] = { ...call, arrived };
            results.push(entry);
            void batcher.take(call.key, call.count).then((range) => {
              entry.range = range;
              expect(range.lower).toBeGreaterThan(seen);
              completedBefore.set(
                call.key,
                Math.max(completedBefore.get(call.key) ?? 0, range.upper),
              );
            });
          }
          for (let i = 0; i < 200 && batcher.pending > 0; i++) await answerOne();
          expect(batcher.pending).toBe(0);
          await settle();
          for (const key of ['a', 'b']) {
            const ranges = results.filter((r) => r.key === key).map((r) => r.range!);
            ranges.forEach((r, i) => {
              expect(r.upper).toBeGreaterThanOrEqual(r.lower);
              expect(r.upper - r.lower + 1).toBeLessThanOrEqual(
                results.filter((x) => x.key === key)[i].count,
              );
            });
            const sorted = [...ranges].sort((x, y) => x.lower - y.lower);
            for (let i = 1; i < sorted.length; i++)
              expect(sorted[i].lower).toBeGreaterThan(sorted[i - 1].upper);
          }
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });
});
