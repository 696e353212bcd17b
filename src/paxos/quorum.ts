/**
 * Majority quorums, as the spec's `Quorums`: sets Q with 2 * |Q| > N.
 */

/** The smallest number of servers that forms a quorum among `serverCount`. */
export function quorumSize(serverCount: number): number {
  return Math.floor(serverCount / 2) + 1;
}
