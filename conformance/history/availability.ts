/**
 * Availability figures of a history: how much of the time the cluster answered, as a client
 * sees it. A safe timestamp service may refuse; these figures say how often and for how long,
 * and how quickly it came back after each fault.
 */
import type { TimestampOperation } from './timestamp-history.ts';

/** A fault's start, for {@link availability}'s failover times. */
export interface FaultStart {
  readonly index: number;
  readonly kind: string;
  readonly startMs: number;
}

/** What {@link availability} measures. */
export interface Availability {
  readonly operations: number;
  /** Operations that got timestamps. */
  readonly answered: number;
  /** answered / operations (1 when there were none). */
  readonly share: number;
  /**
   * The longest time without an answer: between two consecutive ok completions, or from the
   * start to the first, or from the last to the end. Null when nothing was asked.
   */
  readonly longestGap: { readonly fromMs: number; readonly toMs: number } | null;
  /**
   * For each fault, the time from its start until an operation invoked at or after the start was
   * answered (null: none was before the end). A fault the cluster did not notice shows about one
   * operation's latency.
   */
  readonly failovers: ReadonlyArray<FaultStart & { readonly ms: number | null }>;
}

/**
 * The figures of {@link Availability} for `ops` over the window `startMs..endMs` (the
 * workload's), with failover times after each of `faults`.
 */
export function availability(
  ops: readonly TimestampOperation[],
  window: { readonly startMs: number; readonly endMs: number },
  faults: readonly FaultStart[] = [],
): Availability {
  const answeredAt = ops
    .filter((op) => op.outcome.kind === 'ok')
    .map((op) => op.completedAt)
    .sort((a, b) => a - b);
  let longestGap: Availability['longestGap'] = null;
  if (ops.length > 0) {
    const marks = [window.startMs, ...answeredAt, Math.max(window.endMs, window.startMs)];
    for (let i = 1; i < marks.length; i++) {
      const gap = marks[i]! - marks[i - 1]!;
      if (longestGap === null || gap > longestGap.toMs - longestGap.fromMs)
        longestGap = { fromMs: marks[i - 1]!, toMs: marks[i]! };
    }
  }
  // Answered operations by invocation time, so each fault finds its first answer by a scan from
  // the first one invoked after it.
  const byInvocation = ops
    .filter((op) => op.outcome.kind === 'ok')
    .sort((a, b) => a.invokedAt - b.invokedAt);
  const failovers = faults.map((fault) => {
    let first: number | null = null;
    for (let i = firstAtOrAfter(byInvocation, fault.startMs); i < byInvocation.length; i++) {
      const done = byInvocation[i]!.completedAt;
      if (first === null || done < first) first = done;
      // Later invocations complete later than this one could only if they waited longer; stop
      // once invocations start after the earliest completion found.
      if (byInvocation[i]!.invokedAt > first) break;
    }
    return { ...fault, ms: first === null ? null : first - fault.startMs };
  });
  const answered = answeredAt.length;
  return {
    operations: ops.length,
    answered,
    share: ops.length === 0 ? 1 : answered / ops.length,
    longestGap,
    failovers,
  };
}

/** The index of the first operation invoked at or after `t` (binary search). */
function firstAtOrAfter(sorted: readonly TimestampOperation[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.invokedAt < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
