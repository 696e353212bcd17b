/**
 * Parser for TLC model configuration files (`.cfg`).
 *
 * A `.cfg` file tells the TLC model checker which operators play the roles of
 * the initial predicate, next-state relation, invariants and so on, and which
 * values to give the specification's constants. The format is tiny, so the
 * tokenizer is written by hand: comments (`\*` to end of line and nestable
 * `(* ... *)`) and whitespace are insignificant, and every keyword's arguments
 * run until the next keyword.
 *
 * Every problem is reported as a {@link CfgError} whose message starts with
 * `file:line:col: ` and names the offending token, so that a user can jump
 * straight to it. After an error the parser recovers (it skips to the next
 * section keyword) and goes on, so one run reports every mistake: the first
 * error thrown lists them all in {@link CfgError.errors}.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ModelError } from './model-error.ts';

/** A 1-based position in a `.cfg` file (columns count characters, tabs count as one). */
export interface CfgPos {
  line: number;
  col: number;
}

/**
 * A value on the right of `Name = ...` in a CONSTANT(S) section.
 *
 * A bare identifier denotes a TLC *model value*: an uninterpreted constant equal
 * only to itself, which is why it is kept apart from strings.
 */
export type CfgValue =
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'modelValue'; name: string }
  | { kind: 'set'; elements: CfgValue[] };

/** An operator name given to a keyword such as INIT or INVARIANT, with where it was written. */
export interface CfgName {
  name: string;
  pos: CfgPos;
}

/** A `Name = value` entry of a CONSTANT(S) section; `pos` is the position of `Name`. */
export interface CfgConstant {
  name: string;
  value: CfgValue;
  pos: CfgPos;
  /**
   * Number of `_` placeholders when the entry was written `Name(_, _) = value`.
   * Absent when no parameter list was written, so plain constants compare equal
   * to `{ name, value, pos }`.
   */
  arity?: number;
  /**
   * For `Name = [Mod] value`: the module whose definition `Name` takes the value, in every
   * instance of that module (TLC's module-scoped constant). Absent for the root module.
   */
  module?: CfgName;
}

/**
 * A `Name <- Target` entry of a CONSTANT(S) section: TLC replaces the constant or
 * defined operator `Name` by the definition `Target` from the specification.
 * `arity` is the number of `_` placeholders in `Name(_, _) <- Target` (0 when
 * none were written); `pos` is the position of `Name`.
 */
export interface CfgSubstitution {
  name: string;
  arity: number;
  target: string;
  pos: CfgPos;
  /**
   * For `Name <- [Mod] Target`: the module whose definition `Name` is replaced (in every
   * instance of it) by the root module's `Target`. Absent for the root module.
   */
  module?: CfgName;
}

/**
 * Everything a `.cfg` file says, in the order it said it. Lists accumulate over
 * repeated keywords (`INVARIANT A` then `INVARIANTS B C` gives three
 * invariants). Single-valued entries are absent when the file does not give them.
 */
export interface ModelConfig {
  /** The file name passed to {@link parseCfg}, used in error messages. */
  file: string;
  constants: CfgConstant[];
  substitutions: CfgSubstitution[];
  init?: CfgName;
  next?: CfgName;
  specification?: CfgName;
  invariants: CfgName[];
  properties: CfgName[];
  constraints: CfgName[];
  actionConstraints: CfgName[];
  symmetry?: CfgName;
  view?: CfgName;
  postcondition?: CfgName;
  alias?: CfgName;
  /**
   * The CHECK_DEADLOCK setting; `undefined` when the file does not say, so the
   * caller can apply its own default (TLC checks for deadlock by default).
   */
  checkDeadlock?: boolean;
}

/** An error about a cfg file: a syntax error, or a name or value that does not fit the spec. */
export type CfgProblem = CfgError | ModelError;

/**
 * A syntax error in a `.cfg` file. The message starts with `${file}:${line}:${col}: `
 * (1-based, pointing at the offending token) so editors and terminals can link
 * to the place.
 */
export class CfgError extends Error {
  /** The file name given to {@link parseCfg} or {@link readCfg}. */
  readonly file: string;
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly col: number;
  readonly diagnostic: Diagnostic;
  /**
   * Every error found in the file, in source order, this one first (see {@link allCfgErrors}).
   * Just this one unless the file has several mistakes.
   */
  errors: readonly CfgProblem[] = [this];

