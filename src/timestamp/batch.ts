/**
 * How many timestamps one request may ask for.
 */

/**
 * The most timestamps one request may ask for. Large enough that a client can amortise a
 * round trip over many timestamps, small enough that one client cannot exhaust a bound that
 * other clients' requests are waiting on (AtlasDB caps a batch at the same number).
 */
export const MAX_BATCH = 10_000;

/** A batch size that is not an integer in 1..{@link MAX_BATCH}. */
export class BatchSizeError extends RangeError {
  constructor(readonly requested: unknown) {
    super(
      `a request must ask for a whole number of timestamps from 1 to ${MAX_BATCH}, got ${String(requested)}`,
    );
    this.name = 'BatchSizeError';
  }
}

/** Whether `count` is a whole number from 1 to {@link MAX_BATCH}. */
export function isValidBatchSize(count: unknown): count is number {
  return typeof count === 'number' && Number.isInteger(count) && count >= 1 && count <= MAX_BATCH;
}

/** Returns `count` if it is a valid batch size; throws {@link BatchSizeError} otherwise. */
export function validateBatchSize(count: unknown): number {
  if (!isValidBatchSize(count)) throw new BatchSizeError(count);
  return count;
}
