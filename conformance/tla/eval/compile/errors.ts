/**
 * Helpers the construct compilers share for what they report: semantic errors (found while
 * compiling, with TLC's wording and a hint), the source trail of evaluation errors, and the
 * origin of sets TLC could not sort.
 */
import type { Loc } from '../../syntax/ast.ts';
import { TlaSemanticError } from '../../modules/loader.ts';
import type { DiagnosticCode } from '../../diagnostics/codes.ts';
import { closestName } from '../../diagnostics/suggest.ts';
import { EvalError } from '../../values/errors.ts';
import { UnsortedSet, type Value } from '../../values/value.ts';
import type { Fn } from '../runtime.ts';
import type { Scope } from '../scope.ts';

/**
 * Marks a set TLC will fail to sort with the expression that built it: the error surfaces later
 * (when a state holding the set is fingerprinted, say), and then names this place.
 */
export function builtAt(v: Value, loc: Loc): Value {
  if (v instanceof UnsortedSet && v.origin === undefined) v.origin = loc;
  return v;
}

/** Adds `loc` to the trail of any evaluation error passing through `fn`. */
export function traced(fn: Fn, loc: Loc): Fn {
  return (env, ctx) => {
    try {
      return fn(env, ctx);
    } catch (e) {
      if (e instanceof EvalError) e.addFrame(loc);
      throw e;
    }
  };
}

/** Stops compilation with a semantic error at `loc`. */
export function semantic(loc: Loc, detail: string, code?: DiagnosticCode, hint?: string): never {
  throw new TlaSemanticError(loc, detail, code, hint);
}

/** The hint of an error for a prime evaluated where there is no next state. */
export const PRIME_HINT =
  "x' is the value of x in the next state, which exists only in an action (Next and what it calls); in Init, an invariant or a constraint write x without the prime";

/** TLC's message for an operator given the wrong number of arguments. */
export function arityMessage(name: string, expected: number, given: number): string {
  return `the operator ${name} takes ${expected} argument(s), but is given ${given}`;
}

const STD_HINTS: Record<string, string> = {
  $plus: 'Naturals',
  $minus: 'Naturals',
  $mul: 'Naturals',
  $lt: 'Naturals',
  $gt: 'Naturals',
  $leq: 'Naturals',
  $geq: 'Naturals',
  $dots_2: 'Naturals',
  $div: 'Naturals',
  $mod: 'Naturals',
  $pow: 'Naturals',
  Nat: 'Naturals',
  Int: 'Integers',
  $negative: 'Integers',
  Len: 'Sequences',
  Append: 'Sequences',
  Head: 'Sequences',
  Tail: 'Sequences',
  Seq: 'Sequences',
  SubSeq: 'Sequences',
  SelectSeq: 'Sequences',
  $circ: 'Sequences',
  Cardinality: 'FiniteSets',
  IsFiniteSet: 'FiniteSets',
  Print: 'TLC',
  PrintT: 'TLC',
  Assert: 'TLC',
  ToString: 'TLC',
  Permutations: 'TLC',
  SortSeq: 'TLC',
  $map_to: 'TLC',
  $compose: 'TLC',
};

/** For an unknown name: a likely intended one, or where names come from. */
export function unknownNameHint(name: string, sc: Scope): string | undefined {
  if (STD_HINTS[name]) return undefined; // the message already names the module to extend
  const locals: string[] = [];
  for (let l = sc.locals; l !== null; l = l.up) locals.push(l.name);
  const near = closestName(name, [...locals, ...sc.inst.defs.keys()]);
  if (near) return `did you mean '${near}'? (names are case-sensitive)`;
  return `a name must be declared (CONSTANT, VARIABLE), defined (${name} == ...), bound (\\E ${name} \\in S : ...) or come from an EXTENDS before it is used`;
}

/** Where a standard operator is defined, for an unknown-name message. */
export function hintFor(name: string): string {
  const m = STD_HINTS[name];
  return m ? ` (it is defined in the standard module ${m}: add EXTENDS ${m})` : '';
}
