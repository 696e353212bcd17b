/**
 * The contract between the evaluator and natively implemented standard-module operators.
 *
 * A standard module (Naturals, Sequences, TLC, ...) is a table of {@link NativeOp}s. The
 * evaluator resolves names through EXTENDS/INSTANCE exactly as for user modules, then calls
 * `impl` with evaluated arguments. Operator arguments (as in `SelectSeq(s, Test)`) arrive as
 * {@link OpValue}s. Natives raise {@link EvalError}s; the evaluator adds the source location.
 */
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { type Value, kindName } from '../../values/value.ts';

/** An operator passed as an argument (a LAMBDA, a defined operator or a symbol like `<`). */
export interface OpValue {
  readonly isOpValue: true;
  readonly name: string;
  readonly arity: number;
  call(args: Value[]): Value;
}

/** Whether an argument is an operator rather than a value. */
export function isOpValue(v: Value | OpValue): v is OpValue {
  return typeof v === 'object' && v !== null && (v as OpValue).isOpValue === true;
}

/** Services a native may use: output, TLC's registers, the current model's constants. */
export interface NativeRuntime {
  /** Writes one line of user output (Print, PrintT). */
  print(line: string): void;
  /** TLCGet(i) / TLCSet(i, v) registers and the statistics TLCGet("level") etc. report. */
  tlcGet(key: Value): Value;
  tlcSet(key: Value, v: Value): void;
}

/** One natively implemented operator. */
export interface NativeOp {
  /** Canonical name: an identifier (`Len`) or the grammar's symbol name (`plus` for `+`). */
  readonly name: string;
  /** How the symbol is written, for messages (`+`, `\o`); defaults to `name`. */
  readonly text?: string;
  readonly arity: number;
  /** For each argument position that takes an operator, its arity (e.g. `{1: 1}` for SelectSeq). */
  readonly opArgs?: Readonly<Record<number, number>>;
  /**
   * True when the result may differ between calls with equal arguments (Print, TLCGet,
   * RandomElement): such calls are never cached or evaluated ahead of time.
   */
  readonly impure?: boolean;
  impl(args: Array<Value | OpValue>, rt: NativeRuntime): Value;
}

/** A standard module: its operators and the standard modules it extends. */
export interface StdModule {
  readonly name: string;
  readonly extends: readonly string[];
  readonly ops: readonly NativeOp[];
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the standard modules, so that every type error is worded the same way.

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** TLC's wording: "The second argument of + should be an integer, but instead it is: {}". */
export function argTypeError(
  op: string,
  position: number,
  expected: string,
  actual: Value,
): EvalError {
  const ordinal = ORDINALS[position] ?? `#${position + 1}`;
  return new EvalError(
    `The ${ordinal} argument of ${op} should be ${expected}, but instead it is:\n${printValue(actual)}`,
    'type',
  ).explain({
    summary: `the ${ordinal} argument of ${op} should be ${expected}, but it is ${describeValue(actual)}`,
    values: [{ name: `${ordinal} argument of ${op}`, value: printValue(actual) }],
  });
}

/** A short kind description, e.g. "integer 3". */
export function describeValue(v: Value): string {
  return `${kindName(v)} ${printValue(v)}`;
}

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** Checks a 32-bit result as TLC does; `shown` is the computation for the message (`2*2147483647`). */
export function checkedInt(n: number, shown: () => string): number {
  if (n < INT_MIN || n > INT_MAX || !Number.isFinite(n)) {
    throw new EvalError(`Overflow when computing ${shown()}`, 'overflow').explain({
      summary: `integer overflow: the result of ${shown()} does not fit in 32 bits`,
      values: [{ name: 'computation', value: shown() }],
      hint: "TLC's integers are 32-bit (-2147483648..2147483647); use smaller constants or bound the variable with a CONSTRAINT",
    });
  }
  return n;
}
