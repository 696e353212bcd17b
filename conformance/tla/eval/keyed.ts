/**
 * Quantifiers over a growing set whose body reads the set only through lookups keyed by the
 * element: `\A t \in chosen : \A u \in chosen : u[1] = t[1] /\ u[2] = t[2] - 1 => P(t, u)`.
 * The body of `t` depends on the set only through the elements `u` whose paths (`u[1]`,
 * `u[2]`) equal keys computed from `t` (`t[1]`, `t[2] - 1`). So when elements are added, the
 * body can change only for the new elements and for the `t` whose keys equal the paths of a
 * new element: the site keeps every element's result and its keys, and re-evaluates just
 * those. A history invariant of this form costs what the history gained, not its size, where
 * the maintained comprehensions of `maintained.ts` need a body that reads no state at all.
 *
 * Exactness. The ordinary evaluation visits the elements in canonical order and stops at the
 * first decisive result (FALSE for \A, TRUE for \E) or error. When no body raises, the outcome
 * does not depend on the order. A body raises or changes only through what it reads; it reads
 * the set only in lookups whose equalities are FALSE for an added element unless its paths
 * equal the keys, and it could raise on an added element only when a path is missing or a key
 * cannot be compared with the path's values: such an element (checked by shape, as the index
 * does), a body that raises, or a key that cannot be computed makes the site give up on this
 * set and the sets made from it, and the ordinary evaluation runs.
 */
import { type HamtBranch, emptyHamt, hamtGet, hamtPut } from '../values/hamt.ts';
import { type Path, follow } from '../values/pset-index.ts';
import { type Added, PersistentSet, type SetAttachment } from '../values/pset.ts';
import { type Summary, EMPTY_SUMMARY, UNSAFE, shapeOf } from '../values/shape.ts';
import { type Value, TupleValue, equals, hash1, hash2, join } from '../values/value.ts';
import type { Ctx, Env } from './runtime.ts';
import { evaluateApart } from './runtime.ts';
import { EvalError } from '../values/errors.ts';

/** One lookup of the set inside the body: paths on the inner element, keys computed from t. */
export interface KeyedLookup {
  readonly paths: readonly Path[];
  /** The keys for element `t` (constant-level: no state), in the order of `paths`. */
  readonly keys: (t: Value, ctx: Ctx) => Value[];
}

/** Counters for tests and benchmarks. */
export const keyedStats = { built: 0, reevaluated: 0, gaveUp: 0 };

/** Beyond this many elements added since the results were last brought up to date: rebuild. */
const MAX_PENDING = 1 << 14;

/** One quantifier of the spec answered this way. */
export class KeyedSite {
  constructor(
    readonly kind: 'all' | 'exists',
    /** The body for element t, evaluated in the current context (which reads the set). */
    private readonly body: (t: Value, env: Env, ctx: Ctx) => Value,
    private readonly lookups: readonly KeyedLookup[],
  ) {}

  /** The quantifier's value on `set` (the set in `ctx`'s state), or undefined: ordinary. */
  valueOn(set: PersistentSet, env: Env, ctx: Ctx): boolean | undefined {
    const have = set.attachment(this);
    if (have === GAVE_UP) return undefined;
    let results = have instanceof KeyedResults ? have : undefined;
    if (results === undefined || results.pending !== null) {
      results = results === undefined ? this.build(set, env, ctx) : this.catchUp(results, env, ctx);
      set.attach(this, results ?? GAVE_UP);
      if (results === undefined) keyedStats.gaveUp++;
    }
    if (results === undefined) return undefined;
    return this.kind === 'all' ? results.decisive === 0 : results.decisive > 0;
  }

  private build(set: PersistentSet, env: Env, ctx: Ctx): KeyedResults | undefined {
    keyedStats.built++;
    const added: Value[] = [];
    set.forEachEntry((x) => added.push(x));
    return this.update(KeyedResults.empty(this, this.lookups), added, env, ctx);
  }

  private catchUp(results: KeyedResults, env: Env, ctx: Ctx): KeyedResults | undefined {
    const added: Value[] = [];
    for (let a = results.pending; a !== null; a = a.next) added.push(a.v);
    return this.update(results, added, env, ctx);
  }

