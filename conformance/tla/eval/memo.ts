/**
 * Operator applications remembered on their arguments and on the state they read:
 * `GreatestLearned(s, L)` scans a function over every sequence, yet what it reads (`learned`)
 * rarely changes from one step of a trace to the next. An application is found again by the
 * identity of its argument values and of the values of the state variables the definition
 * reads (through every definition it uses); values are immutable, so the same objects mean the
 * same result. A value equal but not identical only costs a recomputation.
 *
 * Arguments are passed by name in TLA+: the body may not evaluate one. To key on an argument's
 * value it is evaluated first, so the compiler only memoises call sites whose arguments have no
 * effect (no Print, TLCSet, ...), and an argument whose evaluation raises is left to the body,
 * which raises the same error if and where it evaluates it (an argument's evaluation is
 * deterministic and its failure is not cached).
 */
import { EvalError } from '../values/errors.ts';
import { ModelValue, StrValue, type Value, memoKey } from '../values/value.ts';
import { type Binding, type Ctx, Thunk } from './runtime.ts';

/** Engine option: whether applications are remembered at all (read when a call is compiled). */
export const applicationMemoOptions = { enabled: true };

/** How many applications a definition remembers (least recently used ones are forgotten). */
export const MEMO_CAPACITY = 512;

interface Entry {
  /** The variables' values, by {@link memoKey}: an old version is not kept alive by the memo. */
  readonly state: readonly unknown[];
  readonly value: Value;
}

/**
 * The key part of an argument value: integers and booleans by value, strings and model values by
 * their interned id; undefined for other values, whose applications are not remembered. Keying
 * records or sets by hash (checking identity on a hit) made model checking keep a hash on every
 * argument value for little gain: the targets (`GreatestLearned(s, L)`, `LeaderOf(s)`) take
 * servers, logs and clients. A weak table giving objects ids would slow every garbage collection.
 */
function keyPart(v: Value): string | undefined {
  switch (typeof v) {
    case 'number':
      return `${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
  }
  if (v instanceof StrValue) return `s${v.id}`;
  if (v instanceof ModelValue) return `m${v.id}`;
  return undefined;
}

/** Counters for tests and benchmarks. */
export const memoStats = { hits: 0, misses: 0 };

/** The remembered applications of one definition. */
export class ApplicationMemo {
  private readonly entries = new Map<string, Entry>();
  constructor(
    /** Indices of the state variables the definition reads. */
    private readonly slots: readonly number[],
  ) {}

  /**
   * The value of the application to `args` in `ctx`: remembered, or computed by `compute`
   * (which receives the arguments, forced where they could be).
   */
  apply(args: Binding[], ctx: Ctx, compute: (args: Binding[]) => Value): Value {
    const cur = ctx.cur;
    if (cur === null) return compute(args);
    let key = '';
    for (let i = 0; i < args.length; i++) {
      let a = args[i];
      if (a instanceof Thunk) {
        try {
          a = a.force(ctx);
        } catch (e) {
          if (e instanceof EvalError) return compute(args); // the body decides whether it raises
          throw e;
        }
      }
      const part = keyPart(a as Value);
      if (part === undefined) return compute(args);
      key += (i === 0 ? '' : ',') + part;
    }
    const slots = this.slots;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      let same = true;
      for (let i = 0; same && i < slots.length; i++) same = hit.state[i] === memoKey(cur[slots[i]]);
      if (same) {
        memoStats.hits++;
        // Most recently used last: Map iteration order is insertion order.
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.value;
      }
    }
    memoStats.misses++;
    const value = compute(args);
    this.entries.delete(key);
    this.entries.set(key, { state: slots.map((i) => memoKey(cur[i])), value });
    if (this.entries.size > MEMO_CAPACITY) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }
}
