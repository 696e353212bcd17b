/**
 * TLC's order of strings. TLC orders strings, model values and record fields by when it first
 * interned their text (util.UniqueString), not alphabetically, so that order decides CHOOSE,
 * enumeration, printing, which record field is compared first, and with it which comparisons
 * raise an error. We reproduce the order in which a TLC run interns names; docs/engine.md ("The
 * order of strings") gives the experiments that established it:
 *
 * 1. the cfg is parsed before the spec: the model values and strings it gives constants come
 *    first, in cfg order;
 * 2. then SANY's tables of built-in operators and operator symbols;
 * 3. then every token of every module, as SANY parses the modules (root first, then the modules
 *    it needs, in the order of its search for unresolved EXTENDS, then INSTANCE, names);
 * 4. then the values of string literals, as semantic analysis meets them: module by module in
 *    dependency order (what a module extends, then what it instantiates, then itself).
 *
 * Strings made while checking (by ToString, or read from a trace) come after all of these.
 */
import type { Module, Unit } from '../syntax/ast.ts';
import { nativeModuleNames } from './stdlib/index.ts';

/** What interning needs to know of one module. */
export interface InterningUnit {
  readonly name: string;
  readonly extends: readonly string[];
  readonly instances: readonly string[];
  /** Token texts, in the order the parser reads them (repetitions may be left out). */
  readonly tokens: readonly string[];
  /** String literal values, in source order. */
  readonly strings: readonly string[];
}

/**
 * SANY's built-in operators (tla2sany.semantic.BuiltInOperators) and the parser's operator
 * symbols and synonyms (tla2sany.parser.Operators), in the order TLC interns them before it
 * reads the spec. A string such as "BOOLEAN" or "<=" is therefore smaller than any name the spec
 * introduces.
 */
// prettier-ignore
export const BUILTIN_NAMES: readonly string[] = [
  'STRING', 'FALSE', 'TRUE', 'BOOLEAN', '=', '/=', '.', "'", '\\lnot', '\\neg', '\\land', '\\lor',
  '\\equiv', '=>', 'SUBSET', 'UNION', 'DOMAIN', '\\subseteq', '\\in', '\\notin', '\\', '\\intersect',
  '\\union', '\\times', '~>', '[]', '<>', 'ENABLED', 'UNCHANGED', '\\cdot', '-+->', '$AngleAct',
  '$BoundedChoose', '$BoundedExists', '$BoundedForall', '$CartesianProd', '$Case', '$ConjList',
  '$DisjList', '$Except', '$FcnApply', '$FcnConstructor', '$IfThenElse', '$NonRecursiveFcnSpec',
  '$Pair', '$RcdConstructor', '$RcdSelect', '$RecursiveFcnSpec', '$Seq', '$SetEnumerate',
  '$SetOfAll', '$SetOfFcns', '$SetOfRcds', '$SF', '$SquareAct', '$SubsetOf', '$TemporalExists',
  '$TemporalForall', '$TemporalWhile', '$Tuple', '$UnboundedChoose', '$UnboundedExists',
  '$UnboundedForall', '$WF', '$Nop', '$Qed', '$Pfcase', '$Have', '$Take', '$Pick', '$Witness',
  '$Suffices',
  '[', '^', '/', '*', '-', '-.', '+', '^+', '^*', '^#', '<', '\\leq', '>', '\\geq', '...', '..',
  '|', '||', '&&', '&', '$$', '$', '??', '%%', '%', '##', '++', '--', '**', '//', '^^', '@@', '!!',
  '|-', '|=', '-|', '=|', '<:', ':>', ':=', '::=', '\\oplus', '\\ominus', '\\odot', '\\oslash',
  '\\otimes', '\\uplus', '\\sqcap', '\\sqcup', '\\div', '\\wr', '\\star', '\\o', '\\bigcirc',
  '\\bullet', '\\prec', '\\succ', '\\preceq', '\\succeq', '\\sim', '\\simeq', '\\ll', '\\gg',
  '\\asymp', '\\subset', '\\supset', '\\supseteq', '\\approx', '\\cong', '\\sqsubset',
  '\\sqsubseteq', '\\sqsupset', '\\sqsupseteq', '\\doteq', '\\propto', '~', '¬', '□', '◇', '/\\',
  '∧', '\\/', '∨', '<=>', '≡', '⇔', '#', '≠', '<=', '=<', '≤', '>=', '≥', '\\X', '×', '\\cap', '∩',
  '\\cup', '∪', '\\circ', '∘', '(+)', '⊕', '(-)', '⊖', '(.)', '⊙', '(/)', '⊘', '(\\X)', '⊗', '≈',
  '≔', '≍', '◯', '⩴', '●', '⋅', '≅', '÷', '≐', '‥', '…', '‼', '≫', '⇒', '∈', '⫤', '↝', '≪', '⊣',
  '∉', '⇸', '≺', '⪯', '∝', '⁇', '⊨', '⊢', '∼', '≃', '⊓', '⊔', '⊏', '⊑', '⊐', '⊒', '⋆', '⊂', '⊆',
  '≻', '⪰', '⊃', '⊇', '⊎', '‖', '≀', '⁺',
];

