/**
 * SeqOf(S, n) (and BoundedSeq): the sequences over S of length at most n. TLC keeps the
 * definition's `UNION {[1..m -> S] : m \in 0..n}` unevaluated until it must enumerate it, so
 * that a type invariant `s \in SeqOf(S, 10)` is a membership test, never a list of S^10
 * sequences; this set does the same.
 */
import { FcnSet, IntervalSet } from '../../values/sets.ts';
import {
  EMPTY_SET,
  EnumSet,
  FcnLike,
  SetValue,
  TupleValue,
  type Value,
  setOf,
} from '../../values/value.ts';
import { checkSize } from './args.ts';

/** [1..m -> S], with TLC's empty interval for m = 0. */
export function tupleSet(base: SetValue, m: number): FcnSet {
  return new FcnSet(m >= 1 ? new IntervalSet(1, m) : EMPTY_SET, base);
}

export class BoundedSeqSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(
    readonly base: SetValue,
    readonly max: number,
  ) {
    super();
  }
  contains(v: Value): boolean {
    // A non-function is refused by [1..0 -> S] with TLC's message, as the UNION's first set.
    if (!(v instanceof FcnLike)) return tupleSet(this.base, 0).contains(v);
    const t = v.explicit();
    if (!(t instanceof TupleValue) || t.elems.length > this.max) return false;
    return t.elems.every((e) => this.base.contains(e));
  }
  isFinite(): boolean {
    return this.base.isFinite() || this.max <= 0;
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    const all: Value[] = [];
    for (let m = 0; m <= this.max; m++) {
      const layer = tupleSet(this.base, m);
      checkSize(this.describe(), all.length + layer.size());
      all.push(...layer.elements());
    }
    return (this.cached = setOf(all));
  }
  describe(): string {
    return `SeqOf(${this.base.describe()}, ${this.max})`;
  }
}
