/**
 * Argument checks shared by the standard modules, so that every operator rejects a value of the
 * wrong kind with the same TLC wording ("The second argument of + should be an integer, but
 * instead it is: ...") and the modules themselves only contain the semantics.
 */
import { EvalError } from '../../values/errors.ts';
import { MAX_ENUMERATION } from '../../values/sets.ts';
import { FcnLike, FcnValue, SetValue, TupleValue, type Value } from '../../values/value.ts';
import { type OpValue, argTypeError, isOpValue } from './native.ts';

/** An argument as natives receive it. */
export type Arg = Value | OpValue;

/**
 * The type error for argument `position` of `op`. Operators and functions over infinite
 * domains cannot be printed as values, so the message describes them instead.
 */
export function mismatch(op: string, position: number, expected: string, actual: Arg): EvalError {
  if (isOpValue(actual)) return described(op, position, expected, `the operator ${actual.name}`);
  if (actual instanceof FcnLike && !actual.domain().isFinite()) {
    return described(op, position, expected, `a function over ${actual.domain().describe()}`);
  }
  return argTypeError(op, position, expected, actual);
}

/** argTypeError's wording (and ordinals) with a description in place of the printed value. */
function described(op: string, position: number, expected: string, what: string): EvalError {
  const msg = argTypeError(op, position, expected, 0).message;
  return new EvalError(msg.slice(0, -1) + what, 'type');
}

/** An integer argument. */
export function expectInt(op: string, position: number, v: Arg, expected = 'an integer'): number {
  if (typeof v === 'number') return v;
  throw mismatch(op, position, expected, v);
}

/** A boolean argument. */
export function expectBool(op: string, position: number, v: Arg): boolean {
  if (typeof v === 'boolean') return v;
  throw mismatch(op, position, 'a boolean', v);
}

/** A set argument, finite or not. */
export function expectSet(op: string, position: number, v: Arg): SetValue {
  if (v instanceof SetValue) return v;
  throw mismatch(op, position, 'a set', v);
}

/** The elements, in TLC order, of an argument that must be a finite set. */
export function expectFiniteSet(
  op: string,
  position: number,
  v: Arg,
  expected = 'a finite set',
): readonly Value[] {
  if (v instanceof SetValue && v.isFinite()) return v.elements();
  throw mismatch(op, position, expected, v);
}

/**
 * A function argument as an explicit table. Functions over infinite domains are rejected as
 * TLC rejects them (its `toFcnRcd` fails), rather than failing later while enumerating.
 */
export function expectFcn(
  op: string,
  position: number,
  v: Arg,
  expected = 'a function',
): TupleValue | FcnValue {
  if (v instanceof TupleValue || v instanceof FcnValue) return v;
  if (v instanceof FcnLike && v.domain().isFinite()) return v.explicit();
  throw mismatch(op, position, expected, v);
}

/** A function argument of any domain, finite or not, for operators that only apply it. */
export function expectFunction(op: string, position: number, v: Arg): FcnLike {
  if (v instanceof FcnLike) return v;
  throw mismatch(op, position, 'a function', v);
}

/** The elements of a sequence argument: any function whose domain is 1..n. */
export function expectSeq(op: string, position: number, v: Arg): readonly Value[] {
  if (v instanceof TupleValue) return v.elems;
  if (v instanceof FcnLike && !(v instanceof FcnValue) && v.domain().isFinite()) {
    const t = v.explicit();
    if (t instanceof TupleValue) return t.elems;
  }
  throw mismatch(op, position, 'a sequence', v);
}

/** An operator argument of the given arity (the evaluator checks arity too; this is a guard). */
export function expectOp(op: string, position: number, v: Arg, arity: number): OpValue {
  if (!isOpValue(v)) throw mismatch(op, position, `an operator of arity ${arity}`, v);
  if (v.arity !== arity) throw mismatch(op, position, `an operator of arity ${arity}`, v);
  return v;
}

/** The argument at `i` when it must be a value (natives taking operators say so in `opArgs`). */
export function expectValue(op: string, position: number, v: Arg): Value {
  if (isOpValue(v)) throw mismatch(op, position, 'a value', v);
  return v;
}

/** A function's domain and values as parallel arrays, the domain in canonical order. */
export function entries(f: TupleValue | FcnValue): [readonly Value[], readonly Value[]] {
  if (f instanceof FcnValue) return [f.dom, f.vals];
  return [f.elems.map((_, i) => i + 1), f.elems];
}

/** Refuses to build a result with more than {@link MAX_ENUMERATION} elements. */
export function checkSize(what: string, n: number): void {
  if (n > MAX_ENUMERATION) {
    throw new EvalError(`Attempted to enumerate ${what} with ${n} elements, which is too large.`);
  }
}
