/**
 * The rules of the lock service that safety rests on, as values: the server core takes them
 * as a parameter (like the other protocol rules), so that tests can run servers with one rule
 * broken and see the simulator's checker and the trace replay catch it.
 */

export interface LockRules {
  /**
   * Whether the server keeps a lock it granted under term `granted` (0: still waiting) while
   * it leads under term `term` (`leading`) or no longer leads. The spec: a waiting request
   * only while leading, a granted lock only while leading under the same term: a server that
   * lost leadership and won it back must not honour locks another leader may have granted
   * again meanwhile.
   */
  readonly keepsLock: (granted: number, term: number, leading: boolean) => boolean;
  /**
   * The fencing token of a grant. The spec: the namespace's next timestamp (`takeTimestamp`),
   * which grows across leaders; `grantsHere` counts this server's grants since it started.
   */
  readonly fencingToken: (takeTimestamp: () => number, grantsHere: number) => number;
  /**
   * The fresh counter a leadership check must have started after to confirm a refresh that
   * arrived when the counter was `arrivedAfter`. The spec: that very value (a check that
   * started after the refresh arrived).
   */
  readonly refreshCheckAfter: (arrivedAfter: number) => number;
}

/** The rules as the spec states them. */
export const LOCK_RULES: LockRules = {
  keepsLock: (granted, term, leading) => leading && (granted === 0 || granted === term),
  fencingToken: (takeTimestamp) => takeTimestamp(),
  refreshCheckAfter: (arrivedAfter) => arrivedAfter,
};
