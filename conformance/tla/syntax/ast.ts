/**
 * The abstract syntax of TLA+ modules as the engine uses it: what the tree-sitter grammar gives,
 * minus its quirks (operator chains flattened, parentheses dropped, `A \X B \X C` as one
 * product), with a source range on every node.
 *
 * Operator symbols are named by {@link symbolName}, so that a user definition `a ++ b == ...`
 * (named `$plusplus`) and its uses agree, and standard-module operators are looked up by the
 * same names.
 */
import type { SourceRange } from '../values/errors.ts';

/**
 * The name of an operator symbol: `$` and the grammar's canonical symbol name (`$plus` for `+`,
 * `$leq` for `<=`, `=<` and `\leq`). Symbols live apart from identifiers, so a definition named
 * `plus` cannot capture `+`.
 */
export function symbolName(grammarType: string): string {
  return '$' + grammarType;
}

export type Loc = SourceRange;

/** A bound `x \in S`, `x, y \in S` or `<<x, y>> \in S`; `set` is absent for unbounded forms. */
export interface Bound {
  names: string[];
  /** `<<x, y>> \in S`: each element of S is a tuple destructured into the names. */
  tuple: boolean;
  set?: Expr;
  loc: Loc;
  /** Where each name is written (for SANY's "Multiply-defined symbol" errors). */
  nameLocs?: Loc[];
}

/** A path step in `[f EXCEPT ![a][b].c = v]`. */
export type ExceptStep = { k: 'index'; args: Expr[] } | { k: 'field'; name: string };

/** Expressions. */
export type Expr =
  | { k: 'num'; value: number; loc: Loc }
  | { k: 'str'; value: string; loc: Loc }
  | { k: 'bool'; value: boolean; loc: Loc }
  /** A name: variable, constant, bound variable or zero-arity operator. */
  | { k: 'ident'; name: string; loc: Loc }
  /** Application of a named operator (user-defined, built in or from a standard module). */
  | { k: 'apply'; name: string; text: string; args: Expr[]; loc: Loc }
  /**
   * `M!Op(args)` or `M(p)!N!Op`: each step names an instance (or the final operator). With
   * `select`, a part of the final operator's body: `Inv!2` (its second conjunct), `Thm!:`.
   */
  | {
      k: 'prefixed';
      steps: PrefixStep[];
      select?: Selector[];
      loc: Loc;
    }
  /** `LAMBDA x, y : e`, only as an operator argument. */
  | { k: 'lambda'; params: string[]; body: Expr; loc: Loc; paramLocs?: Loc[] }
  /** An operator symbol passed as an argument, e.g. `SortSeq(s, <)`. */
  | { k: 'opsym'; name: string; text: string; loc: Loc }
  | { k: 'and'; items: Expr[]; loc: Loc }
  | { k: 'or'; items: Expr[]; loc: Loc }
  | { k: 'if'; cond: Expr; then: Expr; else: Expr; loc: Loc }
  | { k: 'case'; arms: Array<{ guard: Expr; body: Expr }>; other?: Expr; loc: Loc }
  | { k: 'let'; defs: Unit[]; body: Expr; loc: Loc }
  | { k: 'quant'; q: 'A' | 'E'; bounds: Bound[]; body: Expr; loc: Loc }
  /** Unbounded or temporal quantifier (`\A x : P`, `\EE x : P`). */
  | {
      k: 'uquant';
      q: 'A' | 'E' | 'AA' | 'EE';
      names: string[];
      body: Expr;
      loc: Loc;
      nameLocs?: Loc[];
    }
  | { k: 'choose'; bound: Bound; body: Expr; loc: Loc }
  | { k: 'setEnum'; elems: Expr[]; loc: Loc }
  | { k: 'setFilter'; bound: Bound; pred: Expr; loc: Loc }
  | { k: 'setMap'; expr: Expr; bounds: Bound[]; loc: Loc }
  | { k: 'tuple'; elems: Expr[]; loc: Loc }
  | { k: 'record'; fields: Array<{ name: string; value: Expr }>; loc: Loc }
  | { k: 'recordSet'; fields: Array<{ name: string; set: Expr }>; loc: Loc }
  | { k: 'fcnSet'; dom: Expr; rng: Expr; loc: Loc }
  | { k: 'product'; sets: Expr[]; loc: Loc }
  | { k: 'fcn'; bounds: Bound[]; body: Expr; loc: Loc }
  | { k: 'fcnApp'; fn: Expr; args: Expr[]; loc: Loc }
  | { k: 'dot'; rec: Expr; field: string; loc: Loc }
  | { k: 'except'; base: Expr; updates: Array<{ path: ExceptStep[]; value: Expr }>; loc: Loc }
  /** `@` inside an EXCEPT update. */
  | { k: 'at'; loc: Loc }
  | { k: 'prime'; expr: Expr; loc: Loc }
  | { k: 'unchanged'; expr: Expr; loc: Loc }
  | { k: 'enabled'; expr: Expr; loc: Loc }
  /** `[A]_v` (stutter true) or `<<A>>_v`. */
  | { k: 'actionBox'; action: Expr; sub: Expr; stutter: boolean; loc: Loc }
  | { k: 'always'; expr: Expr; loc: Loc }
  | { k: 'eventually'; expr: Expr; loc: Loc }
  | { k: 'leadsTo'; lhs: Expr; rhs: Expr; loc: Loc }
  | { k: 'fair'; strong: boolean; sub: Expr; action: Expr; loc: Loc };

