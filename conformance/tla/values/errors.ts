/**
 * Errors raised while computing with TLA+ values.
 *
 * The value layer knows nothing about source text, so it raises {@link EvalError} with a message
 * only; the evaluator catches it on the way out and records which expressions (file, line,
 * column) were being evaluated, innermost first, the way TLC prints "the error occurred when
 * TLC was evaluating the nested expressions at the following positions".
 */

/** A source range, 1-based lines and columns, end inclusive (TLC's convention). */
export interface SourceRange {
  file: string;
  module: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** Formats a range the way TLC names places: `line 3, col 5 to line 3, col 9 of module M`. */
export function describeRange(r: SourceRange): string {
  return `line ${r.line}, col ${r.col} to line ${r.endLine}, col ${r.endCol} of module ${r.module}`;
}

/** Which TLC failure an evaluation error corresponds to; decides exit codes and wording. */
export type EvalErrorKind =
  | 'eval' // a generic evaluation error (TLC: "TLC threw an unexpected exception")
  | 'assert' // a failed TLC!Assert
  | 'overflow' // 32-bit integer overflow
  | 'domain' // function applied outside its domain
  | 'choose' // CHOOSE without a witness
  | 'type' // an operator applied to a value of the wrong kind
  | 'unspecified'; // a successor leaves a variable without a value

/** What a raise site knows beyond TLC's message, for a diagnostic people can act on. */
export interface EvalErrorDetails {
  /** Overrides the diagnostic code the error's kind implies (docs/diagnostics.md). */
  code?: string;
  /** One line naming the culprit, when the TLC message is long or generic. */
  summary?: string;
  /** The values involved (the function and its domain, the operand, the set...), printed. */
  values?: Array<{ name: string; value: string }>;
  hint?: string;
}

/** An error in evaluating a TLA+ expression. */
export class EvalError extends Error {
  /** Expressions being evaluated when the error happened, innermost first. */
  readonly trail: SourceRange[] = [];
  details: EvalErrorDetails = {};

  constructor(
    message: string,
    readonly kind: EvalErrorKind = 'eval',
  ) {
    super(message);
    this.name = 'EvalError';
  }

  /** Adds what the raise site knows (values, hint); later calls add to earlier ones. */
  explain(details: EvalErrorDetails): this {
    const values = [...(this.details.values ?? []), ...(details.values ?? [])];
    this.details = { ...this.details, ...details, values };
    return this;
  }

  /** Records that the error passed through the evaluation of `range`. */
  addFrame(range: SourceRange): this {
    const last = this.trail[this.trail.length - 1];
    if (
      !last ||
      last.line !== range.line ||
      last.col !== range.col ||
      last.endLine !== range.endLine ||
      last.endCol !== range.endCol ||
      last.module !== range.module
    ) {
      this.trail.push(range);
    }
    return this;
  }
}
