import { describe, expect, it } from 'vitest';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import {
  INT,
  IntervalSet,
  LazyFcn,
  NAT,
  SeqSet,
  SubsetSet,
} from '../../../../conformance/tla/values/sets.ts';
import {
  EMPTY_SET,
  EMPTY_TUPLE,
  TupleValue,
  type Value,
  equals,
  fcnFromPairs,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';
import { STANDARD_MODULES } from '../../../../conformance/tla/modules/stdlib/index.ts';
import type {
  NativeOp,
  NativeRuntime,
  OpValue,
} from '../../../../conformance/tla/modules/stdlib/native.ts';

/** Finds an operator in a module or, depth first, in the modules it extends. */
/** Finds an operator by identifier (`Len`) or by symbol name without its `$` (`plus` for `$plus`). */
function op(module: string, lookup: string): NativeOp {
  const name = /^[a-z]/.test(lookup) ? `$${lookup}` : lookup;
  const find = (m: string): NativeOp | undefined => {
    const mod = STANDARD_MODULES.get(m);
    if (!mod) throw new Error(`no module ${m}`);
    return (
      mod.ops.find((o) => o.name === name) ?? mod.extends.map(find).find((o) => o !== undefined)
    );
  };
  const found = find(module);
  if (!found) throw new Error(`no operator ${name} in ${module}`);
  return found;
}

function runtime(): NativeRuntime & { lines: string[]; regs: Map<Value, Value> } {
  const lines: string[] = [];
  const regs = new Map<Value, Value>();
  return {
    lines,
    regs,
    print: (line) => lines.push(line),
    tlcGet: (k) => {
      const v = regs.get(k);
      if (v === undefined) throw new EvalError(`TLCGet(${printValue(k)}) was undefined.`);
      return v;
    },
    tlcSet: (k, v) => void regs.set(k, v),
  };
}

const rt = runtime();

/** Calls module!name on the given arguments. */
function call(module: string, name: string, ...args: Array<Value | OpValue>): Value {
  const o = op(module, name);
  expect(args.length).toBe(o.arity);
  return o.impl(args, rt);
}

const S = (text: string) => str(text);
const tup = (...xs: Value[]) => (xs.length === 0 ? EMPTY_TUPLE : new TupleValue(xs));
const set = (...xs: Value[]) => setOf(xs);
const fcn = (...pairs: Array<[Value, Value]>) => fcnFromPairs(pairs);

function expectValue(actual: Value, expected: Value): void {
  expect(printValue(actual)).toBe(printValue(expected));
  expect(equals(actual, expected)).toBe(true);
}

/** Asserts that evaluating `f` raises an EvalError of `kind` whose message contains `parts`. */
function expectError(f: () => unknown, kind: string, ...parts: string[]): EvalError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    const err = e as EvalError;
    expect(err.kind).toBe(kind);
    for (const p of parts) expect(err.message).toContain(p);
    return err;
  }
  throw new Error('expected an EvalError');
}

const lt: OpValue = {
  isOpValue: true,
  name: 'lt',
  arity: 2,
  call: ([a, b]) => (a as number) < (b as number),
};
const gt: OpValue = {
  isOpValue: true,
  name: 'gt',
  arity: 2,
  call: ([a, b]) => (a as number) > (b as number),
};

describe('module structure', () => {
  it('has all modules with the expected EXTENDS', () => {
    expect([...STANDARD_MODULES.keys()].sort()).toEqual(
      ['Bags', 'FiniteSets', 'Integers', 'Naturals', 'Sequences', 'TLC'].sort(),
    );
    expect(STANDARD_MODULES.get('Integers')!.extends).toEqual(['Naturals']);
    expect(STANDARD_MODULES.get('TLC')!.extends).toEqual(['Naturals', 'Sequences', 'FiniteSets']);
  });

  it('reaches extended operators and defines each operator once', () => {
    expect(op('Integers', 'plus').text).toBe('+');
    expect(op('Bags', 'Len').name).toBe('Len');
    for (const m of STANDARD_MODULES.values()) {
      const names = m.ops.map((o) => o.name);
      expect(new Set(names).size).toBe(names.length);
    }
    const integers = STANDARD_MODULES.get('Integers')!.ops.map((o) => o.name);
    expect(integers).toEqual(['Int', '$negative']);
  });

  it('marks impure operators', () => {
    for (const name of ['Print', 'PrintT', 'TLCGet', 'TLCSet', 'JavaTime', 'RandomElement']) {
      expect(op('TLC', name).impure).toBe(true);
    }
    expect(op('TLC', 'ToString').impure).toBeFalsy();
  });
});