  /**
   * @param file - file name to put in the message
   * @param line - 1-based line of the offending token
   * @param col - 1-based column of the offending token
   * @param reason - what is wrong, without the location prefix
   */
  constructor(file: string, line: number, col: number, reason: string, hint?: string) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'CfgError';
    this.file = file;
    this.line = line;
    this.col = col;
    this.diagnostic = {
      code: reason.startsWith('unknown keyword') ? 'TLA302' : 'TLA301',
      severity: 'error',
      summary: reason,
      location: { file, line, col },
      hint: hint ?? (reason.startsWith('unknown keyword') ? KEYWORD_HINT : undefined),
    };
    if (this.diagnostic.hint === undefined) delete this.diagnostic.hint;
  }
}

/** Where an error points in the cfg, for sorting; errors without a cfg place come last. */
function placeOf(e: CfgProblem): [number, number] {
  if ('pos' in e) return e.pos ? [e.pos.line, e.pos.col] : [Infinity, Infinity];
  return [e.line, e.col];
}

/**
 * Sorts `errors` (at least one) into source order and returns the first, whose `errors` then
 * lists them all: the error to throw for a cfg with several mistakes. Errors without a place in
 * the cfg keep their order, after the others.
 */
export function allCfgErrors(errors: readonly CfgProblem[]): CfgProblem {
  const sorted = [...errors].sort((a, b) => {
    const [al, ac] = placeOf(a);
    const [bl, bc] = placeOf(b);
    return al !== bl ? (al < bl ? -1 : 1) : ac !== bc ? (ac < bc ? -1 : 1) : 0;
  });
  const first = sorted[0];
  if (!first) throw new Error('allCfgErrors needs at least one error');
  first.errors = sorted;
  return first;
}

const KEYWORD_HINT =
  'a cfg is a list of sections, each starting with a keyword: CONSTANT(S), INIT, NEXT, SPECIFICATION, INVARIANT(S), PROPERTY(PROPERTIES), CONSTRAINT(S), ACTION_CONSTRAINT(S), SYMMETRY, VIEW, CHECK_DEADLOCK, POSTCONDITION, ALIAS';

/** Keywords taking exactly one operator name, mapped to the field they fill. */
const SINGLE_NAME_KEYWORDS = {
  INIT: 'init',
  NEXT: 'next',
  SPECIFICATION: 'specification',
  SYMMETRY: 'symmetry',
  VIEW: 'view',
  POSTCONDITION: 'postcondition',
  ALIAS: 'alias',
} as const;

type SingleField = (typeof SINGLE_NAME_KEYWORDS)[keyof typeof SINGLE_NAME_KEYWORDS];

/** Keywords taking one or more operator names, mapped to the list they extend. */
const LIST_KEYWORDS = {
  INVARIANT: 'invariants',
  INVARIANTS: 'invariants',
  PROPERTY: 'properties',
  PROPERTIES: 'properties',
  CONSTRAINT: 'constraints',
  CONSTRAINTS: 'constraints',
  ACTION_CONSTRAINT: 'actionConstraints',
  ACTION_CONSTRAINTS: 'actionConstraints',
} as const;

type ListField = (typeof LIST_KEYWORDS)[keyof typeof LIST_KEYWORDS];

/** Every keyword, in the order used to break ties between equally close suggestions. */
const KEYWORDS: readonly string[] = [
  'CONSTANT',
  'CONSTANTS',
  'INIT',
  'NEXT',
  'SPECIFICATION',
  'INVARIANT',
  'INVARIANTS',
  'PROPERTY',
  'PROPERTIES',
  'CONSTRAINT',
  'CONSTRAINTS',
  'ACTION_CONSTRAINT',
  'ACTION_CONSTRAINTS',
  'SYMMETRY',
  'VIEW',
  'CHECK_DEADLOCK',
  'POSTCONDITION',
  'ALIAS',
];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** TLC reads integers into Java `int`s, so anything outside this range is rejected as TLC would. */
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

type TokenKind = 'ident' | 'int' | 'string' | 'placeholder' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings, including the quotes and escapes). */
  text: string;
  /** Decoded string contents, or the integer value. */
  value?: string | number;
  pos: CfgPos;
  /** True when no other token precedes this one on its line. */
  firstOnLine: boolean;
}

const isLetter = (c: string): boolean => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWordChar = (c: string): boolean => isLetter(c) || isDigit(c) || c === '_';

