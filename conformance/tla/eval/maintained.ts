/**
 * Comprehensions whose result is kept on persistent sets and maintained on every insert:
 * `{x \in S : P}`, `{f(x) : x \in S}`, `\A x \in S : P` and `\E x \in S : P` where the body
 * reads nothing that can change between evaluations (only x, constants and constant-level
 * definitions; the compiler decides). Over a set that only grows (a history variable), the
 * result for the new set is the old one combined with the body on the new elements, so an
 * invariant such as `\A r \in served : r.first > r.floor` costs O(1) per step.
 *
 * Exactness. The ordinary evaluation visits elements in canonical order and stops at the first
 * FALSE (for \A), TRUE (for \E), or error. When no element raises, "all TRUE" and "some TRUE" do
 * not depend on the order, nor do the filtered and mapped sets. So the body is evaluated on every
 * element, and as soon as it raises on one (or gives a non-boolean, or a mapped value that may
 * not compare with the others), the site gives up on this set and on every set made from it
 * (the element stays in them): the ordinary evaluation then runs and raises where it should.
 */
import { PersistentSet, type SetAttachment, type Tag, emptyPersistentSet } from '../values/pset.ts';
import type { Value } from '../values/value.ts';
import { type Ctx, type Runtime, evaluateApart } from './runtime.ts';

/** What a site computes from the body's values on the elements. */
export type MaintainedKind = 'filter' | 'map' | 'all' | 'exists';

/** One comprehension in the spec whose results are maintained. */
export class MaintainedSite {
  constructor(
    readonly kind: MaintainedKind,
    /** The body on one element (the compiler binds the element; the context has no state). */
    private readonly body: (x: Value, ctx: Ctx) => Value,
  ) {}

  /** The body's value on `x`, or undefined when it raises. */
  evaluate(x: Value, rt: Runtime): Value | undefined {
    return evaluateApart(rt, (ctx) => this.body(x, ctx));
  }

  /** The result on `set`, or undefined when it must be evaluated the ordinary way. */
  valueOn(set: PersistentSet, rt: Runtime): Value | undefined {
    const have = set.attachment(this);
    if (have instanceof GaveUp) return undefined;
    if (have instanceof Maintained) return have.value();
    const built = this.build(set, rt);
    set.attach(this, built ?? GAVE_UP);
    maintainedStats.built++;
    return built?.value();
  }

  private build(set: PersistentSet, rt: Runtime): Maintained | undefined {
    let m: Maintained | undefined = new Maintained(
      this,
      rt,
      0,
      this.kind === 'filter' || this.kind === 'map' ? emptyPersistentSet() : undefined,
    );
    set.forEachEntry((x, tag) => {
      if (m !== undefined) m = m.with(x, tag);
    });
    return m;
  }
}

/** Counters for tests and benchmarks. */
export const maintainedStats = { built: 0, updates: 0 };

/** A site that gave up on a set: an element in it raises, so it raises in every later version. */
class GaveUp implements SetAttachment {
  added(): SetAttachment {
    return this;
  }
}
const GAVE_UP = new GaveUp();

/** A maintained result: a count (\A: of FALSE, \E: of TRUE) or a set (filter, map). */
class Maintained implements SetAttachment {
  constructor(
    readonly site: MaintainedSite,
    readonly rt: Runtime,
    readonly count: number,
    readonly set: PersistentSet | undefined,
  ) {}

  value(): Value {
    switch (this.site.kind) {
      case 'all':
        return this.count === 0;
      case 'exists':
        return this.count > 0;
      default:
        return this.set!;
    }
  }

  added(x: Value, _h1: number, _h2: number, tag: Tag): SetAttachment {
    maintainedStats.updates++;
    return this.with(x, tag) ?? GAVE_UP;
  }

  /** This result with element `x` added, or undefined when the body raises on it. */
  with(x: Value, tag: Tag): Maintained | undefined {
    const r = this.site.evaluate(x, this.rt);
    if (r === undefined) return undefined;
    const kind = this.site.kind;
    if (kind === 'map') {
      const set = this.set!.insertAll([r], undefined);
      return set === undefined ? undefined : new Maintained(this.site, this.rt, 0, set);
    }
    if (typeof r !== 'boolean') return undefined; // the ordinary evaluation raises a type error
    if (kind === 'filter') {
      if (!r) return this;
      const set = this.set!.insertAll([x], tag);
      return set === undefined ? undefined : new Maintained(this.site, this.rt, 0, set);
    }
    const counts = kind === 'all' ? !r : r;
    return counts ? new Maintained(this.site, this.rt, this.count + 1, undefined) : this;
  }
}
