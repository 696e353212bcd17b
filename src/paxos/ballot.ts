/**
 * Ballot order and identity (the spec's `BallotLess` and `BallotLeq`), and value equality.
 */
import { isBoundValue, type Ballot, type LogValue } from './types.ts';

/** The spec's `BallotLess(b, c)`. */
export function ballotLess(b: Ballot, c: Ballot): boolean {
  return b[0] < c[0] || (b[0] === c[0] && b[1] < c[1]);
}

/** The spec's `BallotLeq(b, c)`. */
export function ballotLeq(b: Ballot, c: Ballot): boolean {
  return !ballotLess(c, b);
}

/** Whether two ballots are the same ballot. */
export function sameBallot(b: Ballot, c: Ballot): boolean {
  return b[0] === c[0] && b[1] === c[1];
}

/** Whether two log values are equal, field by field. */
export function sameValue(v: LogValue | null, w: LogValue | null): boolean {
  if (v === null || w === null) return v === w;
  return valueKey(v) === valueKey(w);
}

/** A string that identifies a value, for maps keyed by value. */
export function valueKey(v: LogValue): string {
  return isBoundValue(v) ? `b${v.bound}/${v.pid}` : `s${v.leader}`;
}
