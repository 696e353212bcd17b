/**
 * Coalescing of fresh-timestamp requests, per key (a namespace): at most one range request is
 * in flight per key, and the callers that arrive meanwhile are served together by the next one,
 * which asks for the sum of their counts (capped). Its range is shared out in arrival order, each
 * caller getting the count it asked for. A server may answer with fewer timestamps than asked
 * (its agreed bound allows no more now; AtlasDB's `getFreshTimestamps` may return fewer too): the
 * first caller the range does not cover gets what is left, if anything, and the callers after it
 * wait for the next request. So every answer serves at least one caller, and nothing is dropped
 * but what no caller asked for.
 *
 * Why a caller never shares the request that is in flight when it arrives: that request may
 * have been answered (by the server) before a request of someone else completed, so its range
 * can be below a timestamp already handed out before this caller started; only a request sent
 * after the caller arrived is sure to be above everything handed out before (real-time order,
 * the spec's `Serve` after a check that started after the request arrived). Leftovers are never
 * kept for later callers for the same reason.
 *
 * A server uses it to turn concurrent clients into one core request and one leadership check.
 * The client library batches its callers by the same rules (./coalescing.ts), with deadlines
 * and retries of its own around them.
 */
import { batchSize, divideRange } from './coalescing.ts';

/** A range of timestamps, both ends included. */
export interface TimestampRange {
  readonly lower: number;
  readonly upper: number;
  /** The election term the range was served under, when the server said; each share keeps it. */
  readonly term?: number;
}

interface Waiter {
  readonly count: number;
  readonly resolve: (range: TimestampRange) => void;
  readonly reject: (error: unknown) => void;
}

interface KeyQueue {
  readonly waiting: Waiter[];
  /** The callers of the request in flight (empty when none is). */
  serving: Waiter[];
  inFlight: boolean;
}

/** See the module comment. */
export class RangeBatcher {
  private readonly queues = new Map<string, KeyQueue>();

  /**
   * @param fetchRange asks for `count` timestamps for `key`: resolves to a range of at most
   *   `count` (at least one) or rejects, which rejects every caller of that batch.
   * @param maxBatch the most timestamps one request may ask for.
   */
  constructor(
    private readonly fetchRange: (key: string, count: number) => Promise<TimestampRange>,
    private readonly maxBatch: number,
  ) {}

  /** Up to `count` fresh timestamps for `key` (1 to `maxBatch`); fewer only as described above. */
  take(key: string, count: number): Promise<TimestampRange> {
    if (!Number.isInteger(count) || count < 1 || count > this.maxBatch)
      return Promise.reject(
        new RangeError(`a batch asks for 1 to ${this.maxBatch} timestamps, not ${count}`),
      );
    let queue = this.queues.get(key);
    if (queue === undefined)
      this.queues.set(key, (queue = { waiting: [], serving: [], inFlight: false }));
    const promise = new Promise<TimestampRange>((resolve, reject) =>
      queue.waiting.push({ count, resolve, reject }),
    );
    if (!queue.inFlight) this.dispatch(key, queue);
    return promise;
  }

  /** How many callers are waiting or being served, over all keys. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.waiting.length + q.serving.length;
    return n;
  }

  private dispatch(key: string, queue: KeyQueue): void {
    if (queue.waiting.length === 0) {
      this.queues.delete(key);
      return;
    }
    const batch = queue.waiting.splice(0, batchSize(queue.waiting, this.maxBatch));
    const total = batch.reduce((sum, w) => sum + w.count, 0);
    queue.inFlight = true;
    queue.serving = batch;
    const done = () => {
      queue.serving = [];
      queue.inFlight = false;
      this.dispatch(key, queue);
    };
    this.fetchRange(key, total).then(
      (range) => {
        const shares = divideRange(range.lower, range.upper, batch, 'share');
        const term = range.term;
        shares.forEach((share, i) =>
          batch[i].resolve(term === undefined ? share : { ...share, term }),
        );
        queue.waiting.unshift(...batch.slice(shares.length));
        done();
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
        done();
      },
    );
  }
}
