/**
 * The CommunityModules' SequencesExt. Operators TLC overrides in Java behave as the overrides
 * do: the folds nest as FoldFunction's override (FoldSeq), SelectInSubSeq and
 * SelectLastInSubSeq give an index into the whole sequence, LongestCommonPrefix refuses the
 * empty set; the others follow their TLA+ definitions, computed directly rather than by
 * enumerating sets of candidates. Where a definition only uses Len, SubSeq and \o, strings are
 * accepted as TLC accepts them there.
 */
import { EvalError } from '../../values/errors.ts';
import { FcnSet, IntervalSet } from '../../values/sets.ts';
import {
  EMPTY_SET,
  EMPTY_TUPLE,
  SetValue,
  TupleValue,
  type Value,
  equals,
  setFromList,
  setOf,
} from '../../values/value.ts';
import {
  type Arg,
  checkSize,
  expectFiniteSet,
  expectInt,
  expectOp,
  expectSeq,
  expectSet,
  expectValue,
} from './args.ts';
import { BoundedSeqSet } from './boundedseq.ts';
import { kSubsets } from './finitesetsext.ts';
import { type SeqLike, chooseFailure, foldForward, seqLike, testOf, tuple } from './folding.ts';
import { range } from './functions.ts';
import { type NativeOp, type StdModule, argTypeError } from './native.ts';
import { concat, subSeq } from './sequences.ts';
import { sortSeq } from './tlc.ts';

/** Every ordering of `elems`. */
function permutations(elems: readonly Value[]): Value[] {
  if (elems.length === 0) return [EMPTY_TUPLE];
  const out: Value[] = [];
  elems.forEach((x, i) => {
    const rest = [...elems.slice(0, i), ...elems.slice(i + 1)];
    for (const p of permutations(rest)) out.push(new TupleValue([x, ...(p as TupleValue).elems]));
  });
  checkSize('the permutations', out.length);
  return out;
}

/** Whether `a` and `b` hold equal items from `from` on, for `n` items. */
function sameItems(a: SeqLike, aFrom: number, b: SeqLike, bFrom: number, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const x = a.items[aFrom + k];
    const y = b.items[bFrom + k];
    if (typeof x === 'string' ? x !== y : !equals(x, y as Value)) return false;
  }
  return true;
}

/** The 0-based start of the first occurrence of `s` in `t` at or after `from`, or -1. */
function indexOf(s: SeqLike, t: SeqLike, from = 0): number {
  for (let i = from; i + s.length <= t.length; i++) if (sameItems(s, 0, t, i, s.length)) return i;
  return -1;
}

function isPrefix(s: SeqLike, t: SeqLike): boolean {
  return s.length <= t.length && sameItems(s, 0, t, 0, s.length);
}

/** The result of a test over every element, as the definitions' `{i \in 1..Len(s) : Test(s[i])}`. */
function matches(name: string, seq: Arg, test: Arg): boolean[] {
  const keep = testOf(name, 1, test);
  return expectSeq(name, 0, seq).map((e) => keep(e));
}

/** SelectInSeq / SelectLastInSeq: the 1-based index of the first (last) match, or 0. */
function select(name: string, last: boolean): NativeOp {
  return {
    name,
    arity: 2,
    opArgs: { 1: 1 },
    impl: ([seq, test]) => {
      const hits = matches(name, seq, test);
      return (last ? hits.lastIndexOf(true) : hits.indexOf(true)) + 1;
    },
  };
}

/** The SubSeq variants: TLC's override answers with an index into the whole sequence. */
function selectIn(name: string, last: boolean): NativeOp {
  return {
    name,
    arity: 4,
    opArgs: { 3: 1 },
    impl: ([seq, from, to, test]) => {
      const part = subSeq(seq, from, to);
      const hits = matches(name, part, test);
      const at = last ? hits.lastIndexOf(true) : hits.indexOf(true);
      return at < 0 ? 0 : at + expectInt(name, 1, from);
    },
  };
}

