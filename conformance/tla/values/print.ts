/**
 * Printing values in TLA+ syntax, as TLC prints them in traces and in ToString.
 */
import {
  IntervalSet,
  NatSet,
  IntSet,
  StringSet,
  SeqSet,
  SubsetSet,
  FcnSet,
  RecordSet,
  ProductSet,
} from './sets.ts';
import {
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  StrValue,
  TupleValue,
  UnsortedSet,
  type Value,
  setPrintHook,
} from './value.ts';

/** A TLA+ string literal for `text`, with TLC's escapes. */
export function quote(text: string): string {
  return (
    '"' +
    text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') +
    '"'
  );
}

/** `v` in TLA+ syntax. */
export function printValue(v: Value): string {
  switch (typeof v) {
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'number':
      return String(v);
  }
  if (v instanceof StrValue) return quote(v.text);
  if (v instanceof ModelValue) return v.name;
  if (v instanceof SetValue) return printSet(v);
  return printFcn(v);
}

function printSet(s: SetValue): string {
  // TLC would fail to sort it (and so to print it); an error message shows it as it was built.
  if (s instanceof UnsortedSet) return '{' + s.list.map(printValue).join(', ') + '}';
  if (s instanceof IntervalSet) return `${s.lo}..${s.hi}`;
  if (s instanceof NatSet) return 'Nat';
  if (s instanceof IntSet) return 'Int';
  if (s instanceof StringSet) return 'STRING';
  if (s instanceof SeqSet) return `Seq(${printValue(s.base)})`;
  if (!s.isFinite() || tooLargeToList(s)) return symbolic(s);
  return '{' + s.elements().map(printValue).join(', ') + '}';
}

/** A lazy set written as its expression, when it is infinite or too large to list. */
function symbolic(s: SetValue): string {
  if (s instanceof SubsetSet) return `SUBSET ${printValue(s.base)}`;
  if (s instanceof FcnSet) return `[${printValue(s.dom)} -> ${printValue(s.rng)}]`;
  if (s instanceof RecordSet) {
    return `[${s.names.map((n, i) => `${n.text} : ${printValue(s.sets[i])}`).join(', ')}]`;
  }
  if (s instanceof ProductSet) return s.sets.map((x) => printValue(x)).join(' \\X ');
  return s.describe();
}

/** Lazy sets (SUBSET S, [S -> T], ...) above this size are not listed, e.g. in an error message. */
const LISTED = 100_000;

function tooLargeToList(s: SetValue): boolean {
  if (!(
    s instanceof SubsetSet ||
    s instanceof FcnSet ||
    s instanceof RecordSet ||
    s instanceof ProductSet
  ))
    return false;
  try {
    return s.size() > LISTED;
  } catch {
    return true;
  }
}

function printFcn(f: FcnLike): string {
  const e = f.explicit();
  if (e instanceof TupleValue) return '<<' + e.elems.map(printValue).join(', ') + '>>';
  if (e.isRecord()) {
    return (
      '[' +
      e.dom.map((k, i) => `${(k as StrValue).text} |-> ${printValue(e.vals[i])}`).join(', ') +
      ']'
    );
  }
  return '(' + printPairs(e).join(' @@ ') + ')';
}

function printPairs(e: FcnValue): string[] {
  return e.dom.map((k, i) => `${printValue(k)} :> ${printValue(e.vals[i])}`);
}

setPrintHook(printValue);
