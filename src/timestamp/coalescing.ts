/**
 * The arithmetic of serving many callers with one request: which queued callers a request is
 * for, and how the range a server answers with is divided among them. Pure, so the rules can
 * be tested without a network.
 */

/** Anything that asks for a number of timestamps. */
export interface Demand {
  readonly count: number;
}

/**
 * How many callers at the head of `queue` one request serves: the longest prefix whose counts
 * add up to at most `cap` (at least one, since no count exceeds the cap).
 */
export function batchSize(queue: readonly Demand[], cap: number): number {
  let total = 0;
  let size = 0;
  for (const demand of queue) {
    if (size > 0 && total + demand.count > cap) break;
    total += demand.count;
    size += 1;
  }
  return size;
}

/** A caller's share of a range: its first and last timestamp. */
export interface Share {
  readonly lower: number;
  readonly upper: number;
}

/**
 * What a caller whose count no longer fits in a short range gets: nothing (`wait`: it is asked
 * for again, with every caller after it), or what is left of the range if anything (`share`:
 * the callers after it are asked for again). The client library promises exactly the count
 * asked for and waits; a server, like AtlasDB's `getFreshTimestamps`, may answer with fewer.
 */
export type Shortfall = 'wait' | 'share';

/**
 * Divides [lower, upper] among `batch` in order, each caller getting a contiguous share of its
 * count, until the first caller whose count no longer fits (see {@link Shortfall}); the
 * callers after it get nothing (they are asked for again, in the same order, so earlier
 * callers never get later timestamps than later callers). What is left over is not returned:
 * it must not be handed to callers that arrive later, who may have seen larger timestamps.
 *
 * @returns one share per served caller, for `batch[0]`, `batch[1]`, ...
 */
export function divideRange(
  lower: number,
  upper: number,
  batch: readonly Demand[],
  shortfall: Shortfall = 'wait',
): Share[] {
  const shares: Share[] = [];
  let next = lower;
  for (const { count } of batch) {
    if (next > upper) break;
    const last = next + count - 1;
    if (last > upper) {
      if (shortfall === 'share') shares.push({ lower: next, upper });
      break;
    }
    shares.push({ lower: next, upper: last });
    next = last + 1;
  }
  return shares;
}