/** `names` without repetitions, each where it first occurs. */
export function firstOccurrences(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** The interning facts of a parsed module. */
export function unitOfModule(m: Module): InterningUnit {
  return {
    name: m.name,
    extends: m.extends.map((e) => e.name),
    instances: instancesOf(m.units),
    tokens: m.tokens,
    strings: m.strings,
  };
}

function instancesOf(units: readonly Unit[]): string[] {
  const out: string[] = [];
  for (const u of units) if (u.k === 'instance' && !out.includes(u.module)) out.push(u.module);
  return out;
}

/** The facts of a native module as TLC's own copy of it reads, or undefined. */
export function standardUnit(name: string): InterningUnit | undefined {
  const s = nativeModuleNames(name);
  return s && { name, strings: [], ...s };
}

/**
 * The order in which SANY parses the modules of a spec: the root, then repeatedly the first
 * unresolved EXTENDS name found by a depth-first search from the root (a module's own EXTENDS
 * names, then recursively its extended and instantiated modules), or when there is none the
 * first unresolved INSTANCE name found the same way. `lookup` gives a module by name (undefined
 * for one that cannot be found, which is then skipped).
 */
export function parseOrder(
  root: InterningUnit,
  lookup: (name: string) => InterningUnit | undefined,
): InterningUnit[] {
  const parsed = new Map<string, InterningUnit | undefined>([[root.name, root]]);
  const next = (own: (u: InterningUnit) => readonly string[]): string | undefined => {
    const visited = new Set<string>();
    const search = (u: InterningUnit): string | undefined => {
      if (visited.has(u.name)) return undefined;
      visited.add(u.name);
      const unresolved = own(u).find((n) => !parsed.has(n));
      if (unresolved !== undefined) return unresolved;
      for (const n of [...u.extends, ...u.instances]) {
        const m = parsed.get(n);
        const found = m && search(m);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    return search(root);
  };
  for (;;) {
    const name = next((u) => u.extends) ?? next((u) => u.instances);
    if (name === undefined) break;
    parsed.set(name, lookup(name));
  }
  return [...parsed.values()].filter((u): u is InterningUnit => u !== undefined);
}

/** SANY's order of semantic analysis: what a module extends, then instantiates, then itself. */
export function semanticOrder(
  root: InterningUnit,
  lookup: (name: string) => InterningUnit | undefined,
): InterningUnit[] {
  const out: InterningUnit[] = [];
  const entered = new Set<string>();
  const visit = (u: InterningUnit): void => {
    if (entered.has(u.name)) return;
    entered.add(u.name);
    for (const n of [...u.extends, ...u.instances]) {
      const m = lookup(n);
      if (m) visit(m);
    }
    out.push(u);
  };
  visit(root);
  return out;
}

/**
 * Every name in the order a TLC run interns it, before checking starts: `cfgNames` (the cfg's
 * model values and strings, in cfg order), the built-in tables, the tokens of the modules in
 * parse order, then the string literals in semantic order. Repetitions are left in.
 */
export function tlcInterningOrder(
  cfgNames: readonly string[],
  root: InterningUnit,
  lookup: (name: string) => InterningUnit | undefined,
): string[] {
  const out = [...cfgNames, ...BUILTIN_NAMES];
  const known = new Map<string, InterningUnit>();
  const find = (name: string): InterningUnit | undefined => {
    if (!known.has(name)) {
      const u = lookup(name);
      if (u) known.set(name, u);
    }
    return known.get(name);
  };
  // A module of trace data has far too many tokens to spread into push's arguments.
  for (const u of parseOrder(root, find)) for (const t of u.tokens) out.push(t);
  for (const u of semanticOrder(root, find)) for (const t of u.strings) out.push(t);
  return out;
}