describe('Naturals and Integers', () => {
  it('computes', () => {
    expect(call('Naturals', 'Nat')).toBe(NAT);
    expect(call('Integers', 'Int')).toBe(INT);
    expect(call('Naturals', 'plus', 2, 3)).toBe(5);
    expect(call('Naturals', 'minus', 2, 3)).toBe(-1);
    expect(call('Naturals', 'mul', 6, 7)).toBe(42);
    expect(Object.is(call('Naturals', 'mul', 0, -5), 0)).toBe(true);
    expect(call('Naturals', 'pow', 2, 10)).toBe(1024);
    expect(call('Naturals', 'pow', -2, 3)).toBe(-8);
    expect(call('Naturals', 'pow', 5, 0)).toBe(1);
    expect(call('Naturals', 'pow', -1, 2147483647)).toBe(-1);
    expect(call('Naturals', 'pow', 1, 2147483647)).toBe(1);
    expect(call('Naturals', 'lt', 1, 2)).toBe(true);
    expect(call('Naturals', 'gt', 1, 2)).toBe(false);
    expect(call('Naturals', 'leq', 2, 2)).toBe(true);
    expect(call('Naturals', 'geq', 1, 2)).toBe(false);
    expect(call('Integers', 'negative', 5)).toBe(-5);
    expect(Object.is(call('Integers', 'negative', 0), 0)).toBe(true);
    expect(call('Integers', 'negative', 2147483647)).toBe(-2147483647);
  });

  it('floors \\div and keeps % non-negative', () => {
    expect(call('Integers', 'div', -7, 2)).toBe(-4);
    expect(call('Integers', 'div', 7, -2)).toBe(-4);
    expect(call('Integers', 'div', -7, -2)).toBe(3);
    expect(call('Integers', 'div', 7, 2)).toBe(3);
    expect(call('Integers', 'div', -6, 2)).toBe(-3);
    expect(Object.is(call('Integers', 'div', 0, -3), 0)).toBe(true);
    expect(call('Integers', 'mod', -7, 2)).toBe(1);
    expect(call('Integers', 'mod', 7, 2)).toBe(1);
    expect(Object.is(call('Integers', 'mod', -4, 2), 0)).toBe(true);
    expect(call('Integers', 'mod', -2147483648, 3)).toBe(1);
  });

  it('builds intervals', () => {
    const i = call('Naturals', 'dots_2', 1, 3);
    expect(i).toBeInstanceOf(IntervalSet);
    expect(equals(i, set(1, 2, 3))).toBe(true);
    expect(printValue(i)).toBe('1..3');
    expect(printValue(call('Naturals', 'dots_2', 3, 1))).toBe('{}');
    expect(equals(call('Naturals', 'dots_2', 3, 1), EMPTY_SET)).toBe(true);
  });

  it('reports overflow exactly at the 32-bit boundaries', () => {
    expect(call('Naturals', 'plus', 2147483646, 1)).toBe(2147483647);
    expect(call('Naturals', 'minus', -2147483647, 1)).toBe(-2147483648);
    expect(call('Naturals', 'mul', 46340, 46340)).toBe(2147395600);
    expect(call('Naturals', 'pow', 2, 30)).toBe(1073741824);
    expect(call('Naturals', 'pow', -2, 31)).toBe(-2147483648);
    const overflow = (name: string, a: number, b: number, shown: string) => {
      const e = expectError(() => call('Naturals', name, a, b), 'overflow');
      expect(e.message).toBe(`Overflow when computing ${shown}`);
    };
    overflow('plus', 2147483647, 1, '2147483647+1');
    overflow('minus', -2147483648, 1, '-2147483648-1');
    overflow('mul', 46341, 46341, '46341*46341');
    overflow('mul', 2, 2147483647, '2*2147483647');
    overflow('pow', 2, 31, '2^31');
    overflow('pow', 10, 100, '10^100');
    expectError(
      () => call('Integers', 'negative', -2147483648),
      'overflow',
      'Overflow when computing --2147483648',
    );
    expectError(
      () => call('Integers', 'div', -2147483648, -1),
      'overflow',
      'Overflow when computing',
    );
  });

  it('rejects undefined arithmetic', () => {
    const e = expectError(() => call('Naturals', 'mod', 7, -2), 'type');
    expect(e.message).toBe(
      'The second argument of % should be a positive number, but instead it is:\n-2',
    );
    expectError(() => call('Naturals', 'mod', 7, 0), 'type', 'should be a positive number');
    expectError(() => call('Naturals', 'div', 7, 0), 'eval', 'The second argument of \\div is 0.');
    expectError(
      () => call('Naturals', 'pow', 2, -1),
      'type',
      'argument of ^ should be a natural number',
      '-1',
    );
    expectError(() => call('Naturals', 'pow', 0, 0), 'eval', '0^0 is undefined.');
  });

  it('rejects non-integers', () => {
    const e = expectError(() => call('Naturals', 'plus', 1, EMPTY_SET), 'type');
    expect(e.message).toBe('The second argument of + should be an integer, but instead it is:\n{}');
    expectError(
      () => call('Naturals', 'lt', S('a'), 1),
      'type',
      'first argument of <',
      'should be an integer',
      '"a"',
    );
    expectError(
      () => call('Naturals', 'div', true, 1),
      'type',
      'of \\div should be an integer',
      'TRUE',
    );
    expectError(() => call('Naturals', 'dots_2', 1, tup(1)), 'type', 'of ..', '<<1>>');
    expectError(() => call('Integers', 'negative', S('x')), 'type', 'first argument of -', '"x"');
    expectError(
      () => call('Naturals', 'plus', lt, 1),
      'type',
      'should be an integer',
      'the operator lt',
    );
  });
});

