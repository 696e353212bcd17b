/**
 * Reading values back from the text {@link printValue} writes, so that a saved trace can be
 * evaluated again. It reads exactly the printed forms (not TLA+ expressions in general): it
 * needs no spec in scope, so `a :> 1 @@ b :> 2` and `1..3` read back even when the spec extends
 * neither TLC nor Naturals, and a bare name is the model value of that name.
 */
import { EvalError } from './errors.ts';
import {
  FcnSet,
  INT,
  IntervalSet,
  NAT,
  ProductSet,
  RecordSet,
  STRING,
  SeqSet,
  SubsetSet,
} from './sets.ts';
import {
  EMPTY_TUPLE,
  SetValue,
  TupleValue,
  type Value,
  fcnFromPairs,
  modelValue,
  recordOf,
  setOf,
  str,
} from './value.ts';

/** Text that is not a printed value; `offset` is 0-based in the text. */
export class ValueSyntaxError extends EvalError {
  constructor(
    readonly text: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`cannot read a value at column ${offset + 1} of ${JSON.stringify(text)}: ${detail}`);
    this.name = 'ValueSyntaxError';
  }
}

/**
 * The value that `text` (as printed by printValue) denotes. Reading the states of a trace one
 * after another, pass the same `memo` to each call: bracketed values already read (a record
 * in a set that only grew, say) are then taken from it instead of being built again.
 */
export function readValue(text: string, memo?: Map<string, Value>): Value {
  const r = new Reader(text, memo);
  const v = r.value();
  r.skipSpace();
  if (!r.atEnd()) r.fail('unexpected text after the value');
  return v;
}

const NAMED_SETS: Record<string, SetValue> = { Nat: NAT, Int: INT, STRING };
// Sticky patterns, matched in place: slicing the rest of the text for each token would make
// reading a long value quadratic.
const INTEGER = /-?\d+/y;
const IDENTIFIER = /[A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_]*/y;
const NAME_WITH_LEADING_DIGITS = /[0-9]+[A-Za-z_]/y;
/** How a record (`[f |-> v]`) or a set of records (`[f : S]`) starts. */
const FIELD_START = /\s*([A-Za-z0-9_]+)\s*(\|->|:(?!>))/y;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPENERS = new Set(['[', '{', '(', '<']);

/**
 * Where the bracketed value starting at `start` ends (just past its closing bracket), found by
 * counting brackets outside strings: much cheaper than building the value. -1 if unbalanced.
 */
function bracketedEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[' || c === '{' || c === '(' || (c === '<' && text[i + 1] === '<')) {
      if (c === '<') i++;
      depth++;
    } else if (c === ']' || c === '}' || c === ')' || (c === '>' && text[i + 1] === '>')) {
      if (c === '>') i++;
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };

class Reader {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly memo: Map<string, Value> | undefined,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(detail: string): never {
    throw new ValueSyntaxError(this.text, this.pos, detail);
  }

  /** `re` (sticky) matched at the current position, without moving. */
  private match(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    return re.exec(this.text);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text.charCodeAt(this.pos)))
      this.pos++;
  }

  private lookingAt(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.pos);
  }

  private accept(token: string): boolean {
    if (!this.lookingAt(token)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.accept(token)) this.fail(`expected '${token}'`);
  }

  /** A value, with the infix set forms printValue writes (`lo..hi`, `S \X T`). */
  value(): Value {
    const first = this.primary();
    if (typeof first === 'number' && this.accept('..')) {
      const hi = this.primary();
      if (typeof hi !== 'number') this.fail('expected an integer after ..');
      return new IntervalSet(first, hi);
    }
    if (first instanceof SetValue && this.lookingAt('\\X')) {
      const sets = [first];
      while (this.accept('\\X')) sets.push(this.set(this.primary()));
      return new ProductSet(sets);
    }
    return first;
  }

  private set(v: Value): SetValue {
    if (!(v instanceof SetValue)) this.fail('expected a set');
    return v;
  }

  private primary(): Value {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of text');
    if (this.memo !== undefined && OPENERS.has(c)) return this.memoised();
    return this.unmemoised(c);
  }

  /** A bracketed value, from the memo when the same text was read before. */
  private memoised(): Value {
    const start = this.pos;
    const end = bracketedEnd(this.text, start);
    const key = end < 0 ? undefined : this.text.slice(start, end);
    const hit = key === undefined ? undefined : this.memo!.get(key);
    if (hit !== undefined) {
      this.pos = end;
      return hit;
    }
    const v = this.unmemoised(this.text[start]);
    if (key !== undefined && this.pos === end) this.memo!.set(key, v);
    return v;
  }

  private unmemoised(c: string): Value {
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9' && !this.match(NAME_WITH_LEADING_DIGITS)))
      return this.integer();
    if (this.accept('<<')) return this.tuple();
    if (this.accept('{')) return this.enumerated();
    if (this.accept('[')) return this.bracketed();
    if (this.accept('(')) return this.pairs();
    return this.named();
  }

  private integer(): number {
    const m = this.match(INTEGER);
    if (!m) this.fail('expected a value');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): Value {
    let out = '';
    this.pos++; // the opening quote
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '"') return str(out);
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escaped = ESCAPES[this.text[this.pos++]];
      if (escaped === undefined) this.fail('unknown escape in string');
      out += escaped;
    }
    return this.fail('unterminated string');
  }

  private identifier(): string {
    this.skipSpace();
    const m = this.match(IDENTIFIER);
    if (!m) this.fail('expected a value');
    this.pos += m[0].length;
    return m[0];
  }

  /** A comma-separated list up to `close` (which may follow at once). */
  private list<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    if (this.accept(close)) return out;
    do out.push(item());
    while (this.accept(','));
    this.expect(close);
    return out;
  }

  private tuple(): Value {
    const elems = this.list('>>', () => this.value());
    return elems.length === 0 ? EMPTY_TUPLE : new TupleValue(elems);
  }

  private enumerated(): Value {
    return setOf(this.list('}', () => this.value()));
  }

  /** `[f |-> v, ...]` (record), `[f : S, ...]` (set of records) or `[S -> T]`. */
  private bracketed(): Value {
    const name = this.match(FIELD_START);
    if (!name) {
      const dom = this.set(this.value());
      this.expect('->');
      const rng = this.set(this.value());
      this.expect(']');
      return new FcnSet(dom, rng);
    }
    if (name[2] === '|->') {
      const fields = this.list(']', (): [string, Value] => {
        const f = this.identifier();
        this.expect('|->');
        return [f, this.value()];
      });
      return recordOf(fields);
    }
    const fields = this.list(']', (): [string, SetValue] => {
      const f = this.identifier();
      this.expect(':');
      return [f, this.set(this.value())];
    });
    fields.sort(([a], [b]) => str(a).id - str(b).id);
    return new RecordSet(
      fields.map(([f]) => str(f)),
      fields.map(([, s]) => s),
    );
  }

  /** `(k :> v @@ k2 :> v2)`, a function printed as TLC's pairs. */
  private pairs(): Value {
    const pairs: Array<[Value, Value]> = [];
    do {
      const k = this.value();
      this.expect(':>');
      pairs.push([k, this.value()]);
    } while (this.accept('@@'));
    this.expect(')');
    return fcnFromPairs(pairs);
  }

  private named(): Value {
    const name = this.identifier();
    if (name === 'TRUE') return true;
    if (name === 'FALSE') return false;
    if (name in NAMED_SETS) return NAMED_SETS[name];
    if (name === 'Seq' && this.accept('(')) {
      const base = this.set(this.value());
      this.expect(')');
      return new SeqSet(base);
    }
    if (name === 'SUBSET') return new SubsetSet(this.set(this.primary()));
    return modelValue(name);
  }
}