/** Escapes accepted inside strings: TLA+'s `\"`, `\\`, `\n`, `\t`, `\r`, `\f`. */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
};

/**
 * Hand-written, lazy tokenizer. Lazy so that the error reported first is the
 * one earliest in the file, whether it is lexical or syntactic.
 */
class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  private lastTokenLine = 0;
  private lookahead: Token | undefined;
  /** Where the token being scanned starts (after comments and blanks), to ensure progress after an error. */
  private tokenStart = 0;
  /** The token {@link next} returned last. */
  private last: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    if (text.startsWith('\uFEFF')) this.i = 1;
  }

  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  next(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    this.last = t;
    return t;
  }

  /**
   * After a syntax error: gives back the token just consumed when it starts a section (a
   * keyword starting its line, or the end of the file) and is not `current`, the keyword of the
   * section that failed, so that `INIT` with its name forgotten resumes at the `NEXT` of the
   * next line rather than skipping it. A keyword within the line (`F <- NEXT`) is more likely
   * a misused word than a new section, and is skipped with the rest of the broken entry.
   */
  unreadSectionStart(current: Token): void {
    const t = this.last;
    if (
      this.lookahead === undefined &&
      t !== undefined &&
      t !== current &&
      endsSection(t) &&
      (t.kind === 'eof' || t.firstOnLine)
    ) {
      this.lookahead = t;
    }
  }

  /**
   * After a syntax error on line `errorLine`: skips to the next token that starts a section (a
   * keyword, or the end of the file) and leaves it to be read next. On a later line, a word that
   * starts its line and looks like a misspelt keyword also stops the skip (it is a mistake of
   * its own), and so, when `inConstants`, does a name starting its line and followed by `=`,
   * `<-` or `(` (the next entry of a CONSTANTS section). Lexical errors on the way are part of
   * the broken entry and are not reported.
   *
   * @returns whether it stopped at a constant entry rather than at a section start
   */
  skipToSection(errorLine: number, inConstants: boolean): boolean {
    for (;;) {
      let t: Token;
      try {
        t = this.peek();
      } catch (e) {
        if (!(e instanceof CfgError)) throw e;
        // Every lexical error leaves the scanner at or past the offending token: make progress.
        if (this.i === this.tokenStart) this.advance();
        continue;
      }
      if (endsSection(t)) return false;
      if (t.firstOnLine && t.pos.line > errorLine && t.kind === 'ident' && !isBool(t)) {
        if (looksLikeMisspeltKeyword(t)) return inConstants;
        if (inConstants && this.bindingFollows()) return true;
      }
      this.next();
    }
  }

  /** Whether the text after the lookahead token, past blanks, is `=`, `<-` or `(`. */
  private bindingFollows(): boolean {
    let j = this.i;
    while (this.text[j] === ' ' || this.text[j] === '\t') j++;
    const c = this.text[j];
    return c === '=' || c === '(' || (c === '<' && this.text[j + 1] === '-');
  }

  private error(pos: CfgPos, reason: string): CfgError {
    return new CfgError(this.file, pos.line, pos.col, reason);
  }

  private ch(offset = 0): string {
    return this.text.charAt(this.i + offset);
  }

  /** Moves past one character, keeping line and column right for `\n`, `\r\n`, `\r` and surrogate pairs. */
  private advance(): void {
    const c = this.text.charCodeAt(this.i);
    if (c === 13 /* \r */ && this.text.charCodeAt(this.i + 1) === 10) {
      this.i += 2;
      this.line++;
      this.col = 1;
    } else if (c === 10 || c === 13) {
      this.i++;
      this.line++;
      this.col = 1;
    } else {
      const isPair =
        c >= 0xd800 && c <= 0xdbff && (this.text.charCodeAt(this.i + 1) & 0xfc00) === 0xdc00;
      this.i += isPair ? 2 : 1;
      this.col++;
    }
  }

  private here(): CfgPos {
    return { line: this.line, col: this.col };
  }

  private atEnd(): boolean {
    return this.i >= this.text.length;
  }

  /** Skips whitespace, `\*` line comments and nestable `(* *)` block comments. */
  private skipTrivia(): void {
    for (;;) {
      if (this.atEnd()) return;
      const c = this.ch();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.advance();
      } else if (c === '\\' && this.ch(1) === '*') {
        while (!this.atEnd() && this.ch() !== '\n' && this.ch() !== '\r') this.advance();
      } else if (c === '(' && this.ch(1) === '*') {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  private skipBlockComment(): void {
    // Stack of the openings still unclosed, so an unterminated comment can
    // point at the outermost `(*` and mention a stray nested one.
    const open: CfgPos[] = [this.here()];
    this.advance();
    this.advance();
    while (open.length > 0) {
      if (this.atEnd()) {
        const outer = open[0]!;
        const inner = open[open.length - 1]!;
        const nested =
          open.length > 1
            ? ` (a nested '(*' at ${inner.line}:${inner.col} is also unclosed; block comments nest)`
            : '';
        throw this.error(
          outer,
          `unterminated block comment: '(*' is never closed by '*)'${nested}`,
        );
      }
      if (this.ch() === '(' && this.ch(1) === '*') {
        open.push(this.here());
        this.advance();
        this.advance();
      } else if (this.ch() === '*' && this.ch(1) === ')') {
        open.pop();
        this.advance();
        this.advance();
      } else {
        this.advance();
      }
    }
  }

  private scan(): Token {
    this.skipTrivia();
    this.tokenStart = this.i;
    const pos = this.here();
    const firstOnLine = pos.line !== this.lastTokenLine;
    const make = (kind: TokenKind, text: string, value?: string | number): Token => {
      this.lastTokenLine = pos.line;
      const t: Token = { kind, text, pos, firstOnLine };
      if (value !== undefined) t.value = value;
      return t;
    };
    if (this.atEnd()) return { kind: 'eof', text: '', pos, firstOnLine };

    const c = this.ch();
    if (isWordChar(c)) {
      const word = this.readWord();
      if (/[A-Za-z]/.test(word)) return make('ident', word);
      if (/^[0-9]+$/.test(word)) return make('int', word, this.intValue(word, pos));
      if (word === '_') return make('placeholder', word);
      throw this.error(pos, `invalid identifier '${word}': identifiers need at least one letter`);
    }
    if (c === '-') {
      if (isDigit(this.ch(1))) {
        this.advance();
        const digits = this.readWord();
        if (!/^[0-9]+$/.test(digits)) {
          throw this.error(pos, `invalid number '-${digits}'`);
        }
        return make('int', `-${digits}`, this.intValue(`-${digits}`, pos));
      }
      throw this.error(pos, `unexpected '-': a minus sign must be followed directly by digits`);
    }
    if (c === '"') return make('string', ...this.readString(pos));
    if (c === '<' && this.ch(1) === '-') {
      this.advance();
      this.advance();
      return make('punct', '<-');
    }
    if (
      c === '=' ||
      c === '{' ||
      c === '}' ||
      c === '(' ||
      c === ')' ||
      c === ',' ||
      c === '[' ||
      c === ']'
    ) {
      this.advance();
      return make('punct', c);
    }
    const cp = String.fromCodePoint(this.text.codePointAt(this.i)!);
    throw this.error(pos, `unexpected character '${cp}'`);
  }

  /** Moves past the rest of a string: to after its closing quote, or to the end of the line. */
  private skipRestOfString(): void {
    while (!this.atEnd() && this.ch() !== '\n' && this.ch() !== '\r') {
      const c = this.ch();
      this.advance();
      if (c === '"') return;
      if (c === '\\' && !this.atEnd() && this.ch() !== '\n' && this.ch() !== '\r') this.advance();
    }
  }

  private readWord(): string {
    const start = this.i;
    while (!this.atEnd() && isWordChar(this.ch())) this.advance();
    return this.text.slice(start, this.i);
  }

  private intValue(text: string, pos: CfgPos): number {
    const n = Number(text);
    if (!(n >= INT_MIN && n <= INT_MAX)) {
      throw this.error(
        pos,
        `integer ${text} is out of range: TLC integers lie between ${INT_MIN} and ${INT_MAX}`,
      );
    }
    return n === 0 ? 0 : n; // never -0
  }

  /** Reads a string starting at its opening quote; returns [source text, decoded value]. */
  private readString(open: CfgPos): [string, string] {
    const start = this.i;
    this.advance();
    let value = '';
    for (;;) {
      if (this.atEnd() || this.ch() === '\n' || this.ch() === '\r') {
        throw this.error(open, `unterminated string: no closing '"' on the same line`);
      }
      const c = this.ch();
      if (c === '"') {
        this.advance();
        return [this.text.slice(start, this.i), value];
      }
      if (c === '\\') {
        const escPos = this.here();
        const e = this.ch(1);
        const decoded = STRING_ESCAPES[e];
        if (decoded === undefined) {
          if (e === '' || e === '\n' || e === '\r') {
            throw this.error(open, `unterminated string: no closing '"' on the same line`);
          }
          this.skipRestOfString(); // so that recovery does not read the string's text as tokens
          throw this.error(
            escPos,
            `unknown escape '\\${e}' in string (allowed: \\" \\\\ \\n \\t \\r \\f)`,
          );
        }
        value += decoded;
        this.advance();
        this.advance();
        continue;
      }
      const start2 = this.i;
      this.advance();
      value += this.text.slice(start2, this.i);
    }
  }
}

/**
 * Optimal-string-alignment edit distance (Levenshtein plus adjacent
 * transpositions), so that `NXET` is one edit from `NEXT`.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push(new Array<number>(b.length + 1).fill(0));
    d[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The keyword closest to `word` (ignoring case), if within edit distance 2. */
function closestKeyword(word: string): { keyword: string; distance: number } | undefined {
  const upper = word.toUpperCase();
  let best: { keyword: string; distance: number } | undefined;
  for (const k of KEYWORDS) {
    const distance = editDistance(upper, k);
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { keyword: k, distance };
    }
  }
  return best;
}