describe('Sequences', () => {
  const s = tup(1, 2, 3);

  it('computes', () => {
    expectValue(call('Sequences', 'Seq', set(1)), new SeqSet(set(1)));
    expect((call('Sequences', 'Seq', set(1)) as SeqSet).contains(tup(1, 1))).toBe(true);
    expect(call('Sequences', 'Len', s)).toBe(3);
    expect(call('Sequences', 'Len', EMPTY_TUPLE)).toBe(0);
    expect(call('Sequences', 'Len', S('abc'))).toBe(3);
    expectValue(call('Sequences', 'Append', s, 4), tup(1, 2, 3, 4));
    expectValue(call('Sequences', 'Append', EMPTY_TUPLE, S('a')), tup(S('a')));
    expect(call('Sequences', 'Head', s)).toBe(1);
    expectValue(call('Sequences', 'Tail', s), tup(2, 3));
    expectValue(call('Sequences', 'Tail', tup(1)), EMPTY_TUPLE);
    expect(call('Sequences', 'Tail', S('abc'))).toBe(S('bc'));
    expectValue(call('Sequences', 'circ', s, tup(4)), tup(1, 2, 3, 4));
    expectValue(call('Sequences', 'circ', EMPTY_TUPLE, s), s);
    expect(call('Sequences', 'circ', S('ab'), S('cd'))).toBe(S('abcd'));
  });

  it('treats any function with domain 1..n as a sequence', () => {
    const lazy = new LazyFcn(new IntervalSet(1, 2), (x) => (x as number) * 10);
    expect(call('Sequences', 'Len', lazy)).toBe(2);
    expectValue(call('Sequences', 'Append', lazy, 30), tup(10, 20, 30));
  });

  it('takes subsequences', () => {
    expectValue(call('Sequences', 'SubSeq', s, 2, 3), tup(2, 3));
    expectValue(call('Sequences', 'SubSeq', s, 1, 3), s);
    expectValue(call('Sequences', 'SubSeq', s, 3, 2), EMPTY_TUPLE);
    expectValue(call('Sequences', 'SubSeq', EMPTY_TUPLE, 5, 0), EMPTY_TUPLE);
    expect(call('Sequences', 'SubSeq', S('hello'), 2, 4)).toBe(S('ell'));
    expect(call('Sequences', 'SubSeq', S('hello'), 2, 1)).toBe(S(''));
    const e = expectError(() => call('Sequences', 'SubSeq', s, 0, 2), 'domain');
    expect(e.message).toBe(
      'The second argument of SubSeq must be in the domain of its first argument:\n<<1, 2, 3>>\n, but instead it is\n0',
    );
    expectError(
      () => call('Sequences', 'SubSeq', s, 2, 4),
      'domain',
      'The third argument of SubSeq',
      '4',
    );
    expectError(
      () => call('Sequences', 'SubSeq', s, S('a'), 4),
      'type',
      'second argument of SubSeq should be a natural number',
      '"a"',
    );
  });

  it('selects', () => {
    const even: OpValue = {
      isOpValue: true,
      name: 'Even',
      arity: 1,
      call: ([x]) => (x as number) % 2 === 0,
    };
    expectValue(call('Sequences', 'SelectSeq', tup(1, 2, 3, 4), even), tup(2, 4));
    expectValue(call('Sequences', 'SelectSeq', tup(1, 3), even), EMPTY_TUPLE);
    expectValue(call('Sequences', 'SelectSeq', EMPTY_TUPLE, even), EMPTY_TUPLE);
    expect(op('Sequences', 'SelectSeq').opArgs).toEqual({ 1: 1 });
    const bad: OpValue = { isOpValue: true, name: 'Bad', arity: 1, call: () => 7 };
    expectError(
      () => call('Sequences', 'SelectSeq', s, bad),
      'type',
      'SelectSeq',
      'boolean-valued operator',
      '7',
    );
  });

  it('rejects the empty sequence', () => {
    const e = expectError(() => call('Sequences', 'Head', EMPTY_TUPLE), 'eval');
    expect(e.message).toBe('Attempted to apply Head to the empty sequence.');
    expectError(
      () => call('Sequences', 'Tail', EMPTY_TUPLE),
      'eval',
      'Attempted to apply Tail to the empty sequence.',
    );
    expectError(() => call('Sequences', 'Tail', S('')), 'eval', 'Tail to the empty sequence');
  });

  it('rejects non-sequences', () => {
    const rec = recordOf([['a', 1]]);
    const f = fcn([2, 1], [3, 2]);
    expectError(
      () => call('Sequences', 'Len', rec),
      'type',
      'first argument of Len should be a sequence',
      '[a |-> 1]',
    );
    expectError(
      () => call('Sequences', 'Head', f),
      'type',
      'Head should be a sequence',
      '(2 :> 1 @@ 3 :> 2)',
    );
    expectError(() => call('Sequences', 'Tail', 3), 'type', 'Tail should be a sequence');
    expectError(
      () => call('Sequences', 'Append', set(1), 2),
      'type',
      'Append should be a sequence',
      '{1}',
    );
    expectError(() => call('Sequences', 'SubSeq', f, 1, 1), 'type', 'SubSeq should be a sequence');
    expectError(
      () => call('Sequences', 'SelectSeq', 1, lt),
      'type',
      'SelectSeq should be a sequence',
    );
    expectError(
      () => call('Sequences', 'circ', s, f),
      'type',
      'second argument of \\o should be a sequence',
    );
    expectError(
      () => call('Sequences', 'circ', f, s),
      'type',
      'first argument of \\o should be a sequence',
    );
    expectError(
      () => call('Sequences', 'circ', S('a'), s),
      'type',
      'second argument of \\o should be a string',
    );
    expectError(() => call('Sequences', 'Seq', 1), 'type', 'Seq should be a set');
    expectError(
      () => call('Sequences', 'Len', new LazyFcn(NAT, (x) => x)),
      'type',
      'Len should be a sequence',
      'a function over Nat',
    );
  });
});

