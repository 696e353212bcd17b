/**
 * `timelock explain`: evaluates TLA+ expressions over every state of a saved trace, to see why a
 * behaviour went where it went without re-running the checker. The trace comes from
 * `check --json` (an NDJSON stream with a violation record) or `validate --json` (one object);
 * each state's printed values are read back into values, and each expression is compiled once
 * in the model's scope and evaluated per state, with primed variables bound to the next state
 * so that actions (`x' > x`, `UNCHANGED y`, `Next`) can be asked about each step.
 */
import { TlaSemanticError } from '../modules/loader.ts';
import { Ctx, type Env, type Fn, type PartialState, bind } from '../eval/runtime.ts';
import { Scope, newSlot } from '../eval/scope.ts';
import { TlaSyntaxError, parseModule } from '../syntax/parse.ts';
import { printValue } from '../values/print.ts';
import { readValue } from '../values/read.ts';
import { type Value, modelValue } from '../values/value.ts';
import type { CfgValue } from './cfg.ts';
import type { Model } from './model.ts';
import type { SavedStep, SavedTrace } from './saved-trace.ts';
import { displayPath } from '../diagnostics/render.ts';

/** An expression that cannot be compiled, or a saved state that cannot be read back. */
export class ExplainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExplainError';
  }
}

/** What one expression gave in one state: its value, or why there is none. */
export type ExpressionOutcome = { expr: string; value: string } | { expr: string; error: string };

export interface StateExplanation {
  index: number;
  action: string;
  location: string | null;
  results: ExpressionOutcome[];
}

interface CompiledExpr {
  text: string;
  fn: Fn;
  /** Whether it mentions primed variables, so that it needs a next state. */
  isAction: boolean;
}

/** Names the expressions and values can use beyond the spec's: the cfg's model values. */
interface Context {
  scope: Scope;
  env: Env;
}

function modelValueContext(model: Model): Context {
  let scope = new Scope(model.root);
  let env: Env = null;
  const names = new Set<string>();
  const visit = (v: CfgValue): void => {
    if (v.kind === 'modelValue') names.add(v.name);
    else if (v.kind === 'set') v.elements.forEach(visit);
  };
  for (const c of model.cfg.constants) visit(c.value);
  for (const name of names) {
    if (model.root.defs.has(name)) continue; // `CONSTANT None = None`: the constant is it
    const slot = newSlot();
    scope = scope.with(name, slot);
    env = bind(env, slot, modelValue(name));
  }
  return { scope, env };
}

const EXPR_MODULE_HEAD = '---- MODULE Explain ----\nExplainExpression ==\n';
/** The expression starts on this line of the synthetic module, so its columns are its own. */
const EXPR_FIRST_LINE = 3;

/** Compiles `text` in the model's root scope; errors name the expression's line and column. */
function compileExpression(model: Model, ctx: Context, text: string): CompiledExpr {
  try {
    const mod = parseModule(`${EXPR_MODULE_HEAD}${text}\n====\n`, '--eval');
    const def = mod.units.find((u) => u.k === 'opdef' && u.name === 'ExplainExpression');
    if (!def || def.k !== 'opdef')
      throw new ExplainError(`--eval ${JSON.stringify(text)}: not an expression`);
    return {
      text,
      fn: model.compiler.expr(def.body, ctx.scope),
      isAction: model.compiler.mentions(def.body, ctx.scope, 'prime'),
    };
  } catch (e) {
    if (e instanceof TlaSyntaxError) throw expressionError(text, e.line, e.col, e.detail);
    if (e instanceof TlaSemanticError && e.loc?.file === '--eval')
      throw expressionError(text, e.loc.line, e.loc.col, e.detail);
    throw e;
  }
}

