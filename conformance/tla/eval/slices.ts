/**
 * Comprehensions over the domain of a function that read the function only at the bound name:
 * `{q \in Seqs : learned[s][L][q] # None}`, `\A q \in Seqs : BallotLeq(acc[a][L][q].bal, ...)`.
 * The body's value on each entry is kept on the function value (an attachment) and carried by
 * EXCEPT, which re-evaluates the body on the one entry it changes. A state's acceptor or
 * learner table over 1..MaxSeq then costs one body evaluation per change instead of MaxSeq per
 * query: trace replay of long runs, where MaxSeq grows with the trace, stays linear.
 *
 * Exactness. The compiler accepts a body only when, with every `f[q]` replaced by the entry, it
 * reads nothing but `q`, the entry and constants (patterns.ts, `slicePattern`), and the site is
 * used only when the set iterated is exactly the function's domain, so the body on (q, entry)
 * is the body the ordinary evaluation computes for q. As with `maintained.ts`, a body that
 * raises or gives a non-boolean on some entry makes the site give up on that function and on
 * those made from it, and the ordinary evaluation runs (and raises where it should). When no
 * entry raises, "all TRUE", "some TRUE" and the filtered set do not depend on the order.
 */
import { EvalError } from '../values/errors.ts';
import {
  EnumSet,
  FcnValue,
  type FcnAttachment,
  SetValue,
  TupleValue,
  type Value,
  equals,
} from '../values/value.ts';
import { type Ctx, type Runtime, evaluateApart } from './runtime.ts';

/**
 * Functions smaller than this are evaluated the ordinary way: on `pc \in [Procs -> ...]` over a
 * handful of processes, keeping and carrying a slice through every EXCEPT of a model checker's
 * millions of states cost more than the few body evaluations it saves (a tenth of
 * SimpleRegular's check).
 */
export const MIN_SLICED = 16;

/** What a site computes from the body's values on the entries. */
export type SliceKind = 'filter' | 'all' | 'exists';

/** One comprehension in the spec computed from function entries. */
export class SliceSite {
  constructor(
    readonly kind: SliceKind,
    /** The body on one entry: the domain element and the function's value there. */
    private readonly body: (key: Value, entry: Value, ctx: Ctx) => Value,
  ) {}

  /** The body's value on one entry, or undefined when it raises or is not a boolean. */
  evaluate(key: Value, entry: Value, rt: Runtime): boolean | undefined {
    const r = evaluateApart(rt, (ctx) => this.body(key, entry, ctx));
    return typeof r === 'boolean' ? r : undefined;
  }

  /**
   * The comprehension over `set` of `fn`'s entries, or undefined when it must be evaluated the
   * ordinary way (`fn` is not an explicit function whose domain is `set`, has fewer than
   * {@link MIN_SLICED} entries, or the site gave up).
   */
  valueOn(fn: Value, set: SetValue, rt: Runtime): Value | undefined {
    if (!(fn instanceof FcnValue || fn instanceof TupleValue)) return undefined;
    if ((fn instanceof FcnValue ? fn.vals : fn.elems).length < MIN_SLICED) return undefined;
    if (!isDomainOf(set, fn)) return undefined;
    let have = fn.attached?.get(this) as Slice | undefined;
    if (have === undefined) {
      have = Slice.build(this, fn, rt);
      (fn.attached ??= new Map()).set(this, have);
      sliceStats.built++;
    }
    return have.value();
  }
}

/** Counters for tests and benchmarks. */
export const sliceStats = { built: 0, updates: 0 };

/** The body's value on every entry of one function version. */
class Slice implements FcnAttachment {
  private filtered: EnumSet | undefined;
  private constructor(
    readonly site: SliceSite,
    readonly rt: Runtime,
    /** The domain (undefined for a tuple: 1..n); EXCEPT never changes it. */
    readonly keys: readonly Value[] | undefined,
    /** 1 where the body is TRUE; undefined once the site gave up on this function. */
    readonly flags: Uint8Array | undefined,
    readonly trues: number,
  ) {}

  static build(site: SliceSite, fn: FcnValue | TupleValue, rt: Runtime): Slice {
    const keys = fn instanceof FcnValue ? fn.dom : undefined;
    const entries = fn instanceof FcnValue ? fn.vals : fn.elems;
    const flags = new Uint8Array(entries.length);
    let trues = 0;
    for (let i = 0; i < entries.length; i++) {
      const r = site.evaluate(keys ? keys[i] : i + 1, entries[i], rt);
      if (r === undefined) return new Slice(site, rt, keys, undefined, 0);
      if (r) {
        flags[i] = 1;
        trues++;
      }
    }
    return new Slice(site, rt, keys, flags, trues);
  }

  updated(index: number, value: Value): FcnAttachment {
    if (this.flags === undefined) return this;
    sliceStats.updates++;
    const r = this.site.evaluate(this.keys ? this.keys[index] : index + 1, value, this.rt);
    if (r === undefined) return new Slice(this.site, this.rt, this.keys, undefined, 0);
    if (r === (this.flags[index] === 1)) return this; // same flags, same result
    const flags = this.flags.slice();
    flags[index] = r ? 1 : 0;
    return new Slice(this.site, this.rt, this.keys, flags, this.trues + (r ? 1 : -1));
  }

  value(): Value | undefined {
    if (this.flags === undefined) return undefined;
    switch (this.site.kind) {
      case 'all':
        return this.trues === this.flags.length;
      case 'exists':
        return this.trues > 0;
      case 'filter': {
        if (this.filtered === undefined) {
          const out: Value[] = [];
          for (let i = 0; i < this.flags.length; i++)
            if (this.flags[i]) out.push(this.keys ? this.keys[i] : i + 1);
          this.filtered = new EnumSet(out);
        }
        return this.filtered;
      }
    }
  }
}

/** Per set value: the function domains (or tuple lengths) known to equal it. */
const domainsOf = new WeakMap<SetValue, Map<readonly Value[] | number, boolean>>();

/** Whether `set`'s elements are exactly `fn`'s domain (cached per set and domain array). */
function isDomainOf(set: SetValue, fn: FcnValue | TupleValue): boolean {
  const key = fn instanceof TupleValue ? fn.elems.length : fn.dom;
  let known = domainsOf.get(set);
  if (known === undefined) domainsOf.set(set, (known = new Map()));
  let same = known.get(key);
  if (same === undefined) {
    same = false;
    if (set.isFinite()) {
      const elems = set.elements();
      const n = typeof key === 'number' ? key : key.length;
      try {
        same =
          elems.length === n &&
          elems.every((e, i) => (typeof key === 'number' ? e === i + 1 : equals(e, key[i])));
      } catch (e) {
        if (!(e instanceof EvalError)) throw e; // incomparable: not the domain
      }
    }
    known.set(key, same);
  }
  return same;
}
