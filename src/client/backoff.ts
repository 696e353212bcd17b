/**
 * Waiting between rounds of failed attempts: exponential backoff with full jitter (a uniformly
 * random delay up to the exponential cap), so that many clients that lost the leader at the
 * same moment do not come back at the same moment.
 */

/** How long to wait between rounds of failed attempts. */
export interface BackoffOptions {
  /** The cap on the first wait, in milliseconds; each further round doubles it. */
  readonly baseMs: number;
  /** The largest cap, in milliseconds, however many rounds failed. */
  readonly maxMs: number;
}

/** The backoff a {@link TimelockClient} uses unless told otherwise. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 25, maxMs: 1000 };

/**
 * The wait after `failedRounds` rounds (1 for the first): uniform in [0, cap) with cap =
 * min(maxMs, baseMs * 2^(failedRounds - 1)). `random` returns numbers in [0, 1).
 */
export function fullJitterDelay(
  failedRounds: number,
  backoff: BackoffOptions,
  random: () => number,
): number {
  // Past 2^30 the cap is maxMs anyway; clamping the exponent keeps it from overflowing.
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failedRounds - 1, 30));
  return random() * cap;
}

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts, so that closing a client
 * leaves no timer behind.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
}
