/**
 * TLA+ source text -> {@link Module}, on the tree-sitter grammar `@tlaplus/tree-sitter-tlaplus`.
 *
 * The grammar does not throw on bad input: it leaves ERROR and MISSING nodes in the tree. We
 * look for the first one and report it as a {@link TlaSyntaxError} at `file:line:col`.
 */
import Parser from 'tree-sitter';
import TlaPlus from '@tlaplus/tree-sitter-tlaplus';
import {
  type Bound,
  type ExceptStep,
  type Expr,
  type Loc,
  type Module,
  type Param,
  type PrefixStep,
  type Selector,
  type Unit,
  symbolName,
} from './ast.ts';

import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locationOf } from '../diagnostics/location.ts';
import { recogniseMistake } from '../diagnostics/syntax-mistakes.ts';

type Node = Parser.SyntaxNode;

/** What a syntax error knows beyond its place: which common mistake it is, how to fix it. */
export interface SyntaxErrorExtra {
  code?: DiagnosticCode;
  hint?: string;
  /** The end of the culprit's range (the caret run), when it is more than one character. */
  endLine?: number;
  endCol?: number;
}

/** A syntax error, with the place it was found. */
export class TlaSyntaxError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
    extra: SyntaxErrorExtra = {},
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'TlaSyntaxError';
    this.diagnostic = {
      code: extra.code ?? 'TLA101',
      severity: 'error',
      summary: detail,
      location: locationOf({
        file,
        line,
        col,
        endLine: extra.endLine ?? (extra.endCol === undefined ? undefined : line),
        endCol: extra.endCol,
      }),
      ...(extra.hint ? { hint: extra.hint } : {}),
    };
  }
}

let parser: Parser | undefined;
function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(TlaPlus as unknown as Parser.Language);
  }
  return parser;
}

/** tree-sitter's concrete tree of a module's text (for checks on layout the AST drops). */
export function syntaxTree(text: string): Parser.Tree {
  // tree-sitter's default buffer is too small for long files; give it room.
  return getParser().parse(text, undefined, {
    bufferSize: Math.max(32 * 1024, text.length * 2 + 1024),
  });
}

/** Parses the text of one `.tla` file holding one module. */
export function parseModule(text: string, file: string): Module {
  const root = syntaxTree(text).rootNode;
  if (root.hasError) throw syntaxErrorAt(root, file, text);
  const moduleNode = named(root).find((n) => n.type === 'module');
  if (!moduleNode)
    throw new TlaSyntaxError(
      file,
      1,
      1,
      'no module found: expected a line "---- MODULE Name ----"',
    );
  const conv = new Converter(
    file,
    moduleNode.childForFieldName('name')!.text,
    Buffer.from(text, 'utf8'),
  );
  const mod = conv.module(moduleNode);
  const { tokens, strings, names } = collectTokens(root);
  mod.tokens = tokens;
  mod.strings = strings;
  mod.names = names;
  return mod;
}

function syntaxErrorAt(root: Node, file: string, text: string): TlaSyntaxError {
  let found: Node | undefined;
  const visit = (n: Node): boolean => {
    if (n.type === 'ERROR' || n.isMissing) {
      found = n;
      return true;
    }
    for (const c of n.children)
      if (c.hasError || c.isMissing || c.type === 'ERROR') if (visit(c)) return true;
    return false;
  };
  visit(root);
  const n = found ?? root;
  const lost = lostModuleError(n, file, text);
  if (lost) return lost;
  const mistake = n.type === 'ERROR' ? recogniseMistake(n, text) : undefined;
  if (mistake)
    return new TlaSyntaxError(file, mistake.line, mistake.col, mistake.detail, {
      code: mistake.code,
      hint: mistake.hint,
      endCol: mistake.endCol,
    });
  const line = n.startPosition.row + 1;
  const col = n.startPosition.column + 1;
  if (n.isMissing)
    return new TlaSyntaxError(file, line, col, `syntax error: missing ${describeToken(n.type)}`);
  let leaf = n;
  while (leaf.childCount > 0) leaf = leaf.child(0)!;
  const lineText = text.split('\n')[leaf.startPosition.row] ?? '';
  const shown =
    leaf.text.length > 0 ? leaf.text : lineText.slice(leaf.startPosition.column).split(/\s/)[0];
  return new TlaSyntaxError(
    file,
    leaf.startPosition.row + 1,
    leaf.startPosition.column + 1,
    shown ? `syntax error: unexpected '${shown}'` : 'syntax error: unexpected end of input',
  );
}