/**
 * Whether an identifier met where a name is legal is nonetheless far more
 * likely to be a misspelt keyword. TLC itself would silently take it as a name
 * and fail later with a confusing message, so we flag it, but only when it is
 * written in upper case, starts its line as keywords usually do, and is close
 * relative to its length (so a short name like `INV` is never mistaken for INIT).
 */
function looksLikeMisspeltKeyword(t: Token): boolean {
  if (!t.firstOnLine || !/^[A-Z][A-Z_]*$/.test(t.text)) return false;
  const best = closestKeyword(t.text);
  return best !== undefined && best.distance >= 1 && 3 * best.distance <= t.text.length;
}

function unknownKeywordReason(word: string): string {
  const best = closestKeyword(word);
  const hint = best && best.keyword !== word ? ` (did you mean ${best.keyword}?)` : '';
  return `unknown keyword '${word}'${hint}`;
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  return `'${t.text}'`;
}

function isKeyword(t: Token): boolean {
  return t.kind === 'ident' && KEYWORD_SET.has(t.text);
}

function isBool(t: Token): boolean {
  return t.kind === 'ident' && (t.text === 'TRUE' || t.text === 'FALSE');
}

/** True for tokens that end a section: a keyword or the end of the file. */
function endsSection(t: Token): boolean {
  return t.kind === 'eof' || isKeyword(t);
}

