/**
 * What the spec says a step is, read from its syntax: the operators a module defines (following
 * EXTENDS to the spec's own modules) and the steps `Next` takes. A step is an operator `Next`
 * calls, directly or through operators that only choose between steps (`HandleMessage`,
 * `TimestampStep`: their body is a disjunction), together with the frames (`UNCHANGED ...`
 * operators) it is conjoined with. Both the static check of the implementation's emitting sites
 * and the TLC trace module are derived from this, so neither hard-codes the list of actions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseModule, NATIVE_MODULES, type Expr, type Loc, type Unit } from '../tla/index.ts';

/** An operator definition of the spec, with where it is. */
export interface SpecOperator {
  readonly name: string;
  /** Its parameters' names, in order. */
  readonly params: readonly string[];
  readonly body: Expr;
  /** Where it is defined (file as given to the parser, 1-based line). */
  readonly loc: Loc;
}

/** The operators of a spec module and of every spec module it extends. */
export interface SpecDefinitions {
  /** The root module's file. */
  readonly file: string;
  /** Every operator by name; a later module's definition never shadows (TLA+ forbids it). */
  readonly operators: ReadonlyMap<string, SpecOperator>;
  /** Every module file read, root first (standard modules excluded). */
  readonly files: readonly string[];
  /** Every name the modules declare or define: operators, constants and variables. */
  readonly names: ReadonlySet<string>;
  /**
   * Every identifier and string literal of the modules, each once, in the order TLC first reads
   * them when checking the root module (root first, then each module it extends).
   */
  readonly readingOrder: readonly string[];
}

/** A step of `Next`: an action with the frames `Next` conjoins it with. */
export interface NextStep {
  /** The action's operator. */
  readonly action: SpecOperator;
  /** Names of the zero-arity `UNCHANGED` operators conjoined with it, outermost first. */
  readonly frames: readonly string[];
  /** Where `Next` (or a chooser it calls) applies the action. */
  readonly calledAt: Loc;
  /** The innermost disjunct of `Next` (or of a chooser) the action is taken in. */
  readonly disjunct: Loc;
}

/**
 * Parses `specFile` and the modules it extends that sit next to it (standard modules such as
 * Naturals are the engine's and define nothing the check needs).
 */
export function loadSpecDefinitions(specFile: string): SpecDefinitions {
  const operators = new Map<string, SpecOperator>();
  const names = new Set<string>();
  const files: string[] = [];
  const readingOrder = new Set<string>();
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    files.push(file);
    const module = parseModule(readFileSync(file, 'utf8'), file);
    for (const name of module.names) readingOrder.add(name);
    for (const { name, loc } of module.extends) {
      const local = join(dirname(specFile), `${name}.tla`);
      if (existsSync(local)) visit(local);
      else if (!NATIVE_MODULES.has(name))
        throw new Error(
          `${loc.file}:${loc.line}: EXTENDS ${name}: no ${local} and no such standard module`,
        );
    }
    for (const unit of module.units) {
      const op = operatorOf(unit);
      if (op) operators.set(op.name, op);
      if (unit.k === 'opdef' || unit.k === 'fcndef') names.add(unit.name);
      if (unit.k === 'constants' || unit.k === 'variables')
        for (const d of unit.decls) names.add(d.name);
    }
  };
  visit(specFile);
  return { file: specFile, operators, files, names, readingOrder: [...readingOrder] };
}

function operatorOf(unit: Unit): SpecOperator | undefined {
  if (unit.k !== 'opdef') return undefined;
  return {
    name: unit.name,
    params: unit.params.map((p) => p.name),
    body: unit.body,
    loc: unit.loc,
  };
}

/**
 * The steps `nextName` takes, in the order it lists them. An operator whose body is a
 * disjunction is a choice between steps and is looked into; any other operator it applies is a
 * step. Guards (`m.type = "prepare"`) are built-in operators and are skipped; frames are
 * zero-arity operators whose body is `UNCHANGED ...`.
 */
export function stepsOfNext(spec: SpecDefinitions, nextName = 'Next'): NextStep[] {
  const next = spec.operators.get(nextName);
  if (!next) throw new Error(`${spec.file}: defines no operator ${nextName}`);
  const steps: NextStep[] = [];
  const userOperator = (e: Expr): SpecOperator | undefined =>
    e.k === 'apply' || e.k === 'ident' ? spec.operators.get(e.name) : undefined;
  const isFrame = (op: SpecOperator): boolean =>
    op.params.length === 0 && op.body.k === 'unchanged';
  const isAction = actionTest(spec);

  const walk = (
    e: Expr,
    frames: readonly string[],
    expanding: ReadonlySet<string>,
    disjunct: Loc,
  ): void => {
    switch (e.k) {
      case 'or':
        for (const item of e.items) walk(item, frames, expanding, item.loc);
        return;
      case 'quant':
        if (e.q === 'E') walk(e.body, frames, expanding, disjunct);
        return;
      case 'and': {
        const conjoined = e.items.map(userOperator).filter((op) => op !== undefined && isFrame(op));
        const inner = [...frames, ...conjoined.map((op) => op!.name)];
        // Conjuncts that are state predicates (`NeedsCheck(s)`) only guard the step.
        for (const item of e.items) {
          const op = userOperator(item);
          if (op && !isFrame(op) && isAction(op)) walk(item, inner, expanding, disjunct);
        }
        return;
      }
      case 'apply':
      case 'ident': {
        const op = userOperator(e);
        if (!op || isFrame(op) || expanding.has(op.name)) return;
        if (op.body.k === 'or') walk(op.body, frames, new Set([...expanding, op.name]), disjunct);
        else steps.push({ action: op, frames, calledAt: e.loc, disjunct });
        return;
      }
      default:
        return;
    }
  };
  walk(next.body, [], new Set([nextName]), next.body.loc);
  return steps;
}

/**
 * Whether an operator is an action: its body primes a variable or says UNCHANGED, itself or
 * through the operators it applies.
 */
function actionTest(spec: SpecDefinitions): (op: SpecOperator) => boolean {
  const known = new Map<string, boolean>();
  const test = (op: SpecOperator): boolean => {
    const cached = known.get(op.name);
    if (cached !== undefined) return cached;
    known.set(op.name, false); // a recursive operator is decided by its other parts
    const found = someNode(op.body, (e) => {
      if (e.k === 'prime' || e.k === 'unchanged') return true;
      const callee = e.k === 'apply' || e.k === 'ident' ? spec.operators.get(e.name) : undefined;
      return callee !== undefined && test(callee);
    });
    known.set(op.name, found);
    return found;
  };
  return test;
}

/** Whether `test` holds for `e` or any expression inside it. */
function someNode(e: Expr, test: (e: Expr) => boolean): boolean {
  if (test(e)) return true;
  // Expressions nest inside arrays and plain objects (bounds, record fields, EXCEPT updates);
  // walking every property keeps this independent of the AST's list of node kinds.
  const inside = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(inside);
    if (v === null || typeof v !== 'object') return false;
    if ('k' in v) return someNode(v as Expr, test); // EXCEPT steps and LET units included
    return Object.entries(v).some(([key, child]) => key !== 'loc' && inside(child));
  };
  return Object.entries(e).some(([key, child]) => key !== 'loc' && inside(child));
}

/** The distinct actions among `steps`, in first-appearance order. */
export function actionsOf(steps: readonly NextStep[]): SpecOperator[] {
  const byName = new Map<string, SpecOperator>();
  for (const { action } of steps) if (!byName.has(action.name)) byName.set(action.name, action);
  return [...byName.values()];
}
