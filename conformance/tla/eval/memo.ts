/**
 * Operator applications remembered on their arguments and on the state they read:
 * `GreatestLearned(s, L)` scans a function over every sequence, yet what it reads (`learned`)
 * rarely changes from one step of a trace to the next. An application is looked up by the
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
import type { Value } from '../values/value.ts';
import { type Binding, type Ctx, Thunk } from './runtime.ts';

/** How many applications a definition remembers (least recently used ones are forgotten). */
export const MEMO_CAPACITY = 512;

interface Entry {
  readonly state: ReadonlyArray<Value | undefined>;
  readonly value: Value;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function keyPart(v: Value): string {
  switch (typeof v) {
    case 'number':
      return `${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
  }
  let id = objectIds.get(v);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(v, id);
  }
  return `#${id}`;
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
      key += (i === 0 ? '' : ',') + keyPart(a as Value);
    }
    const slots = this.slots;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      let same = true;
      for (let i = 0; i < slots.length; i++)
        if (hit.state[i] !== cur[slots[i]]) {
          same = false;
          break;
        }
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
    this.entries.set(key, { state: slots.map((i) => cur[i]), value });
    if (this.entries.size > MEMO_CAPACITY) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }
}