class Parser {
  private readonly lex: Lexer;
  private readonly cfg: ModelConfig;
  /** Where CHECK_DEADLOCK was first given, for reporting a conflicting repeat. */
  private checkDeadlockPos: CfgPos | undefined;
  /** The last single-name keyword's argument, to explain stray names after it. */
  private lastSingle: { keyword: string; line: number } | undefined;
  /** The syntax errors found so far, in the order found. */
  private readonly errors: CfgError[] = [];

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.lex = new Lexer(text, file);
    this.cfg = {
      file,
      constants: [],
      substitutions: [],
      invariants: [],
      properties: [],
      constraints: [],
      actionConstraints: [],
    };
  }

  private error(pos: CfgPos, reason: string, hint?: string): CfgError {
    return new CfgError(this.file, pos.line, pos.col, reason, hint);
  }

  /**
   * Parses the whole file. On a syntax error it records the error, skips to the next section
   * keyword (or the end of the file) and goes on, so that each broken section gives one error
   * and the sections after it are still read.
   */
  parse(): CfgParse {
    for (;;) {
      let t: Token | undefined;
      try {
        t = this.lex.next();
        if (t.kind === 'eof') return { cfg: this.cfg, errors: this.errors };
        if (!isKeyword(t)) throw this.notAKeyword(t);
        this.lastSingle = undefined;
        this.section(t);
      } catch (e) {
        if (!(e instanceof CfgError)) throw e;
        this.errors.push(e);
        this.lastSingle = undefined;
        if (t) this.lex.unreadSectionStart(t);
        this.lex.skipToSection(e.line, false);
      }
    }
  }

  private notAKeyword(t: Token): CfgError {
    if (t.kind !== 'ident' || isBool(t)) {
      return this.error(
        t.pos,
        `expected a keyword such as INIT or CONSTANTS, found ${describe(t)}`,
      );
    }
    const single = this.lastSingle;
    if (single && single.line === t.pos.line) {
      return this.error(
        t.pos,
        `unknown keyword '${t.text}' (${single.keyword} takes exactly one name)`,
      );
    }
    return this.error(t.pos, unknownKeywordReason(t.text));
  }

  private section(kw: Token): void {
    const k = kw.text;
    if (k === 'CONSTANT' || k === 'CONSTANTS') return this.constants(kw);
    if (k === 'CHECK_DEADLOCK') return this.checkDeadlock(kw);
    if (k in LIST_KEYWORDS) {
      return this.nameList(kw, LIST_KEYWORDS[k as keyof typeof LIST_KEYWORDS]);
    }
    if (k in SINGLE_NAME_KEYWORDS) {
      return this.singleName(kw, SINGLE_NAME_KEYWORDS[k as keyof typeof SINGLE_NAME_KEYWORDS]);
    }
    /* c8 ignore next */
    throw this.error(kw.pos, `internal error: unhandled keyword '${k}'`);
  }

  /** Consumes a token that must be an operator name; `after` describes what precedes it. */
  private expectName(after: string): Token {
    const t = this.lex.next();
    if (t.kind === 'ident' && !isKeyword(t) && !isBool(t)) return t;
    if (isBool(t)) {
      throw this.error(
        t.pos,
        `expected a name after ${after}, found ${describe(t)}, which is a value`,
      );
    }
    const what = isKeyword(t) ? `keyword ${describe(t)}` : describe(t);
    throw this.error(t.pos, `expected a name after ${after}, found ${what}`);
  }

  private singleName(kw: Token, field: SingleField): void {
    const t = this.expectName(`'${kw.text}'`);
    const old = this.cfg[field];
    if (old !== undefined && old.name !== t.text) {
      throw this.error(
        kw.pos,
        `${kw.text} given twice with different names: '${t.text}' here, ` +
          `but '${old.name}' at ${old.pos.line}:${old.pos.col}`,
      );
    }
    if (old === undefined) this.cfg[field] = { name: t.text, pos: t.pos };
    this.lastSingle = { keyword: kw.text, line: t.pos.line };
  }

  private checkDeadlock(kw: Token): void {
    const t = this.lex.next();
    if (!isBool(t)) {
      throw this.error(
        t.pos,
        `CHECK_DEADLOCK must be followed by TRUE or FALSE, found ${describe(t)}`,
      );
    }
    const value = t.text === 'TRUE';
    const old = this.cfg.checkDeadlock;
    const oldPos = this.checkDeadlockPos;
    if (old !== undefined && old !== value && oldPos) {
      throw this.error(
        kw.pos,
        `CHECK_DEADLOCK given twice with different values: ${t.text} here, ` +
          `but ${old ? 'TRUE' : 'FALSE'} at ${oldPos.line}:${oldPos.col}`,
      );
    }
    if (old === undefined) {
      this.cfg.checkDeadlock = value;
      this.checkDeadlockPos = kw.pos;
    }
    this.lastSingle = { keyword: kw.text, line: t.pos.line };
  }

  private nameList(kw: Token, field: ListField): void {
    const list = this.cfg[field];
    let after = `'${kw.text}'`;
    for (;;) {
      const t = this.lex.peek();
      if (t.kind === 'ident' && !isKeyword(t) && looksLikeMisspeltKeyword(t)) {
        throw this.error(t.pos, unknownKeywordReason(t.text));
      }
      const name = this.expectName(after);
      list.push({ name: name.text, pos: name.pos });
      const n = this.lex.peek();
      if (n.kind === 'punct' && n.text === ',') {
        this.lex.next();
        after = `',' in the ${kw.text} list`;
      } else if (n.kind === 'ident' && !isKeyword(n)) {
        after = `'${name.text}'`;
      } else {
        return;
      }
    }
  }

  /**
   * A CONSTANT(S) section. After an error in one entry it records the error and goes on at the
   * next entry that starts a line (or the next section), so that each broken entry gives one
   * error.
   */
  private constants(kw: Token): void {
    let first = true;
    for (;;) {
      try {
        const t = this.lex.peek();
        if (endsSection(t)) return;
        if (!first && t.kind === 'punct' && t.text === ',') {
          this.lex.next();
          this.constantEntry(this.expectName(`',' in the ${kw.text} section`));
        } else if (t.kind === 'ident' && !isBool(t)) {
          this.constantEntry(this.lex.next());
        } else {
          throw this.error(
            t.pos,
            `expected a constant name or a keyword${first ? ` after '${kw.text}'` : ''}, found ${describe(t)}`,
          );
        }
      } catch (e) {
        if (!(e instanceof CfgError)) throw e;
        this.errors.push(e);
        this.lex.unreadSectionStart(kw);
        if (!this.lex.skipToSection(e.line, true)) return;
      }
      first = false;
    }
  }

  private constantEntry(nameTok: Token): void {
    const name = nameTok.text;
    let t = this.lex.next();
    let arity: number | undefined;
    if (t.kind === 'punct' && t.text === '(') {
      arity = this.placeholders(name);
      t = this.lex.next();
    }
    if (t.kind === 'punct' && t.text === '<-') {
      const module = this.moduleScope('<-', name);
      const target = this.expectName(
        module
          ? `'[${module.name}]' in the entry for '${name}'`
          : `'<-' in the entry for '${name}'`,
      );
      const s: CfgSubstitution = {
        name,
        arity: arity ?? 0,
        target: target.text,
        pos: nameTok.pos,
      };
      if (module) s.module = module;
      this.cfg.substitutions.push(s);
      return;
    }
    if (t.kind === 'punct' && t.text === '=') {
      const module = this.moduleScope('=', name);
      const value = this.value(
        this.lex.next(),
        module ? `'[${module.name}]' in the entry for '${name}'` : `'=' in the entry for '${name}'`,
        undefined,
      );
      const c: CfgConstant = { name, value, pos: nameTok.pos };
      if (arity !== undefined) c.arity = arity;
      if (module) c.module = module;
      this.cfg.constants.push(c);
      return;
    }
    // `INVARINT Foo` after a CONSTANTS section parses as a constant entry; if the
    // "name" looks like a misspelt keyword, that is the better explanation.
    const best = closestKeyword(name);
    if (arity === undefined && /^[A-Z][A-Z_]*$/.test(name) && best && best.distance > 0) {
      throw this.error(nameTok.pos, unknownKeywordReason(name));
    }
    throw this.error(
      t.pos,
      `expected '=' or '<-' after constant name '${name}', found ${describe(t)}`,
    );
  }

  /**
   * After `<-` or `=`: an optional `[Mod]`, which scopes the entry to module Mod (TLC's
   * module-scoped override). Returns the module's name and position, or undefined.
   */
  private moduleScope(op: string, name: string): CfgName | undefined {
    const open = this.lex.peek();
    if (!(open.kind === 'punct' && open.text === '[')) return undefined;
    this.lex.next();
    const mod = this.lex.next();
    if (mod.kind !== 'ident' || isKeyword(mod) || isBool(mod)) {
      throw this.error(
        mod.pos,
        `expected a module name after '${op} [' in the entry for '${name}', found ${describe(mod)}`,
        `a module-scoped entry reads ${name} ${op} [Module] ${op === '<-' ? 'Definition' : 'value'}`,
      );
    }
    const form = `a module-scoped entry reads ${name} ${op} [${mod.text}] ${op === '<-' ? 'Definition' : 'value'}${
      op === '='
        ? '; a record or function cannot be written in a cfg: define it in the spec and write ' +
          name +
          ' <- Definition'
        : ''
    }`;
    let close: Token;
    try {
      close = this.lex.next();
    } catch (e) {
      // `N = [a |-> 1]`: a stray character inside what reads as `[Mod]`.
      if (!(e instanceof CfgError) || !/: unexpected character '/.test(e.message)) throw e;
      throw this.error(
        { line: e.line, col: e.col },
        `expected ']' after the module name '${mod.text}' in the entry for '${name}', found ${e.message.replace(/^.*?: unexpected character /, '')}`,
        form,
      );
    }
    if (!(close.kind === 'punct' && close.text === ']')) {
      throw this.error(
        close.pos,
        `expected ']' after the module name '${mod.text}' in the entry for '${name}', found ${describe(close)}`,
        form,
      );
    }
    return { name: mod.text, pos: mod.pos };
  }

  /** Parses `_, _, ...)` after the `(` of `Name(` and returns the number of placeholders. */
  private placeholders(name: string): number {
    let arity = 0;
    for (;;) {
      const t = this.lex.next();
      if (t.kind !== 'placeholder') {
        throw this.error(
          t.pos,
          `expected '_' in the parameter list of '${name}', found ${describe(t)}`,
        );
      }
      arity++;
      const n = this.lex.next();
      if (n.kind === 'punct' && n.text === ')') return arity;
      if (!(n.kind === 'punct' && n.text === ',')) {
        throw this.error(
          n.pos,
          `expected ',' or ')' in the parameter list of '${name}', found ${describe(n)}`,
        );
      }
    }
  }

  /**
   * Parses a value starting at `t`. `openSet` is the innermost enclosing `{`, so
   * that running into a keyword or the end of the file inside a set is reported
   * at the brace that was never closed.
   */
  private value(t: Token, after: string, openSet: Token | undefined): CfgValue {
    if (openSet && endsSection(t)) throw this.unclosed(openSet, t);
    switch (t.kind) {
      case 'int':
        return { kind: 'int', value: t.value as number };
      case 'string':
        return { kind: 'string', value: t.value as string };
      case 'ident':
        if (isBool(t)) return { kind: 'bool', value: t.text === 'TRUE' };
        if (isKeyword(t)) {
          throw this.error(t.pos, `expected a value after ${after}, found keyword ${describe(t)}`);
        }
        return { kind: 'modelValue', name: t.text };
      case 'punct':
        if (t.text === '{') return this.set(t);
        break;
      default:
        break;
    }
    throw this.error(
      t.pos,
      `expected a value after ${after}, found ${describe(t)}`,
      t.text === '=' ? 'in a cfg a constant gets its value with one "=", as in N = 3' : undefined,
    );
  }

  private set(open: Token): CfgValue {
    const elements: CfgValue[] = [];
    const first = this.lex.peek();
    if (first.kind === 'punct' && first.text === '}') {
      this.lex.next();
      return { kind: 'set', elements };
    }
    let after = `'{'`;
    for (;;) {
      elements.push(this.value(this.lex.next(), after, open));
      const t = this.lex.next();
      if (t.kind === 'punct' && t.text === '}') return { kind: 'set', elements };
      if (t.kind === 'punct' && t.text === ',') {
        after = `',' in a set`;
        continue;
      }
      if (endsSection(t)) throw this.unclosed(open, t);
      throw this.error(t.pos, `expected ',' or '}' in a set, found ${describe(t)}`);
    }
  }

  private unclosed(open: Token, found: Token): CfgError {
    const where = found.kind === 'eof' ? 'the end of the file' : `${describe(found)}`;
    return this.error(
      open.pos,
      `set is never closed: '{' has no matching '}' before ${where} at ${found.pos.line}:${found.pos.col}`,
    );
  }
}

