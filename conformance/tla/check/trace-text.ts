/**
 * Error traces as text, in two styles: TLC's (every variable of every state, for tools that
 * parse TLC's output) and the readable one (the first state in full, then only what each step
 * changed, with each action's place as `file:line:col`).
 */
import { place } from '../diagnostics/render.ts';
import type { Loc } from '../syntax/ast.ts';
import { describeRange } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import type { Value } from '../values/value.ts';
import type { CheckResult, TraceStep } from './explorer.ts';
import { type Change, diffStates } from './trace-diff.ts';

/** How a liveness counterexample ends: back to an earlier state (1-based), or stuttering. */
export type Lasso = NonNullable<CheckResult['lasso']>;

/** One way of printing traces; {@link formatTlc} and {@link formatReadable} differ only here. */
export interface TraceStyle {
  /** A behaviour that ends where the error was found, with its heading. */
  trace(names: readonly string[], trace: readonly TraceStep[]): string[];
  /** A counterexample to a liveness property: states, then the loop or the stuttering. */
  lasso(names: readonly string[], trace: readonly TraceStep[], lasso: Lasso): string[];
  /** One state in full (an invariant violated by an initial state). */
  state(names: readonly string[], state: readonly Value[]): string;
}

/** A state as TLC prints it: `/\ x = 1` lines, or `x = 1` for a single variable. */
export function formatState(names: readonly string[], state: readonly unknown[]): string {
  if (names.length === 1) return `${names[0]} = ${printValue(state[0] as never)}`;
  return names.map((n, i) => `/\\ ${n} = ${printValue(state[i] as never)}`).join('\n');
}

function tlcHeader(s: TraceStep, index: number): string {
  const label = s.loc ? `<${s.action} ${describeRange(s.loc)}>` : `<${s.action}>`;
  return `State ${index + 1}: ${label}`;
}

/** TLC's text, unchanged, so that scripts written against TLC keep working. */
export const tlcStyle: TraceStyle = {
  trace(names, trace) {
    const out = ['Error: The behavior up to this point is:'];
    trace.forEach((s, i) => out.push(tlcHeader(s, i), formatState(names, s.state), ''));
    return out;
  },
  lasso(names, trace, lasso) {
    const out = ['', 'Error: The following behavior constitutes a counter-example:', ''];
    trace.forEach((s, i) => out.push(tlcHeader(s, i), formatState(names, s.state), ''));
    out.push(
      lasso.stuttering ? `State ${trace.length + 1}: Stuttering` : `Back to state ${lasso.backTo}.`,
      '',
    );
    return out;
  },
  state: formatState,
};

/** Where an action is, as `file:line:col`. */
export function locationText(loc: Loc): string {
  return place(loc);
}

/** A step's header: the action with its parameters, and where it is. */
export function stepLabel(s: TraceStep): string {
  if (s.name !== undefined && s.nameLoc !== undefined)
    return `<${s.name} ${locationText(s.nameLoc)}>`;
  return s.loc ? `<${s.action} ${locationText(s.loc)}>` : `<${s.action}>`;
}

/** A state in full, one `/\ var = value` line per variable. */
function fullState(names: readonly string[], state: readonly Value[]): string[] {
  return names.map((n, i) => `  /\\ ${n} = ${printValue(state[i])}`);
}

/**
 * Changes as lines, one per path: `path: old -> new`, and for sets `path: -{...}` then
 * `path: +{...}` with every element removed or added there.
 */
export function formatChanges(changes: readonly Change[]): string[] {
  const byPath = new Map<string, { replaced?: Change; removed: string[]; added: string[] }>();
  for (const c of changes) {
    let entry = byPath.get(c.path);
    if (!entry) byPath.set(c.path, (entry = { removed: [], added: [] }));
    if (c.kind === 'changed') entry.replaced = c;
    else if (c.kind === 'removed') entry.removed.push(c.before!);
    else entry.added.push(c.after!);
  }
  const out: string[] = [];
  for (const [path, e] of byPath) {
    if (e.replaced) out.push(`  ${path}: ${e.replaced.before} -> ${e.replaced.after}`);
    if (e.removed.length > 0) out.push(`  ${path}: -{${e.removed.join(', ')}}`);
    if (e.added.length > 0) out.push(`  ${path}: +{${e.added.join(', ')}}`);
  }
  return out.length > 0 ? out : ['  (no variable changed)'];
}

const LOOP_MARK = '  <-- the loop starts here';
const STUTTER_MARK = '  <-- stays here forever (stuttering)';

/** The states of a trace: the first in full, each later one as its changes. */
function readableStates(
  names: readonly string[],
  trace: readonly TraceStep[],
  mark?: { at: number; text: string },
): string[] {
  const out: string[] = [];
  trace.forEach((s, i) => {
    const header = `State ${i + 1}: ${stepLabel(s)}${mark?.at === i ? mark.text : ''}`;
    const body =
      i === 0
        ? fullState(names, s.state)
        : formatChanges(diffStates(names, trace[i - 1].state, s.state));
    out.push(header, ...body, '');
  });
  return out;
}

const READABLE_NOTE = '(state 1 in full, then what each step changed; --full prints every state)';

/** The first state in full, then each step's changes, with loop markers on lassos. */
export const readableStyle: TraceStyle = {
  trace(names, trace) {
    return [
      `Error: The behavior up to this point is ${READABLE_NOTE}:`,
      '',
      ...readableStates(names, trace),
    ];
  },
  lasso(names, trace, lasso) {
    const out = [
      '',
      `Error: The following behavior constitutes a counter-example ${READABLE_NOTE}:`,
      '',
    ];
    const last = trace.length - 1;
    if (lasso.stuttering) {
      out.push(...readableStates(names, trace, { at: last, text: STUTTER_MARK }));
      out.push(`Then the behavior stays in state ${last + 1} forever: no variable changes.`, '');
      return out;
    }
    const loopStart = lasso.backTo! - 1;
    out.push(...readableStates(names, trace, { at: loopStart, text: LOOP_MARK }));
    out.push(
      `Then the behavior returns to state ${loopStart + 1} and repeats the loop forever:`,
      ...formatChanges(diffStates(names, trace[last].state, trace[loopStart].state)),
      '',
    );
    return out;
  },
  state(names, state) {
    return fullState(names, state).join('\n');
  },
};