describe('FiniteSets', () => {
  it('counts finite sets', () => {
    expect(call('FiniteSets', 'Cardinality', set(1, 2, 3))).toBe(3);
    expect(call('FiniteSets', 'Cardinality', EMPTY_SET)).toBe(0);
    expect(call('FiniteSets', 'Cardinality', new IntervalSet(1, 1000000))).toBe(1000000);
    expect(call('FiniteSets', 'Cardinality', new SubsetSet(set(1, 2, 3)))).toBe(8);
    expect(call('FiniteSets', 'IsFiniteSet', set(1))).toBe(true);
    expect(call('FiniteSets', 'IsFiniteSet', NAT)).toBe(false);
  });

  it('rejects infinite sets and non-sets', () => {
    expectError(
      () => call('FiniteSets', 'Cardinality', NAT),
      'type',
      'Cardinality should be a finite set',
      'Nat',
    );
    expectError(() => call('FiniteSets', 'Cardinality', tup(1)), 'type', 'Cardinality', '<<1>>');
    expectError(
      () => call('FiniteSets', 'IsFiniteSet', 1),
      'type',
      'IsFiniteSet should be a set',
      '1',
    );
    const big = new SubsetSet(new IntervalSet(1, 40));
    expectError(() => call('FiniteSets', 'Cardinality', big), 'overflow', 'SUBSET 1..40');
  });
});