/**
 * What {@link parseCfgWithErrors} read: the configuration (without the entries the errors
 * broke) and every syntax error, in the order found (which is source order).
 */
export interface CfgParse {
  cfg: ModelConfig;
  errors: CfgError[];
}

/**
 * Parses the text of a TLC `.cfg` file.
 *
 * @param text - the file's contents
 * @param file - the name to use in error messages and in {@link ModelConfig.file}
 * @returns everything the file configures, with positions for later diagnostics
 * @throws CfgError for the first syntax error, pointing at the offending token; its
 *   {@link CfgError.errors} lists every syntax error in the file
 */
export function parseCfg(text: string, file: string): ModelConfig {
  const { cfg, errors } = parseCfgWithErrors(text, file);
  if (errors.length > 0) throw allCfgErrors(errors);
  return cfg;
}

/**
 * Parses the text of a TLC `.cfg` file without stopping at syntax errors: after each one the
 * parser skips to the next section keyword. Returns what parsed and the errors; throws nothing
 * for a syntax error.
 */
export function parseCfgWithErrors(text: string, file: string): CfgParse {
  return new Parser(text, file).parse();
}

/**
 * Reads a `.cfg` file as UTF-8 and parses it with {@link parseCfg}, using `path`
 * as the file name in error messages.
 *
 * @throws CfgError for syntax errors; file-system errors (e.g. `ENOENT`) propagate unchanged
 */
export function readCfg(path: string): ModelConfig {
  return parseCfg(readFileSync(path, 'utf8'), path);
}

/** Reads a `.cfg` file as UTF-8 and parses it with {@link parseCfgWithErrors}. */
export function readCfgWithErrors(path: string): CfgParse {
  return parseCfgWithErrors(readFileSync(path, 'utf8'), path);
}