/** SubSeq(s, 1, i-1) \o middle \o SubSeq(s, j, Len(s)), as the definitions splice. */
function splice(s: Arg, i: number, middle: Value | undefined, j: number): Value {
  const len = seqLike('SubSeq', 0, s).length;
  const before = subSeq(s, 1, i - 1);
  const after = subSeq(s, j, len);
  return concat(middle === undefined ? before : concat(before, middle), after);
}

/** LongestCommonPrefix(S): TLC's override refuses the empty set. */
function longestCommonPrefix(S: Arg): Value {
  const seqs = expectFiniteSet('LongestCommonPrefix', 0, S, 'a non-empty set').map((s) =>
    seqLike('LongestCommonPrefix', 0, s),
  );
  if (seqs.length === 0)
    throw argTypeError('LongestCommonPrefix', 0, 'a non-empty set', S as Value);
  const [first, ...rest] = seqs;
  let n = first.length;
  for (const s of rest) {
    n = Math.min(n, s.length);
    while (n > 0 && !sameItems(first, 0, s, 0, n)) n--;
  }
  return first.slice(0, n);
}

/** CommonPrefixes(S): the prefixes every sequence of S shares. */
function commonPrefixes(S: Arg): SetValue {
  if (expectFiniteSet('CommonPrefixes', 0, S).length === 0) return EMPTY_SET;
  const lcp = seqLike('CommonPrefixes', 0, longestCommonPrefix(S));
  return setFromList(Array.from({ length: lcp.length + 1 }, (_, l) => lcp.slice(0, l)));
}

/** The contiguous parts of a sequence (or string), the empty one included. */
function subSeqs(s: SeqLike): SetValue {
  const parts: Value[] = [s.slice(0, 0)];
  for (let i = 0; i < s.length; i++)
    for (let j = i + 1; j <= s.length; j++) parts.push(s.slice(i, j));
  return setFromList(parts);
}

/** IndexFirstSubSeq(s, t): the 1-based start of the first occurrence (CHOOSE fails if none). */
function indexFirstSubSeq(s: Arg, t: Arg): number {
  const at = indexOf(seqLike('IndexFirstSubSeq', 0, s), seqLike('IndexFirstSubSeq', 1, t));
  if (at < 0) throw chooseFailure('IndexFirstSubSeq');
  return at + 1;
}

/** ReplaceAllSubSeqs(r, s, t): leftmost, non-overlapping occurrences (the most there can be). */
function replaceAll(r: Arg, s: Arg, t: Arg): Value {
  const rv = expectValue('ReplaceAllSubSeqs', 0, r);
  const sv = expectValue('ReplaceAllSubSeqs', 1, s);
  const tv = expectValue('ReplaceAllSubSeqs', 2, t);
  if (equals(sv, tv)) return rv;
  if (equals(rv, sv)) return tv;
  const pat = seqLike('ReplaceAllSubSeqs', 1, sv);
  const text = seqLike('ReplaceAllSubSeqs', 2, tv);
  const pieces: Value[] = [];
  if (pat.length === 0) {
    // r before every element, as the definition's Interleave then FlattenSeq builds it.
    for (let i = 0; i < text.length; i++) pieces.push(rv, text.slice(i, i + 1));
  } else {
    let from = 0;
    for (let at = indexOf(pat, text); at >= 0; at = indexOf(pat, text, from)) {
      pieces.push(text.slice(from, at), rv);
      from = at + pat.length;
    }
    if (from === 0) return tv;
    pieces.push(text.slice(from));
  }
  return pieces.reduce((acc, p) => concat(acc, p));
}

/** FoldLeft: op(op(op(base, s1), s2), s3). */
function foldLeft(op: Arg, base: Arg, items: readonly Value[], name: string): Value {
  const f = expectOp(name, 0, op, 2);
  let acc = expectValue(name, 1, base);
  for (const x of items) acc = f.call([acc, x]);
  return acc;
}