/** Node types that are complete module-level units (or layout) when tree-sitter loses the module. */
const UNIT_NODES = new Set([
  'extends',
  'constant_declaration',
  'variable_declaration',
  'operator_definition',
  'function_definition',
  'module_definition',
  'instance',
  'local_definition',
  'assumption',
  'recursive_declaration',
  'theorem',
  'use_or_hide',
  'single_line',
  'double_line',
  'comment',
  'block_comment',
]);

/**
 * When a unit cannot be completed (an unclosed bracket, an expression cut short before the next
 * definition or `====`), tree-sitter gives up on the module and wraps the whole file in one
 * ERROR node starting at the header, so the first error found is at 1:1. The units parsed
 * before the bad one are still children of that node: report the first child that is not one.
 */
function lostModuleError(n: Node, file: string, text: string): TlaSyntaxError | undefined {
  if (n.type !== 'ERROR') return undefined;
  const kids = n.children;
  const header = kids.findIndex((c) => c.type === 'MODULE');
  if (header < 0) return undefined;
  // Without a closing line the last unit looks unfinished; the missing line is the cause.
  if (!/^\s*={4,}/m.test(text)) return missingEnd(n, file);
  for (let i = header + 2; i < kids.length; i++) {
    const c = kids[i];
    if (UNIT_NODES.has(c.type)) continue;
    const shown = c.text.split('\n')[0].slice(0, 40);
    return new TlaSyntaxError(
      file,
      c.startPosition.row + 1,
      c.startPosition.column + 1,
      `syntax error: cannot parse the text from '${shown}' on (an unclosed bracket or an unfinished expression?)`,
      {
        code: 'TLA106',
        hint: 'check that every (, [, {, << before here is closed, and that the expression before here is complete',
      },
    );
  }
  return missingEnd(n, file);
}

function missingEnd(n: Node, file: string): TlaSyntaxError {
  return new TlaSyntaxError(
    file,
    n.endPosition.row + 1,
    n.endPosition.column + 1,
    "syntax error: missing '====' at the end of the module",
    {
      code: 'TLA105',
      hint: 'a module ends with a line of four or more = signs: add ==== after its last line',
    },
  );
}

function describeToken(type: string): string {
  return /^[a-z_]+$/.test(type) ? type.replace(/_/g, ' ') : `'${type}'`;
}

/**
 * The tokens of a module in source order, and the values of its string literals. SANY interns
 * every token image it reads (keywords, operator symbols and numbers too, and a string literal
 * with its quotes) but not the keyword MODULE of the header; TLC checked this by experiment
 * (docs/engine.md, "The order of strings").
 */
function collectTokens(root: Node): { tokens: string[]; strings: string[]; names: string[] } {
  const tokens: string[] = [];
  const strings: string[] = [];
  const names: string[] = [];
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const t = cursor.nodeType;
    const skip = COMMENTS.has(t) || t === 'extramodular_text';
    if (t === 'identifier' || t === 'identifier_ref') names.push(cursor.nodeText);
    if (t === 'string') {
      tokens.push(cursor.nodeText);
      strings.push(unescape(cursor.nodeText));
      names.push(unescape(cursor.nodeText));
    } else if (!skip && cursor.currentNode.childCount === 0) {
      const parent = cursor.currentNode.parent;
      if (!(t === 'MODULE' && parent?.type === 'module')) tokens.push(cursor.nodeText);
    }
    if (t !== 'string' && !skip && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  return { tokens, strings, names };
}

function unescape(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'f' ? '\f' : c,
  );
}

