/**
 * The diagnostic of an evaluation error: what failed (the TLC category's code, the raise
 * site's summary and values), where (the innermost expression being evaluated, with a caret),
 * and how evaluation got there (the definitions entered, outermost first).
 */
import type { EvalError, EvalErrorKind, SourceRange } from '../values/errors.ts';
import type { Diagnostic, DiagnosticLocation } from './diagnostic.ts';
import type { DiagnosticCode } from './codes.ts';
import { definitionAt, useOf } from './definitions.ts';
import { locationOf } from './location.ts';

/** A link of the chain: a definition (or action, invariant) being evaluated. */
export type ChainLink = NonNullable<Diagnostic['chain']>[number];

const KIND_CODES: Record<EvalErrorKind, DiagnosticCode> = {
  eval: 'TLA409',
  assert: 'TLA407',
  overflow: 'TLA404',
  domain: 'TLA402',
  choose: 'TLA403',
  type: 'TLA401',
  unspecified: 'TLA405',
};

const KIND_HINTS: Partial<Record<EvalErrorKind, string>> = {
  domain:
    'f[x] needs x \\in DOMAIN f; guard the application (x \\in DOMAIN f => ...) or widen the domain where f is built',
  type: 'TLA+ is untyped, but each operator needs operands of the right kind; a TypeOK invariant checked first catches the wrong value earlier',
};

/**
 * `context` is what the checker was doing (the sub-action or invariant), outermost first; it
 * heads the chain and gives the place when the error has no trail.
 */
export function evalErrorDiagnostic(e: EvalError, context: ChainLink[] = []): Diagnostic {
  const d = e.details;
  const innermost = e.trail[0];
  const location: DiagnosticLocation | undefined = innermost
    ? locationOf(innermost)
    : context[context.length - 1]?.location;
  const chain = [...context, ...definitionChain(e.trail, context)];
  const hint = d.hint ?? KIND_HINTS[e.kind];
  return {
    code: d.code ?? KIND_CODES[e.kind],
    severity: 'error',
    summary: d.summary ?? firstLine(e.message),
    ...(location ? { location } : {}),
    ...(d.values && d.values.length > 0 ? { values: d.values } : {}),
    ...(chain.length > 0 ? { chain } : {}),
    ...(hint ? { hint } : {}),
  };
}

/**
 * The definitions in an error trail (innermost first), outermost first, each with where it was
 * applied: the traced application when there is one, else its first use in the definition
 * that called it. Definitions already named by the context are not repeated.
 */
export function definitionChain(trail: readonly SourceRange[], context: ChainLink[]): ChainLink[] {
  const named = new Set(context.map((c) => c.name.replace(/\(.*$/, '')));
  const out: ChainLink[] = [];
  let caller: ReturnType<typeof definitionAt>;
  let applied: DiagnosticLocation | undefined;
  for (let i = trail.length - 1; i >= 0; i--) {
    const frame = trail[i];
    const def = definitionAt(frame);
    if (!def) {
      applied = locationOf(frame); // the innermost traced expression before a definition is entered
      continue;
    }
    if (def === caller) continue; // a definition's whole range and its body's range
    const use = caller ? useOf(def.name, caller.body) : undefined;
    const at = applied && caller && within(applied, caller.loc) ? applied : use && locationOf(use);
    if (!named.has(def.name)) out.push(at ? { name: def.name, location: at } : { name: def.name });
    caller = def;
    applied = undefined;
  }
  return out;
}

function within(inner: DiagnosticLocation, outer: SourceRange): boolean {
  const startsAfter =
    inner.line > outer.line || (inner.line === outer.line && inner.col >= outer.col);
  const endLine = inner.endLine ?? inner.line;
  const endCol = inner.endCol ?? inner.col;
  const endsBefore =
    endLine < outer.endLine || (endLine === outer.endLine && endCol <= outer.endCol);
  return inner.file === outer.file && startsAfter && endsBefore;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.endsWith(':') ? line.slice(0, -1) : line;
}