  /** `results` with `added` (new elements of the set in `ctx`) taken in, or undefined: give up. */
  private update(
    results: KeyedResults,
    added: readonly Value[],
    env: Env,
    ctx: Ctx,
  ): KeyedResults | undefined {
    const byKey = results.byKey.slice();
    const summaries = results.summaries.map((s) => s.slice());
    const affected: Value[] = [];
    for (const x of added) {
      for (let i = 0; i < this.lookups.length; i++) {
        const lookup = this.lookups[i];
        // As an inner element: the t whose keys equal x's paths see x now.
        const paths: Value[] = [];
        for (let j = 0; j < lookup.paths.length; j++) {
          const v = follow(x, lookup.paths[j]);
          if (typeof v === 'symbol') return undefined;
          summaries[i][j] = join(summaries[i][j], shapeOf(v));
          if (summaries[i][j] === UNSAFE) return undefined;
          paths.push(v);
        }
        const seeing = hamtGet(byKey[i], ...keyed(new TupleValue(paths)), equals)?.payload;
        if (seeing !== undefined) affected.push(...seeing);
        // As an outer element: x's own keys.
        const keys = evaluateApart(ctx.rt, (c) => new TupleValue(lookup.keys(x, c)));
        if (!(keys instanceof TupleValue)) return undefined;
        for (let j = 0; j < keys.elems.length; j++) {
          summaries[i][j] = join(summaries[i][j], shapeOf(keys.elems[j]));
          if (summaries[i][j] === UNSAFE) return undefined;
        }
        byKey[i] = hamtPut(byKey[i], ...keyed(keys), [x], equals, (ts) => [...ts, x]);
      }
      affected.push(x);
    }
    let outcomes = results.outcomes;
    let decisive = results.decisive;
    for (const t of affected) {
      const r = this.evaluate(t, env, ctx);
      if (r === undefined) return undefined;
      keyedStats.reevaluated++;
      const counts = this.kind === 'all' ? !r : r;
      const [h1, h2] = [hash1(t), hash2(t)];
      const before = hamtGet(outcomes, t, h1, h2, equals)?.payload;
      if (before === counts) continue;
      if (before !== undefined) decisive += counts ? 1 : -1;
      else if (counts) decisive++;
      outcomes = hamtPut(outcomes, t, h1, h2, counts, equals, () => counts);
    }
    return new KeyedResults(this, outcomes, decisive, byKey, summaries, null);
  }

  /** The body on t, or undefined when it raises or is not a boolean. */
  private evaluate(t: Value, env: Env, ctx: Ctx): boolean | undefined {
    try {
      const r = this.body(t, env, ctx);
      return typeof r === 'boolean' ? r : undefined;
    } catch (e) {
      if (e instanceof EvalError || e instanceof RangeError) return undefined;
      throw e;
    }
  }
}

function keyed(v: Value): [Value, number, number] {
  return [v, hash1(v), hash2(v)];
}

/** The site's results on one set version, carried by inserts (as elements still to take in). */
class KeyedResults implements SetAttachment {
  constructor(
    readonly site: KeyedSite,
    /** Every element's outcome: whether its body is decisive (FALSE for \A, TRUE for \E). */
    readonly outcomes: HamtBranch<boolean>,
    /** How many elements are decisive. */
    readonly decisive: number,
    /** Per lookup: the elements t by their keys. */
    readonly byKey: readonly HamtBranch<readonly Value[]>[],
    /** Per lookup and path: the shapes of the keys and of the elements' path values. */
    readonly summaries: readonly (readonly Summary[])[],
    /** Elements added since the outcomes were computed. */
    readonly pending: Added | null,
  ) {}

  static empty(site: KeyedSite, lookups: readonly KeyedLookup[]): KeyedResults {
    const byKey = lookups.map(() => emptyHamt<readonly Value[]>());
    const summaries = lookups.map((l) => l.paths.map(() => EMPTY_SUMMARY));
    return new KeyedResults(site, emptyHamt(), 0, byKey, summaries, null);
  }

  added(x: Value): SetAttachment | undefined {
    const length = (this.pending?.length ?? 0) + 1;
    if (length > MAX_PENDING) return undefined;
    return new KeyedResults(this.site, this.outcomes, this.decisive, this.byKey, this.summaries, {
      v: x,
      next: this.pending,
      length,
    });
  }
}

/** Kept on a set where the site gave up: the sets made from it hold what made it give up. */
const GAVE_UP: SetAttachment = { added: () => GAVE_UP };