describe('TLC', () => {
  it('builds and combines functions', () => {
    expectValue(call('TLC', 'map_to', S('a'), 1), recordOf([['a', 1]]));
    expectValue(call('TLC', 'map_to', 1, S('x')), tup(S('x')));
    const f = fcnFromPairs([
      [1, S('f1')],
      [2, S('f2')],
    ]);
    const g = fcnFromPairs([
      [2, S('g2')],
      [3, S('g3')],
    ]);
    expectValue(call('TLC', 'compose', f, g), tup(S('f1'), S('f2'), S('g3')));
    expectValue(call('TLC', 'compose', g, f), tup(S('f1'), S('g2'), S('g3')));
    expect(printValue(call('TLC', 'compose', fcn([5, 1]), fcn([7, 2])))).toBe('(5 :> 1 @@ 7 :> 2)');
    expectValue(call('TLC', 'compose', EMPTY_TUPLE, EMPTY_TUPLE), EMPTY_TUPLE);
    expectError(
      () => call('TLC', 'compose', f, set(1)),
      'type',
      'second argument of @@ should be a function',
      '{1}',
    );
    expectError(
      () => call('TLC', 'compose', 3, f),
      'type',
      'first argument of @@ should be a function',
      '3',
    );
  });

  it('enumerates permutations', () => {
    expectValue(call('TLC', 'Permutations', set(1, 2)), set(tup(1, 2), tup(2, 1)));
    expectValue(call('TLC', 'Permutations', EMPTY_SET), set(EMPTY_TUPLE));
    expect(
      (call('TLC', 'Permutations', set(1, 2, 3, 4)) as ReturnType<typeof setOf>).elems.length,
    ).toBe(24);
    const ab = call('TLC', 'Permutations', set(S('a'), S('b')));
    expectValue(
      ab,
      set(
        recordOf([
          ['a', S('a')],
          ['b', S('b')],
        ]),
        recordOf([
          ['a', S('b')],
          ['b', S('a')],
        ]),
      ),
    );
    expectError(
      () => call('TLC', 'Permutations', NAT),
      'type',
      'Permutations should be a finite set',
      'Nat',
    );
  });

  it('sorts sequences', () => {
    expectValue(call('TLC', 'SortSeq', tup(3, 1, 2), lt), tup(1, 2, 3));
    expectValue(call('TLC', 'SortSeq', tup(3, 1, 2), gt), tup(3, 2, 1));
    expectValue(call('TLC', 'SortSeq', EMPTY_TUPLE, lt), EMPTY_TUPLE);
    expect(op('TLC', 'SortSeq').opArgs).toEqual({ 1: 2 });
    // Stable: records with equal keys keep their order.
    const r = (k: number, tag: string) =>
      recordOf([
        ['k', k],
        ['t', S(tag)],
      ]);
    const byKey: OpValue = {
      isOpValue: true,
      name: 'ByKey',
      arity: 2,
      call: ([a, b]) =>
        ((a as ReturnType<typeof recordOf>).apply(S('k')) as number) <
        ((b as ReturnType<typeof recordOf>).apply(S('k')) as number),
    };
    expectValue(
      call('TLC', 'SortSeq', tup(r(2, 'x'), r(1, 'y'), r(2, 'z'), r(1, 'w')), byKey),
      tup(r(1, 'y'), r(1, 'w'), r(2, 'x'), r(2, 'z')),
    );
    expectError(() => call('TLC', 'SortSeq', set(1), lt), 'type', 'SortSeq should be a sequence');
    const bad: OpValue = { isOpValue: true, name: 'Bad', arity: 2, call: () => 0 };
    expectError(
      () => call('TLC', 'SortSeq', tup(1, 2), bad),
      'type',
      'SortSeq should be a boolean function',
      '0',
    );
    expectError(
      () => call('TLC', 'SortSeq', tup(1, 2), 3),
      'type',
      'SortSeq should be an operator',
    );
  });

  it('converts to strings and prints', () => {
    expect(call('TLC', 'ToString', tup(1, S('a')))).toBe(S('<<1, "a">>'));
    expect(call('TLC', 'ToString', S('a'))).toBe(S('"a"'));
    const before = rt.lines.length;
    expectValue(call('TLC', 'Print', S('hello'), set(1, 2)), set(1, 2));
    expect(call('TLC', 'PrintT', tup(1))).toBe(true);
    expect(rt.lines.slice(before)).toEqual(['"hello"  {1, 2}', '<<1>>']);
  });

  it('asserts', () => {
    expect(call('TLC', 'Assert', true, S('never shown'))).toBe(true);
    const e = expectError(() => call('TLC', 'Assert', false, S('boom')), 'assert');
    expect(e.message).toBe(
      'The first argument of Assert evaluated to FALSE; the second argument was:\n"boom"',
    );
    expectError(
      () => call('TLC', 'Assert', 1, S('x')),
      'type',
      'first argument of Assert should be a boolean',
      '1',
    );
  });

  it('reads and writes registers', () => {
    expect(call('TLC', 'TLCSet', 1, S('v'))).toBe(true);
    expect(call('TLC', 'TLCGet', 1)).toBe(S('v'));
    expectError(() => call('TLC', 'TLCGet', 2), 'eval', 'TLCGet(2) was undefined.');
  });

  it('has identity TLCEval, a JavaTime in Nat and the Any set', () => {
    const v = set(1, 2);
    expect(call('TLC', 'TLCEval', v)).toBe(v);
    const t = call('TLC', 'JavaTime') as number;
    expect(Number.isInteger(t) && t >= 0 && t <= 2147483647).toBe(true);
    expect(Math.abs(t - Math.floor(Date.now() / 1000))).toBeLessThan(5);
    const any = call('TLC', 'Any');
    expect(any).toBe(call('TLC', 'Any'));
    expect(printValue(any)).toBe('Any');
    const anySet = any as ReturnType<typeof setOf>;
    for (const x of [1, S('a'), EMPTY_SET, tup(1), true]) expect(anySet.contains(x)).toBe(true);
    expect(anySet.isFinite()).toBe(false);
    expectError(() => call('FiniteSets', 'Cardinality', any), 'type', 'Any');
  });

  it('picks a deterministic RandomElement', () => {
    expect(call('TLC', 'RandomElement', set(3, 1, 2))).toBe(1);
    expect(call('TLC', 'RandomElement', new IntervalSet(5, 1000000000))).toBe(5);
    expect(call('TLC', 'RandomElement', set(3, 1, 2))).toBe(1);
    expectError(() => call('TLC', 'RandomElement', EMPTY_SET), 'eval', 'RandomElement');
    expectError(
      () => call('TLC', 'RandomElement', INT),
      'type',
      'RandomElement should be a finite set',
      'Int',
    );
  });
});

