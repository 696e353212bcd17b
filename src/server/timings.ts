/**
 * The timeouts and intervals of a server, in milliseconds. They govern only progress (when to
 * retry, suspect, give up); safety never depends on them.
 */
export interface Timings {
  /** How often the leader tells followers it is alive. */
  readonly heartbeatMs: number;
  /** How long a follower waits without a heartbeat before it suspects the leader. */
  readonly suspicionMs: number;
  /** The longest random backoff before a proposal or a retry. */
  readonly backoffMs: number;
  /** How long a proposer waits for its round to be decided before it retries. */
  readonly roundMs: number;
  /** How long a leadership check may take. */
  readonly checkMs: number;
  /** How long a server holds a client's request before it gives up on it. */
  readonly requestMs: number;
  /** How often a server asks its peers for leader-log values it is missing. */
  readonly catchUpMs: number;
  /** How often a recovering instance asks the acceptors that have not answered again. */
  readonly recoveryRetryMs: number;
}

/** Timings for a network whose messages take a few milliseconds. */
export const DEFAULT_TIMINGS: Timings = {
  heartbeatMs: 20,
  suspicionMs: 100,
  backoffMs: 50,
  roundMs: 40,
  checkMs: 40,
  requestMs: 200,
  catchUpMs: 50,
  recoveryRetryMs: 40,
};

/** A delay drawn uniformly from [0, maxMs): spreads competing proposers apart. */
export function randomBackoff(random: { next(): number }, maxMs: number): number {
  return Math.floor(random.next() * maxMs);
}