/** `Name` or `Name(args)` in `M!N(args)!Op`. */
export interface PrefixStep {
  name: string;
  args: Expr[];
}

/**
 * One step of a subexpression name: `!2` (the second operand), `!<<` and `!>>` (the action and
 * the subscript of `<<A>>_v`), `!:` (the body itself).
 */
export type Selector = number | '<<' | '>>' | ':';

/** A formal parameter: `x` (arity 0) or `F(_, _)` (arity 2). */
export interface Param {
  name: string;
  arity: number;
  /** Where the parameter is declared (`x`, or `F(_, _)`). */
  loc?: Loc;
}

/**
 * Module-level (or LET-level) units. `declLoc`, on a LOCAL definition, is its range with the
 * keyword LOCAL (the range SANY names it by); `loc` starts after LOCAL.
 */
export type Unit =
  | {
      k: 'opdef';
      name: string;
      params: Param[];
      body: Expr;
      local: boolean;
      loc: Loc;
      declLoc?: Loc;
    }
  | {
      k: 'fcndef';
      name: string;
      bounds: Bound[];
      body: Expr;
      local: boolean;
      loc: Loc;
      declLoc?: Loc;
    }
  /** `INSTANCE M WITH a <- e` (name absent) or `N(p) == INSTANCE M WITH ...`. */
  | {
      k: 'instance';
      module: string;
      subs: Array<{ name: string; expr: Expr }>;
      local: boolean;
      name?: string;
      params: Param[];
      loc: Loc;
      declLoc?: Loc;
    }
  | { k: 'constants'; decls: Array<Param & { loc: Loc }>; loc: Loc }
  | { k: 'variables'; decls: Array<{ name: string; loc: Loc }>; loc: Loc }
  | { k: 'assume'; expr: Expr; name?: string; loc: Loc }
  | { k: 'recursive'; decls: Param[]; loc: Loc };

/** A parsed module. */
export interface Module {
  name: string;
  file: string;
  extends: Array<{ name: string; loc: Loc }>;
  units: Unit[];
  loc: Loc;
  /**
   * The text of every token in source order (comments left out, string literals with their
   * quotes): SANY interns each token as it reads the module, which decides TLC's order of
   * strings and record fields (modules/interning.ts).
   */
  tokens: string[];
  /** The value of every string literal, in source order: interned later, by semantic analysis. */
  strings: string[];
  /** Identifiers and string literal values, interleaved in source order. */
  names: string[];
}

/** Direct sub-expressions of an expression (for analyses that look at every node). */
export function childExprs(e: Expr): Expr[] {
  switch (e.k) {
    case 'num':
    case 'str':
    case 'bool':
    case 'ident':
    case 'at':
    case 'opsym':
      return [];
    case 'apply':
      return e.args;
    case 'prefixed':
      return e.steps.flatMap((s) => s.args);
    case 'lambda':
      return [e.body];
    case 'and':
    case 'or':
      return e.items;
    case 'if':
      return [e.cond, e.then, e.else];
    case 'case':
      return [...e.arms.flatMap((a) => [a.guard, a.body]), ...(e.other ? [e.other] : [])];
    case 'let':
      return [
        ...e.defs.flatMap((d) => (d.k === 'opdef' || d.k === 'fcndef' ? [d.body] : [])),
        ...e.defs.flatMap((d) => (d.k === 'fcndef' ? boundSets(d.bounds) : [])),
        e.body,
      ];
    case 'quant':
    case 'setMap':
    case 'fcn':
      return [...boundSets(e.bounds), 'body' in e ? e.body : e.expr];
    case 'uquant':
      return [e.body];
    case 'choose':
      return [...boundSets([e.bound]), e.body];
    case 'setFilter':
      return [...boundSets([e.bound]), e.pred];
    case 'setEnum':
    case 'tuple':
      return e.elems;
    case 'record':
      return e.fields.map((f) => f.value);
    case 'recordSet':
      return e.fields.map((f) => f.set);
    case 'fcnSet':
      return [e.dom, e.rng];
    case 'product':
      return e.sets;
    case 'fcnApp':
      return [e.fn, ...e.args];
    case 'dot':
      return [e.rec];
    case 'except':
      return [
        e.base,
        ...e.updates.flatMap((u) => [
          ...u.path.flatMap((p) => (p.k === 'index' ? p.args : [])),
          u.value,
        ]),
      ];
    case 'prime':
    case 'unchanged':
    case 'enabled':
    case 'always':
    case 'eventually':
      return [e.expr];
    case 'actionBox':
      return [e.action, e.sub];
    case 'leadsTo':
      return [e.lhs, e.rhs];
    case 'fair':
      return [e.sub, e.action];
  }
}

function boundSets(bounds: Bound[]): Expr[] {
  return bounds.flatMap((b) => (b.set ? [b.set] : []));
}
