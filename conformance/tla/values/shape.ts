/**
 * What persistent sets and their indexes need to know about values to be sure that comparing
 * them cannot raise an error: the engine's shape lattice (`value.ts`: {@link shapeOf},
 * {@link join}, {@link UNSAFE}), which also decides when sets are sorted the way TLC sorts them.
 *
 * TLC (and `compare`/`equals` here) refuse to compare values of different kinds: an integer
 * with a string, a record with a tuple, a typed model value with anything but a model value of
 * its type. An ordinary set operation compares elements as it goes, so whether it raises, and
 * with which pair, depends on the values it happens to compare. A fast path that skips those
 * comparisons (a hash lookup) is only exact when no comparison it skips could have raised: when
 * the join of the shapes involved is not UNSAFE. Everything else falls back to the ordinary path.
 *
 * A set's summary is the join of its elements' shapes, kept in O(1) per insert.
 */
import { NO_SHAPE, UNSAFE, join, shapeOf, type Shape } from './value.ts';

export { shapeOf, UNSAFE, type Shape };

/** The join of the shapes of a set's elements: what each of them compares with. */
export type Summary = Shape;

/** The summary of no values. */
export const EMPTY_SUMMARY: Summary = NO_SHAPE;

/** Whether any value of shape `a` compares with any value of shape `b` without error. */
export function compatible(a: Shape, b: Shape): boolean {
  return join(a, b) !== UNSAFE;
}

/** Something that knows the summary of its elements without enumerating them. */
export interface Summarised {
  readonly summary: Summary;
}
