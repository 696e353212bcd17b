/**
 * The Sequences module. As in TLC, Len, Tail, SubSeq and \o also accept strings, which TLC
 * treats as sequences of characters for these operators only.
 */
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { SeqSet } from '../../values/sets.ts';
import { EMPTY_TUPLE, StrValue, TupleValue, type Value, str } from '../../values/value.ts';
import {
  type Arg,
  expectInt,
  expectOp,
  expectSeq,
  expectSet,
  expectValue,
  mismatch,
} from './args.ts';
import type { StdModule } from './native.ts';

function emptySeqError(op: string): EvalError {
  return new EvalError(`Attempted to apply ${op} to the empty sequence.`);
}

/** TLC's wording for a SubSeq index outside 1..Len(s). */
function notInDomain(position: string, s: Value, index: number): EvalError {
  return new EvalError(
    `The ${position} argument of SubSeq must be in the domain of its first argument:\n${printValue(s)}\n, but instead it is\n${index}`,
    'domain',
  );
}

export function subSeq(s: Arg, m: Arg, n: Arg): Value {
  const seq = s instanceof StrValue ? s.text : expectSeq('SubSeq', 0, s);
  const lo = expectInt('SubSeq', 1, m, 'a natural number');
  const hi = expectInt('SubSeq', 2, n, 'a natural number');
  if (lo > hi) return typeof seq === 'string' ? str('') : EMPTY_TUPLE;
  if (lo < 1 || lo > seq.length) throw notInDomain('second', s as Value, lo);
  if (hi < 1 || hi > seq.length) throw notInDomain('third', s as Value, hi);
  return typeof seq === 'string'
    ? str(seq.slice(lo - 1, hi))
    : new TupleValue(seq.slice(lo - 1, hi));
}

export function concat(s: Arg, t: Arg): Value {
  if (s instanceof StrValue) {
    if (t instanceof StrValue) return str(s.text + t.text);
    throw mismatch('\\o', 1, 'a string', t);
  }
  const a = expectSeq('\\o', 0, s);
  const b = expectSeq('\\o', 1, t);
  if (a.length === 0) return asTuple(t, b);
  if (b.length === 0) return asTuple(s, a);
  return new TupleValue([...a, ...b]);
}

/** `v` itself when already a tuple, so that unchanged sequences are not copied. */
function asTuple(v: Arg, elems: readonly Value[]): TupleValue {
  return v instanceof TupleValue ? v : new TupleValue(elems);
}

/** The Sequences standard module. */
export const SEQUENCES: StdModule = {
  name: 'Sequences',
  extends: ['Naturals'],
  ops: [
    { name: 'Seq', arity: 1, impl: ([s]) => new SeqSet(expectSet('Seq', 0, s)) },
    {
      name: 'Len',
      arity: 1,
      impl: ([s]) => (s instanceof StrValue ? s.text.length : expectSeq('Len', 0, s).length),
    },
    {
      name: 'Append',
      arity: 2,
      impl: ([s, e]) => new TupleValue([...expectSeq('Append', 0, s), expectValue('Append', 1, e)]),
    },
    {
      name: 'Head',
      arity: 1,
      impl: ([s]) => {
        const elems = expectSeq('Head', 0, s);
        if (elems.length === 0) throw emptySeqError('Head');
        return elems[0];
      },
    },
    {
      name: 'Tail',
      arity: 1,
      impl: ([s]) => {
        if (s instanceof StrValue) {
          if (s.text === '') throw emptySeqError('Tail');
          return str(s.text.slice(1));
        }
        const elems = expectSeq('Tail', 0, s);
        if (elems.length === 0) throw emptySeqError('Tail');
        return new TupleValue(elems.slice(1));
      },
    },
    { name: 'SubSeq', arity: 3, impl: ([s, m, n]) => subSeq(s, m, n) },
    {
      name: 'SelectSeq',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([s, test]) => {
        const elems = expectSeq('SelectSeq', 0, s);
        // TLC returns <<>> for the empty sequence before looking at the operator.
        if (elems.length === 0) return EMPTY_TUPLE;
        const op = expectOp('SelectSeq', 1, test, 1);
        const kept = elems.filter((e) => {
          const keep = op.call([e]);
          if (typeof keep !== 'boolean')
            throw mismatch('SelectSeq', 1, 'a boolean-valued operator', keep);
          return keep;
        });
        return kept.length === elems.length ? asTuple(s, elems) : new TupleValue(kept);
      },
    },
    { name: '$circ', text: '\\o', arity: 2, impl: ([s, t]) => concat(s, t) },
  ],
};