const COMMENTS = new Set(['comment', 'block_comment', 'block_comment_text']);
/** Named children without comments (which the grammar attaches anywhere as extras). */
function named(n: Node): Node[] {
  return n.namedChildren.filter((c) => !COMMENTS.has(c.type));
}

const PUNCTUATION = new Set([
  '(',
  ')',
  ',',
  '[',
  ']',
  '{',
  '}',
  ':',
  '!',
  '.',
  '|->',
  '->',
  '<-',
  '==',
]);

class Converter {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly file: string,
    private readonly moduleName: string,
    /** The source as bytes: tree-sitter positions are byte offsets. */
    private readonly bytes: Buffer,
  ) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) this.lineStarts.push(i + 1);
  }

  /** The node's range; its end moved back over trailing blanks (bullet lists end at the next line). */
  loc(n: Node): Loc {
    let end = n.endIndex;
    while (
      end > n.startIndex &&
      (this.bytes[end - 1] === 32 ||
        this.bytes[end - 1] === 10 ||
        this.bytes[end - 1] === 13 ||
        this.bytes[end - 1] === 9)
    )
      end--;
    let lo = 0,
      hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= end - 1) lo = mid;
      else hi = mid - 1;
    }
    return {
      file: this.file,
      module: this.moduleName,
      line: n.startPosition.row + 1,
      col: n.startPosition.column + 1,
      endLine: lo + 1,
      endCol: Math.max(1, end - this.lineStarts[lo]),
    };
  }

  fail(n: Node, detail: string, code?: DiagnosticCode): never {
    throw new TlaSyntaxError(
      this.file,
      n.startPosition.row + 1,
      n.startPosition.column + 1,
      detail,
      { code },
    );
  }

  module(n: Node): Module {
    const name = n.childForFieldName('name')!.text;
    const mod: Module = {
      name,
      file: this.file,
      extends: [],
      units: [],
      loc: this.loc(n),
      tokens: [],
      strings: [],
      names: [],
    };
    const nameNode = n.childForFieldName('name');
    for (const c of named(n)) {
      if (nameNode && c.startIndex === nameNode.startIndex && c.type === nameNode.type) continue;
      if (c.type === 'extends') {
        for (const r of named(c)) mod.extends.push({ name: r.text, loc: this.loc(r) });
      } else {
        const u = this.unit(c, false);
        if (u) mod.units.push(u);
      }
    }
    return mod;
  }

  unit(n: Node, local: boolean): Unit | undefined {
    switch (n.type) {
      case 'local_definition': {
        const u = this.unit(named(n)[0], true);
        if (u && (u.k === 'opdef' || u.k === 'fcndef' || u.k === 'instance'))
          u.declLoc = this.loc(n);
        return u;
      }
      case 'operator_definition':
        return this.opdef(n, local);
      case 'function_definition':
        return {
          k: 'fcndef',
          name: n.childForFieldName('name')!.text,
          bounds: named(n)
            .filter((c) => c.type === 'quantifier_bound')
            .map((b) => this.bound(b)),
          body: this.expr(n.childForFieldName('definition')!),
          local,
          loc: this.loc(n),
        };
      case 'module_definition': {
        const inst = this.instance(n.childForFieldName('definition')!, local);
        inst.name = n.childForFieldName('name')!.text;
        inst.params = n
          .childrenForFieldName('parameter')
          .filter((p) => p.isNamed && !COMMENTS.has(p.type))
          .map((p) => this.param(p));
        inst.loc = this.loc(n);
        return inst;
      }
      case 'instance':
        return this.instance(n, local);
      case 'constant_declaration':
        return {
          k: 'constants',
          decls: named(n).map((c) => ({ ...this.param(c), loc: this.loc(c) })),
          loc: this.loc(n),
        };
      case 'variable_declaration':
        return {
          k: 'variables',
          decls: named(n).map((c) => ({ name: c.text, loc: this.loc(c) })),
          loc: this.loc(n),
        };
      case 'assumption': {
        const name = n.childForFieldName('name');
        const body = named(n).filter(
          (c) => c.type !== 'def_eq' && !(name && c.startIndex === name.startIndex),
        );
        return {
          k: 'assume',
          expr: this.expr(body[body.length - 1]),
          name: name?.text,
          loc: this.loc(n),
        };
      }
      case 'theorem':
        return this.theorem(n);
      case 'recursive_declaration':
        return { k: 'recursive', decls: named(n).map((c) => this.param(c)), loc: this.loc(n) };
      case 'header_line':
      case 'double_line':
      case 'single_line':
      case 'comment':
      case 'block_comment':
      case 'use_or_hide':
      case 'module':
      case 'extramodular_text':
        return undefined;
      default:
        if (n.type.endsWith('proof') || n.type.endsWith('step')) return undefined;
        return this.fail(n, `unsupported module-level construct '${n.type}'`, 'TLA107');
    }
  }

  /**
   * `THEOREM Name == P` names P, as a definition would: a model may check it (`ASSUME Name`,
   * `Name!2`). Unnamed theorems and ASSUME/PROVE statements name nothing an expression can use.
   */
  theorem(n: Node): Unit | undefined {
    const name = n.childForFieldName('name');
    const statement = n.childForFieldName('statement');
    if (!name || !statement || statement.type === 'assume_prove') return undefined;
    return {
      k: 'opdef',
      name: name.text,
      params: [],
      body: this.expr(statement),
      local: false,
      loc: this.loc(n),
    };
  }

  opdef(n: Node, local: boolean): Unit {
    const nameNode = n.childForFieldName('name')!;
    return {
      k: 'opdef',
      name: this.opName(nameNode),
      params: n
        .childrenForFieldName('parameter')
        .filter((p) => p.isNamed && !COMMENTS.has(p.type))
        .map((p) => this.param(p)),
      body: this.expr(n.childForFieldName('definition')!),
      local,
      loc: this.loc(n),
    };
  }

  /** The canonical name of a defined or declared operator (identifier or symbol). */
  opName(n: Node): string {
    if (n.type.endsWith('_op_symbol')) return symbolName(named(n)[0]?.type ?? n.text);
    if (n.type === 'nat_number_set') return 'Nat';
    if (n.type === 'int_number_set') return 'Int';
    if (n.type === 'real_number_set') return 'Real';
    return n.text;
  }

  param(n: Node): Param {
    if (n.type === 'operator_declaration') {
      const name = n.childForFieldName('name')!;
      const arity = named(n).filter((c) => c.type === 'placeholder').length;
      return { name: this.opName(name), arity, loc: this.loc(n) };
    }
    return { name: n.text, arity: 0, loc: this.loc(n) };
  }

  instance(n: Node, local: boolean): Unit & { k: 'instance' } {
    const kids = named(n);
    const subs: Array<{ name: string; expr: Expr }> = [];
    for (const s of kids.filter((c) => c.type === 'substitution')) {
      const parts = named(s).filter((c) => c.type !== 'gets');
      subs.push({ name: this.opName(parts[0]), expr: this.arg(parts[1]) });
    }
    return { k: 'instance', module: kids[0].text, subs, local, params: [], loc: this.loc(n) };
  }

  bound(n: Node): Bound {
    const intro = n.childrenForFieldName('intro').filter((c) => c.isNamed && !COMMENTS.has(c.type));
    const set = n.childForFieldName('set');
    if (intro.length === 1 && intro[0].type === 'tuple_of_identifiers') {
      const ids = named(intro[0]).filter((c) => c.type === 'identifier');
      return {
        names: ids.map((c) => c.text),
        tuple: true,
        set: set ? this.expr(set) : undefined,
        loc: this.loc(n),
        nameLocs: ids.map((c) => this.loc(c)),
      };
    }
    return {
      names: intro.map((c) => c.text),
      tuple: false,
      set: set ? this.expr(set) : undefined,
      loc: this.loc(n),
      nameLocs: intro.map((c) => this.loc(c)),
    };
  }

  /** An operator argument: an expression, a LAMBDA or an operator symbol. */
  arg(n: Node): Expr {
    if (n.type === 'lambda') {
      const ids = named(n).filter((c) => c.type === 'identifier');
      const body = named(n)[named(n).length - 1];
      return {
        k: 'lambda',
        params: ids.map((c) => c.text),
        body: this.expr(body),
        loc: this.loc(n),
        paramLocs: ids.map((c) => this.loc(c)),
      };
    }
    if (n.type.endsWith('_op_symbol')) {
      return { k: 'opsym', name: this.opName(n), text: n.text, loc: this.loc(n) };
    }
    return this.expr(n);
  }

  exprs(nodes: Node[]): Expr[] {
    return nodes.map((c) => this.expr(c));
  }

  expr(n: Node): Expr {
    const loc = this.loc(n);
    switch (n.type) {
      case 'nat_number':
        return { k: 'num', value: this.int(n, n.text, 10), loc };
      case 'binary_number':
        return { k: 'num', value: this.int(n, named(n)[1].text, 2), loc };
      case 'octal_number':
        return { k: 'num', value: this.int(n, named(n)[1].text, 8), loc };
      case 'hex_number':
        return { k: 'num', value: this.int(n, named(n)[1].text, 16), loc };
      case 'string':
        return { k: 'str', value: unescape(n.text), loc };
      case 'boolean':
        return { k: 'bool', value: n.text === 'TRUE', loc };
      case 'identifier_ref':
        return { k: 'ident', name: n.text, loc };
      case 'nat_number_set':
        return { k: 'ident', name: 'Nat', loc };
      case 'int_number_set':
        return { k: 'ident', name: 'Int', loc };
      case 'real_number_set':
        return { k: 'ident', name: 'Real', loc };
      case 'boolean_set':
        return { k: 'ident', name: 'BOOLEAN', loc };
      case 'string_set':
        return { k: 'ident', name: 'STRING', loc };
      case 'parentheses':
        return this.expr(named(n)[0]);
      case 'label':
        return this.expr(n.childForFieldName('expression')!);
      case 'bound_op': {
        const name = n.childForFieldName('name')!.text;
        const args = n
          .childrenForFieldName('parameter')
          .filter((p) => p.isNamed && !COMMENTS.has(p.type));
        return { k: 'apply', name, text: name, args: args.map((a) => this.arg(a)), loc };
      }
      case 'bound_nonfix_op': {
        const sym = n.childForFieldName('symbol')!;
        const args = named(n).filter((c) => c.startIndex !== sym.startIndex);
        return { k: 'apply', name: this.opName(sym), text: sym.text, args: this.exprs(args), loc };
      }
      case 'bound_infix_op':
        return this.infix(n, loc);
      case 'bound_prefix_op':
        return this.prefix(n, loc);
      case 'bound_postfix_op': {
        const sym = n.childForFieldName('symbol')!;
        const lhs = this.expr(n.childForFieldName('lhs')!);
        if (sym.type === 'prime') return { k: 'prime', expr: lhs, loc };
        return { k: 'apply', name: symbolName(sym.type), text: sym.text, args: [lhs], loc };
      }
      case 'conj_list':
        return { k: 'and', items: named(n).map((i) => this.expr(named(i)[1])), loc };
      case 'disj_list':
        return { k: 'or', items: named(n).map((i) => this.expr(named(i)[1])), loc };
      case 'if_then_else':
        return {
          k: 'if',
          cond: this.expr(n.childForFieldName('if')!),
          then: this.expr(n.childForFieldName('then')!),
          else: this.expr(n.childForFieldName('else')!),
          loc,
        };
      case 'case': {
        const arms: Array<{ guard: Expr; body: Expr }> = [];
        let other: Expr | undefined;
        for (const c of named(n)) {
          const parts = named(c).filter((x) => x.type !== 'case_arrow');
          if (c.type === 'case_arm')
            arms.push({ guard: this.expr(parts[0]), body: this.expr(parts[1]) });
          else if (c.type === 'other_arm') other = this.expr(parts[0]);
        }
        return { k: 'case', arms, other, loc };
      }
      case 'let_in': {
        const defs: Unit[] = [];
        for (const d of n.childrenForFieldName('definitions')) {
          const u = this.unit(d, false);
          if (u) defs.push(u);
        }
        return { k: 'let', defs, body: this.expr(n.childForFieldName('expression')!), loc };
      }
      case 'bounded_quantification': {
        const q = n.childForFieldName('quantifier')!.type === 'forall' ? 'A' : 'E';
        const bounds = n.childrenForFieldName('bound').filter((b) => b.type === 'quantifier_bound');
        return {
          k: 'quant',
          q,
          bounds: bounds.map((b) => this.bound(b)),
          body: this.expr(n.childForFieldName('expression')!),
          loc,
        };
      }
      case 'unbounded_quantification': {
        const qt = n.childForFieldName('quantifier')!.type;
        const q =
          qt === 'forall' ? 'A' : qt === 'exists' ? 'E' : qt === 'temporal_forall' ? 'AA' : 'EE';
        const intro = n
          .childrenForFieldName('intro')
          .filter((c) => c.isNamed && !COMMENTS.has(c.type));
        return {
          k: 'uquant',
          q,
          names: intro.map((c) => c.text),
          body: this.expr(n.childForFieldName('expression')!),
          loc,
          nameLocs: intro.map((c) => this.loc(c)),
        };
      }
      case 'choose': {
        const intro = n.childForFieldName('intro')!;
        const set = n.childForFieldName('set');
        const ids =
          intro.type === 'tuple_of_identifiers'
            ? named(intro).filter((c) => c.type === 'identifier')
            : [intro];
        const bound: Bound = {
          names: ids.map((c) => c.text),
          tuple: intro.type === 'tuple_of_identifiers',
          set: set ? this.expr(set) : undefined,
          loc: this.loc(intro),
          nameLocs: ids.map((c) => this.loc(c)),
        };
        return { k: 'choose', bound, body: this.expr(n.childForFieldName('expression')!), loc };
      }
      case 'finite_set_literal':
        return { k: 'setEnum', elems: this.exprs(named(n)), loc };
      case 'set_filter':
        return {
          k: 'setFilter',
          bound: this.bound(n.childForFieldName('generator')!),
          pred: this.expr(n.childForFieldName('filter')!),
          loc,
        };
      case 'set_map':
        return {
          k: 'setMap',
          expr: this.expr(n.childForFieldName('map')!),
          bounds: n
            .childrenForFieldName('generator')
            .filter((g) => g.type === 'quantifier_bound')
            .map((g) => this.bound(g)),
          loc,
        };
      case 'tuple_literal':
        return {
          k: 'tuple',
          elems: this.exprs(
            named(n).filter((c) => c.type !== 'langle_bracket' && c.type !== 'rangle_bracket'),
          ),
          loc,
        };
      case 'record_literal': {
        const parts = named(n).filter((c) => c.type !== 'all_map_to');
        const fields: Array<{ name: string; value: Expr }> = [];
        for (let i = 0; i + 1 < parts.length; i += 2)
          fields.push({ name: parts[i].text, value: this.expr(parts[i + 1]) });
        return { k: 'record', fields, loc };
      }
      case 'set_of_records': {
        const parts = named(n);
        const fields: Array<{ name: string; set: Expr }> = [];
        for (let i = 0; i + 1 < parts.length; i += 2)
          fields.push({ name: parts[i].text, set: this.expr(parts[i + 1]) });
        return { k: 'recordSet', fields, loc };
      }
      case 'set_of_functions': {
        const parts = named(n).filter((c) => c.type !== 'maps_to');
        return { k: 'fcnSet', dom: this.expr(parts[0]), rng: this.expr(parts[1]), loc };
      }
      case 'function_literal': {
        const bounds = named(n)
          .filter((c) => c.type === 'quantifier_bound')
          .map((b) => this.bound(b));
        const body = named(n)[named(n).length - 1];
        return { k: 'fcn', bounds, body: this.expr(body), loc };
      }
      case 'function_evaluation': {
        const parts = named(n);
        return { k: 'fcnApp', fn: this.expr(parts[0]), args: this.exprs(parts.slice(1)), loc };
      }
      case 'record_value': {
        const parts = named(n);
        return { k: 'dot', rec: this.expr(parts[0]), field: parts[parts.length - 1].text, loc };
      }
      case 'except':
        return this.except(n, loc);
      case 'prev_func_val':
        return { k: 'at', loc };
      case 'prefixed_op':
        return this.prefixed(n, loc);
      case 'subexpression':
        return this.subexpression(n, loc);
      case 'step_expr_or_stutter': {
        const parts = named(n);
        return {
          k: 'actionBox',
          action: this.expr(parts[0]),
          sub: this.expr(parts[1]),
          stutter: true,
          loc,
        };
      }
      case 'step_expr_no_stutter': {
        const parts = named(n).filter(
          (c) => c.type !== 'langle_bracket' && c.type !== 'rangle_bracket_sub',
        );
        return {
          k: 'actionBox',
          action: this.expr(parts[0]),
          sub: this.expr(parts[1]),
          stutter: false,
          loc,
        };
      }
      case 'fairness': {
        const strong = n.child(0)!.type === 'SF_';
        const parts = named(n);
        return { k: 'fair', strong, sub: this.expr(parts[0]), action: this.expr(parts[1]), loc };
      }
      case 'lambda':
        return this.fail(n, 'LAMBDA may only appear as an argument of an operator');
      default:
        if (PUNCTUATION.has(n.type)) return this.fail(n, `unexpected '${n.text}'`);
        return this.fail(n, `unsupported expression '${n.type}'`, 'TLA107');
    }
  }

  int(n: Node, digits: string, radix: number): number {
    const v = parseInt(digits, radix);
    if (!Number.isSafeInteger(v) || v > 2147483647) {
      this.fail(
        n,
        `the number ${n.text} is too large: TLC's integers are 32-bit (at most 2147483647)`,
      );
    }
    return v;
  }

  infix(n: Node, loc: Loc): Expr {
    const sym = n.childForFieldName('symbol')!;
    const op = sym.type;
    if (op === 'land' || op === 'lor') {
      const items: Expr[] = [];
      this.flatten(n, op, items);
      return { k: op === 'land' ? 'and' : 'or', items, loc };
    }
    if (op === 'times') {
      const sets: Node[] = [];
      let cur: Node = n;
      while (cur.type === 'bound_infix_op' && cur.childForFieldName('symbol')!.type === 'times') {
        sets.unshift(cur.childForFieldName('rhs')!);
        cur = cur.childForFieldName('lhs')!;
      }
      sets.unshift(cur);
      return { k: 'product', sets: this.exprs(sets), loc };
    }
    if (op === 'leads_to') {
      return {
        k: 'leadsTo',
        lhs: this.expr(n.childForFieldName('lhs')!),
        rhs: this.expr(n.childForFieldName('rhs')!),
        loc,
      };
    }
    return {
      k: 'apply',
      name: symbolName(op),
      text: sym.text,
      args: [this.expr(n.childForFieldName('lhs')!), this.expr(n.childForFieldName('rhs')!)],
      loc,
    };
  }

  /** Flattens `a /\ b /\ c` (left-nested in the tree) into one list, keeping order. */
  flatten(n: Node, op: string, out: Expr[]): void {
    if (n.type === 'bound_infix_op' && n.childForFieldName('symbol')!.type === op) {
      this.flatten(n.childForFieldName('lhs')!, op, out);
      this.flatten(n.childForFieldName('rhs')!, op, out);
    } else {
      out.push(this.expr(n));
    }
  }

  prefix(n: Node, loc: Loc): Expr {
    const sym = n.childForFieldName('symbol')!;
    const rhs = this.expr(n.childForFieldName('rhs')!);
    switch (sym.type) {
      case 'unchanged':
        return { k: 'unchanged', expr: rhs, loc };
      case 'enabled':
        return { k: 'enabled', expr: rhs, loc };
      case 'always':
        return { k: 'always', expr: rhs, loc };
      case 'eventually':
        return { k: 'eventually', expr: rhs, loc };
      case 'negative':
        // A literal -5 is a number, so that -2147483648 and printing behave as in TLC.
        if (rhs.k === 'num') return { k: 'num', value: -rhs.value, loc };
        return { k: 'apply', name: symbolName('negative'), text: '-', args: [rhs], loc };
      default:
        return { k: 'apply', name: symbolName(sym.type), text: sym.text, args: [rhs], loc };
    }
  }

  except(n: Node, loc: Loc): Expr {
    const base = this.expr(n.childForFieldName('expr_to_update')!);
    const updates: Array<{ path: ExceptStep[]; value: Expr }> = [];
    for (const u of named(n).filter((c) => c.type === 'except_update')) {
      const spec = u
        .childrenForFieldName('update_specifier')
        .find((c) => c.type === 'except_update_specifier')!;
      const path: ExceptStep[] = named(spec).map((s) =>
        s.type === 'except_update_fn_appl'
          ? { k: 'index', args: this.exprs(named(s)) }
          : { k: 'field', name: named(s)[0].text },
      );
      updates.push({ path, value: this.expr(u.childForFieldName('new_val')!) });
    }
    return { k: 'except', base, updates, loc };
  }

  prefixed(n: Node, loc: Loc): Expr {
    const steps: PrefixStep[] = [];
    const prefix = n.childForFieldName('prefix')!;
    for (const comp of named(prefix)) {
      if (comp.type !== 'subexpr_component')
        this.fail(comp, 'subexpression selectors (M!1, M!:) are not supported here', 'TLA107');
      steps.push(this.prefixStep(named(comp)[0]));
    }
    steps.push(this.prefixStep(n.childForFieldName('op')!));
    return { k: 'prefixed', steps, loc };
  }

  /** One `Name` or `Name(args)` of `M!N!Op(args)`. */
  prefixStep(c: Node): PrefixStep {
    switch (c.type) {
      case 'bound_op':
        return {
          name: c.childForFieldName('name')!.text,
          args: c
            .childrenForFieldName('parameter')
            .filter((p) => p.isNamed && !COMMENTS.has(p.type))
            .map((p) => this.arg(p)),
        };
      case 'identifier_ref':
        return { name: c.text, args: [] };
      case 'bound_nonfix_op': {
        const sym = c.childForFieldName('symbol')!;
        return {
          name: this.opName(sym),
          args: this.exprs(named(c).filter((x) => x.startIndex !== sym.startIndex)),
        };
      }
      default:
        if (c.type.endsWith('_op_symbol')) return { name: this.opName(c), args: [] };
        return this.fail(c, `unsupported form in M!Op: '${c.type}'`, 'TLA107');
    }
  }

  /**
   * A subexpression name, `Inv!2`, `Thm!:`, `M!Op(x)!1!<<`: the names lead to a definition and
   * the selectors that follow pick a part of its body.
   */
  subexpression(n: Node, loc: Loc): Expr {
    const steps: PrefixStep[] = [];
    const select: Selector[] = [];
    const parts = named(n).flatMap((c) => (c.type === 'subexpr_prefix' ? named(c) : [c]));
    for (const part of parts) {
      if (part.type === 'subexpr_component') {
        if (select.length > 0)
          this.fail(part, 'labels in subexpression names (Op!1!lab) are not supported', 'TLA107');
        steps.push(this.prefixStep(named(part)[0]));
      } else if (part.type === 'subexpr_tree_nav') {
        const nav = named(part)[0];
        switch (nav.type) {
          case 'child_id':
            select.push(Number(nav.text));
            break;
          case 'colon':
            select.push(':');
            break;
          case 'langle_bracket':
            select.push('<<');
            break;
          case 'rangle_bracket':
            select.push('>>');
            break;
          default:
            this.fail(nav, `the subexpression selector '${nav.text}' is not supported`, 'TLA107');
        }
      } else {
        this.fail(part, `unsupported subexpression name part '${part.type}'`, 'TLA107');
      }
    }
    if (steps.length === 0) this.fail(n, 'a subexpression name must start with a name', 'TLA107');
    return { k: 'prefixed', steps, select, loc };
  }
}