function expressionError(text: string, line: number, col: number, detail: string): ExplainError {
  const lines = text.split('\n');
  let exprLine = line - EXPR_FIRST_LINE;
  if (exprLine < 0 || exprLine >= lines.length) {
    // The parser gave up outside the expression: it ended before it was complete.
    exprLine = lines.length - 1;
    col = lines[exprLine].length + 1;
    detail =
      'syntax error: the expression ends too early (an unclosed bracket or a missing operand?)';
  }
  const where = lines.length > 1 ? `line ${exprLine + 1}, column ${col}` : `column ${col}`;
  return new ExplainError(
    `--eval ${JSON.stringify(text)}, ${where}: ${detail}\n  ${lines[exprLine]}\n  ${' '.repeat(col - 1)}^`,
  );
}

/** A state read back: a variable the trace does not record is left without a value. */
interface ReadState {
  values: PartialState;
  missing: string[];
}

/**
 * Reads each state's printed values back. Most values repeat from one state to the next, whole
 * or in part, so one memo of bracketed texts serves the whole trace.
 */
function readStates(model: Model, steps: readonly SavedStep[]): ReadState[] {
  const memo = new Map<string, Value>();
  return steps.map((step) => {
    const missing = model.varNames.filter((n) => !(n in step.state));
    if (missing.length === model.varNames.length) {
      throw new ExplainError(
        `state ${step.index} of the trace has none of the variables of ${model.root.name} (${model.varNames.join(', ')}): was it saved from another spec? Pass --spec and --config`,
      );
    }
    const values = model.varNames.map((name) => {
      if (!(name in step.state)) return undefined;
      try {
        return readValue(step.state[name], memo);
      } catch (e) {
        throw new ExplainError(`state ${step.index}, variable ${name}: ${(e as Error).message}`);
      }
    });
    return { values, missing };
  });
}

/** An evaluation error, saying which variables the trace lacks when that may be the cause. */
function evaluationError(e: unknown, states: ReadonlyArray<ReadState | null>): string {
  const message = (e as Error).message;
  const missing = [...new Set(states.flatMap((s) => s?.missing ?? []))];
  return missing.length === 0
    ? message
    : `${message} (the saved trace has no value for ${missing.join(', ')} here)`;
}

const NO_NEXT_STATE = 'not applicable in the last state: primed variables refer to the next state';

/**
 * Evaluates every expression in every state of `trace`. Primed variables in state N are those
 * of state N+1 (for a lasso's last state, those of the state the loop returns to).
 */
export function explainTrace(
  model: Model,
  trace: SavedTrace,
  expressions: readonly string[],
): StateExplanation[] {
  const ctx = modelValueContext(model);
  const compiled = expressions.map((e) => compileExpression(model, ctx, e));
  const states = readStates(model, trace.steps);
  const nextOf = (i: number): ReadState | null =>
    i + 1 < states.length
      ? states[i + 1]
      : trace.loopStart !== undefined
        ? states[trace.loopStart - 1]
        : null;
  return trace.steps.map((step, i) => {
    const cur = states[i];
    const nxt = nextOf(i);
    const evalCtx = new Ctx(cur.values, nxt?.values ?? null, model.runtime);
    return {
      index: step.index,
      action: step.action,
      location: step.location,
      results: compiled.map((c): ExpressionOutcome => {
        if (c.isAction && nxt === null) {
          return { expr: c.text, error: NO_NEXT_STATE };
        }
        try {
          return { expr: c.text, value: printValue(c.fn(ctx.env, evalCtx)) };
        } catch (e) {
          return { expr: c.text, error: evaluationError(e, c.isAction ? [cur, nxt] : [cur]) };
        }
      }),
    };
  });
}

/** `file:line:col` with the file as the readable trace shows it. */
function displayLocation(location: string): string {
  const m = /^(.*)(:\d+:\d+)$/.exec(location);
  return m ? displayPath(m[1]) + m[2] : location;
}

/** One state's results as text: a header naming the step, then `EXPR = value` lines. */
export function formatExplanation(s: StateExplanation): string {
  const where = s.location ? ` ${displayLocation(s.location)}` : '';
  const lines = [`State ${s.index} <${s.action}${where}>`];
  for (const r of s.results) {
    const body = 'value' in r ? ` = ${r.value}` : `: error: ${r.error}`;
    lines.push(`  ${r.expr}${body}`.replace(/\n/g, '\n    '));
  }
  return lines.join('\n');
}