/** FoldRight: op(s1, op(s2, op(s3, base))). */
function foldRight(op: Arg, items: readonly Value[], base: Arg, name: string): Value {
  const f = expectOp(name, 0, op, 2);
  let acc = expectValue(name, 2, base);
  for (let i = items.length - 1; i >= 0; i--) acc = f.call([items[i], acc]);
  return acc;
}

const indices = (seq: readonly Value[]): number[] => seq.map((_, i) => i + 1);

/** The CommunityModules' SequencesExt module. */
export const SEQUENCES_EXT: StdModule = {
  name: 'SequencesExt',
  extends: [],
  ops: [
    { name: 'ToSet', arity: 1, impl: ([s]) => range('ToSet', 0, s) },
    {
      name: 'SetToSeq',
      arity: 1,
      impl: ([S]) => tuple(expectFiniteSet('SetToSeq', 0, S)),
    },
    {
      name: 'SetToSeqs',
      arity: 1,
      impl: ([S]) => setOf(permutations(expectFiniteSet('SetToSeqs', 0, S))),
    },
    {
      name: 'SetToSortSeq',
      arity: 2,
      opArgs: { 1: 2 },
      impl: ([S, op]) => sortSeq(tuple(expectFiniteSet('SetToSortSeq', 0, S)), op),
    },
    {
      name: 'SetToAllKPermutations',
      arity: 1,
      impl: ([S]) => {
        const elems = expectFiniteSet('SetToAllKPermutations', 0, S);
        const all: Value[] = [];
        for (let k = 0; k <= elems.length; k++)
          for (const sub of kSubsets(k, elems).elements())
            all.push(...permutations((sub as SetValue).elements()));
        return setOf(all);
      },
    },
    {
      name: 'TupleOf',
      arity: 2,
      impl: ([S, n]) => {
        const m = expectInt('TupleOf', 1, n);
        return new FcnSet(m >= 1 ? new IntervalSet(1, m) : EMPTY_SET, expectSet('TupleOf', 0, S));
      },
    },
    {
      name: 'SeqOf',
      arity: 2,
      impl: ([S, n]) => new BoundedSeqSet(expectSet('SeqOf', 0, S), expectInt('SeqOf', 1, n)),
    },
    {
      name: 'BoundedSeq',
      arity: 2,
      impl: ([S, n]) =>
        new BoundedSeqSet(expectSet('BoundedSeq', 0, S), expectInt('BoundedSeq', 1, n)),
    },
    {
      name: 'Contains',
      arity: 2,
      impl: ([s, e]) => expectSeq('Contains', 0, s).some((x) => equals(x, e as Value)),
    },
    {
      name: 'Reverse',
      arity: 1,
      impl: ([s]) => tuple([...expectSeq('Reverse', 0, s)].reverse()),
    },
    {
      name: 'Remove',
      arity: 2,
      impl: ([s, e]) => tuple(expectSeq('Remove', 0, s).filter((x) => !equals(x, e as Value))),
    },
    {
      name: 'ReplaceAll',
      arity: 3,
      impl: ([s, old, nu]) =>
        tuple(
          expectSeq('ReplaceAll', 0, s).map((x) => (equals(x, old as Value) ? (nu as Value) : x)),
        ),
    },
    select('SelectInSeq', false),
    selectIn('SelectInSubSeq', false),
    select('SelectLastInSeq', true),
    selectIn('SelectLastInSubSeq', true),
    {
      name: 'InsertAt',
      arity: 3,
      impl: ([s, i, e]) => {
        const at = expectInt('InsertAt', 1, i);
        return splice(s, at, new TupleValue([expectValue('InsertAt', 2, e)]), at);
      },
    },
    {
      name: 'ReplaceAt',
      arity: 3,
      impl: ([s, i, e]) => {
        const elems = expectSeq('ReplaceAt', 0, s);
        const at = expectInt('ReplaceAt', 1, i);
        // EXCEPT outside the domain leaves the sequence as it is.
        if (at < 1 || at > elems.length) return tuple(elems);
        return new TupleValue(elems.map((x, k) => (k === at - 1 ? (e as Value) : x)));
      },
    },
    {
      name: 'RemoveAt',
      arity: 2,
      impl: ([s, i]) => {
        const at = expectInt('RemoveAt', 1, i);
        return splice(s, at, undefined, at + 1);
      },
    },
    {
      name: 'RemoveFirst',
      arity: 2,
      impl: ([s, e]) => {
        const elems = expectSeq('RemoveFirst', 0, s);
        const at = elems.findIndex((x) => equals(x, e as Value));
        return at < 0 ? tuple(elems) : tuple([...elems.slice(0, at), ...elems.slice(at + 1)]);
      },
    },
    {
      name: 'RemoveFirstMatch',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([s, test]) => {
        const elems = expectSeq('RemoveFirstMatch', 0, s);
        const keep = testOf('RemoveFirstMatch', 1, test);
        const at = elems.findIndex((x) => keep(x));
        return at < 0 ? tuple(elems) : tuple([...elems.slice(0, at), ...elems.slice(at + 1)]);
      },
    },
    {
      name: 'Cons',
      arity: 2,
      impl: ([elt, seq]) => concat(new TupleValue([expectValue('Cons', 0, elt)]), seq),
    },
    {
      name: 'Snoc',
      arity: 2,
      impl: ([elt, seq]) => new TupleValue([...expectSeq('Append', 0, seq), elt as Value]),
    },
    {
      name: 'Front',
      arity: 1,
      impl: ([s]) => subSeq(s, 1, seqLike('Len', 0, s).length - 1),
    },
    {
      name: 'Last',
      arity: 1,
      impl: ([s]) => {
        const elems = expectSeq('Last', 0, s);
        return tuple(elems).apply(elems.length);
      },
    },
    {
      name: 'IsPrefix',
      arity: 2,
      impl: ([s, t]) => isPrefix(seqLike('IsPrefix', 0, s), seqLike('IsPrefix', 1, t)),
    },
    {
      name: 'IsStrictPrefix',
      arity: 2,
      impl: ([s, t]) =>
        isPrefix(seqLike('IsStrictPrefix', 0, s), seqLike('IsStrictPrefix', 1, t)) &&
        !equals(s as Value, t as Value),
    },
    {
      name: 'IsSuffix',
      arity: 2,
      impl: ([s, t]) => {
        const a = expectSeq('IsSuffix', 0, s);
        const b = expectSeq('IsSuffix', 1, t);
        return a.length <= b.length && a.every((x, i) => equals(x, b[b.length - a.length + i]));
      },
    },
    {
      name: 'IsStrictSuffix',
      arity: 2,
      impl: ([s, t]) => {
        const a = expectSeq('IsStrictSuffix', 0, s);
        const b = expectSeq('IsStrictSuffix', 1, t);
        const suffix =
          a.length <= b.length && a.every((x, i) => equals(x, b[b.length - a.length + i]));
        return suffix && a.length !== b.length;
      },
    },
    {
      name: 'Prefixes',
      arity: 1,
      impl: ([s]) => {
        const seq = seqLike('Prefixes', 0, s);
        return setFromList(Array.from({ length: seq.length + 1 }, (_, l) => seq.slice(0, l)));
      },
    },
    { name: 'CommonPrefixes', arity: 1, impl: ([S]) => commonPrefixes(S) },
    { name: 'LongestCommonPrefix', arity: 1, impl: ([S]) => longestCommonPrefix(S) },
    {
      name: 'Suffixes',
      arity: 1,
      impl: ([s]) => {
        const elems = expectSeq('Suffixes', 0, s);
        return setOf([EMPTY_TUPLE, ...elems.map((_, l) => tuple(elems.slice(l)))]);
      },
    },
    {
      name: 'SeqMod',
      arity: 2,
      impl: ([a, b]) => {
        const x = expectInt('%', 0, a);
        const m = expectInt('%', 1, b);
        if (m <= 0) throw argTypeError('%', 1, 'a positive number', m);
        const r = ((x % m) + m) % m;
        return r === 0 ? m : r;
      },
    },
    {
      name: 'FoldSeq',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, base, seq]) =>
        foldForward(
          expectOp('FoldSeq', 0, op, 2),
          expectValue('FoldSeq', 1, base),
          expectSeq('FoldSeq', 2, seq),
        ),
    },
    {
      name: 'FoldLeft',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, base, seq]) => foldLeft(op, base, expectSeq('FoldLeft', 2, seq), 'FoldLeft'),
    },
    {
      name: 'FoldRight',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, seq, base]) => foldRight(op, expectSeq('FoldRight', 1, seq), base, 'FoldRight'),
    },
    {
      name: 'FoldLeftDomain',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, base, seq]) =>
        foldLeft(op, base, indices(expectSeq('FoldLeftDomain', 2, seq)), 'FoldLeftDomain'),
    },
    {
      name: 'FoldRightDomain',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, seq, base]) =>
        foldRight(op, indices(expectSeq('FoldRightDomain', 1, seq)), base, 'FoldRightDomain'),
    },
    {
      name: 'FlattenSeq',
      arity: 1,
      impl: ([seqs]) => {
        const parts = expectSeq('FlattenSeq', 0, seqs);
        return parts.length === 0 ? (seqs as Value) : parts.reduce((acc, p) => concat(acc, p));
      },
    },
    {
      name: 'Zip',
      arity: 2,
      impl: ([s, t]) => {
        const a = expectSeq('Zip', 0, s);
        const b = expectSeq('Zip', 1, t);
        const n = Math.min(a.length, b.length);
        return tuple(Array.from({ length: n }, (_, i) => new TupleValue([a[i], b[i]])));
      },
    },
    {
      name: 'Interleave',
      arity: 2,
      impl: ([s, t]) => {
        const a = expectSeq('Interleave', 0, s);
        const b = expectSeq('Interleave', 1, t);
        if (a.length !== b.length)
          throw new EvalError('Attempted to evaluate a CASE with no conditions true.');
        if (a.length === 0) return new TupleValue([EMPTY_TUPLE, EMPTY_TUPLE]);
        return new TupleValue(a.flatMap((x, i) => [new TupleValue([x]), new TupleValue([b[i]])]));
      },
    },
    { name: 'SubSeqs', arity: 1, impl: ([s]) => subSeqs(seqLike('SubSeqs', 0, s)) },
    {
      name: 'AllSubSeqs',
      arity: 1,
      impl: ([s]) => {
        const elems = expectSeq('AllSubSeqs', 0, s);
        checkSize('the subsequences', 2 ** elems.length);
        const all: Value[] = [];
        for (let mask = 0; mask < 2 ** elems.length; mask++)
          all.push(tuple(elems.filter((_, i) => (mask & (1 << i)) !== 0)));
        return setOf(all);
      },
    },
    { name: 'IndexFirstSubSeq', arity: 2, impl: ([s, t]) => indexFirstSubSeq(s, t) },
    {
      name: 'ReplaceSubSeqAt',
      arity: 4,
      impl: ([i, r, s, t]) => {
        const at = expectInt('ReplaceSubSeqAt', 0, i);
        const len = seqLike('Len', 0, s).length;
        return splice(t, at, expectValue('ReplaceSubSeqAt', 1, r), at + len);
      },
    },
    {
      name: 'ReplaceFirstSubSeq',
      arity: 3,
      impl: ([r, s, t]) => {
        const at = indexOf(
          seqLike('ReplaceFirstSubSeq', 1, s),
          seqLike('ReplaceFirstSubSeq', 2, t),
        );
        if (at < 0) return t as Value;
        const len = seqLike('Len', 0, s).length;
        return splice(t, at + 1, expectValue('ReplaceFirstSubSeq', 0, r), at + 1 + len);
      },
    },
    { name: 'ReplaceAllSubSeqs', arity: 3, impl: ([r, s, t]) => replaceAll(r, s, t) },
  ],
};