describe('Bags', () => {
  const a = S('a'),
    b = S('b'),
    c = S('c');
  const bag = (...pairs: Array<[Value, number]>) => fcnFromPairs(pairs);
  const B1 = bag([a, 2], [b, 1]);
  const B2 = bag([b, 3], [c, 1]);

  it('converts between sets and bags', () => {
    expectValue(call('Bags', 'EmptyBag'), EMPTY_TUPLE);
    expectValue(call('Bags', 'SetToBag', set(a, b)), bag([a, 1], [b, 1]));
    expectValue(call('Bags', 'BagToSet', B1), set(a, b));
    expect(printValue(call('Bags', 'BagToSet', EMPTY_TUPLE))).toBe('{}');
    expectValue(call('Bags', 'BagToSet', tup(2, 1)), new IntervalSet(1, 2));
    expect(call('Bags', 'IsABag', B1)).toBe(true);
    expect(call('Bags', 'IsABag', EMPTY_TUPLE)).toBe(true);
    expect(call('Bags', 'IsABag', bag([a, 0]))).toBe(false);
    expect(call('Bags', 'IsABag', fcn([a, S('x')]))).toBe(false);
    expect(call('Bags', 'IsABag', set(1))).toBe(false);
    expectError(() => call('Bags', 'SetToBag', NAT), 'type', 'SetToBag should be a finite set');
  });

  it('counts copies', () => {
    expect(call('Bags', 'BagIn', a, B1)).toBe(true);
    expect(call('Bags', 'BagIn', c, B1)).toBe(false);
    expect(call('Bags', 'CopiesIn', a, B1)).toBe(2);
    expect(call('Bags', 'CopiesIn', c, B1)).toBe(0);
    expect(call('Bags', 'BagCardinality', B1)).toBe(3);
    expect(call('Bags', 'BagCardinality', EMPTY_TUPLE)).toBe(0);
    expectError(
      () => call('Bags', 'BagCardinality', bag([a, 2147483647], [b, 1])),
      'overflow',
      '2147483647+1',
    );
  });

  it('adds and subtracts bags', () => {
    expectValue(call('Bags', 'oplus', B1, B2), bag([a, 2], [b, 4], [c, 1]));
    expectValue(call('Bags', 'oplus', B1, EMPTY_TUPLE), B1);
    expectValue(call('Bags', 'ominus', B1, B2), bag([a, 2]));
    expectValue(call('Bags', 'ominus', B2, B1), bag([b, 2], [c, 1]));
    expectValue(call('Bags', 'ominus', B1, B1), EMPTY_TUPLE);
    expectValue(call('Bags', 'BagUnion', set(B1, B2, bag([a, 1]))), bag([a, 3], [b, 4], [c, 1]));
    expectValue(call('Bags', 'BagUnion', EMPTY_SET), EMPTY_TUPLE);
    expectError(
      () => call('Bags', 'oplus', bag([a, 2147483647]), bag([a, 1])),
      'overflow',
      '2147483647+1',
    );
  });

  it('compares bags and enumerates sub-bags', () => {
    expect(call('Bags', 'sqsubseteq', bag([a, 1]), B1)).toBe(true);
    expect(call('Bags', 'sqsubseteq', B1, bag([a, 1]))).toBe(false);
    expect(call('Bags', 'sqsubseteq', B1, B2)).toBe(false);
    expect(call('Bags', 'sqsubseteq', EMPTY_TUPLE, B2)).toBe(true);
    const subs = call('Bags', 'SubBag', B1);
    expectValue(
      subs,
      set(
        EMPTY_TUPLE,
        bag([a, 1]),
        bag([a, 2]),
        bag([b, 1]),
        bag([a, 1], [b, 1]),
        bag([a, 2], [b, 1]),
      ),
    );
    expectValue(call('Bags', 'SubBag', EMPTY_TUPLE), set(EMPTY_TUPLE));
  });

  it('maps bags', () => {
    const first: OpValue = {
      isOpValue: true,
      name: 'Len',
      arity: 1,
      call: ([x]) => (x as TupleValue).elems.length,
    };
    const B = bag([tup(1), 2], [tup(2), 3], [tup(1, 1), 1]);
    expectValue(call('Bags', 'BagOfAll', first, B), bag([1, 5], [2, 1]));
    expect(op('Bags', 'BagOfAll').opArgs).toEqual({ 0: 1 });
  });

  it('rejects non-bags', () => {
    const notBag = bag([a, 0]);
    expectError(
      () => call('Bags', 'oplus', notBag, B1),
      'type',
      'first argument of (+) should be a bag',
      '[a |-> 0]',
    );
    expectError(
      () => call('Bags', 'ominus', B1, 3),
      'type',
      'second argument of (-) should be a bag',
      '3',
    );
    expectError(
      () => call('Bags', 'BagIn', a, set(a)),
      'type',
      'second argument of BagIn should be a bag',
    );
    expectError(() => call('Bags', 'CopiesIn', a, notBag), 'type', 'CopiesIn should be a bag');
    expectError(
      () => call('Bags', 'BagCardinality', S('a')),
      'type',
      'BagCardinality should be a bag',
    );
    expectError(
      () => call('Bags', 'sqsubseteq', B1, set()),
      'type',
      '\\sqsubseteq should be a bag',
    );
    expectError(() => call('Bags', 'SubBag', 1), 'type', 'SubBag should be a bag');
    expectError(
      () => call('Bags', 'BagUnion', set(B1, tup(S('x')))),
      'type',
      'BagUnion should be a finite set of bags',
    );
    expectError(() => call('Bags', 'BagToSet', 1), 'type', 'BagToSet should be a bag');
    expectError(
      () => call('Bags', 'BagOfAll', lt, B1),
      'type',
      'BagOfAll should be an operator of arity 1',
    );
  });
});
