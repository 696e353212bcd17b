import { describe, expect, it } from 'vitest';
import type { Expr, Module, Unit } from '../../../../conformance/tla/syntax/ast.ts';
import { TlaSyntaxError, parseModule } from '../../../../conformance/tla/syntax/parse.ts';

const FILE = 'T.tla';

/** Parses a module named T whose body is `body`. */
function parse(body: string): Module {
  return parseModule(`---- MODULE T ----\n${body}\n====\n`, FILE);
}

/** Keys holding source places: `loc`, and the places of declared names (`nameLocs`, ...). */
const PLACE_KEYS = new Set(['loc', 'declLoc', 'nameLocs', 'paramLocs']);

/** The value without its places, so that expected trees can be written by hand. */
function noLoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(noLoc) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !PLACE_KEYS.has(k))
        .map(([k, x]) => [k, noLoc(x)]),
    ) as T;
  }
  return v;
}

/** The unit defining `name`. */
function unit(m: Module, name: string): Unit {
  const u = m.units.find((x) => 'name' in x && x.name === name);
  if (!u) throw new Error(`no unit ${name}`);
  return u;
}

/** The body of the operator definition `name`, without locations. */
function body(m: Module, name: string): Expr {
  const u = unit(m, name);
  if (u.k !== 'opdef') throw new Error(`${name} is a ${u.k}`);
  return noLoc(u.body);
}

/** The body of `Op == <text>` in a module declaring the variables x, y and f. */
function expr(text: string): Expr {
  return body(parse(`VARIABLES x, y, f\nOp == ${text}`), 'Op');
}

// Small builders for expected trees.
const id = (name: string): Expr => ({ k: 'ident', name }) as Expr;
const num = (value: number): Expr => ({ k: 'num', value }) as Expr;
/** An application; symbols (written differently from their name) get the `$` of symbol names. */
const app = (name: string, text: string, ...args: Expr[]): Expr =>
  ({ k: 'apply', name: name === text ? name : `$${name}`, text, args }) as Expr;
const eq = (a: Expr, b: Expr) => app('eq', '=', a, b);
const plus = (a: Expr, b: Expr) => app('plus', '+', a, b);
const range = (a: number, b: number) => app('dots_2', '..', num(a), num(b));

describe('module structure', () => {
  it('reads the module name, EXTENDS and the source file', () => {
    const m = parse('EXTENDS Naturals, Sequences\nFoo == 1');
    expect(m.name).toBe('T');
    expect(m.file).toBe(FILE);
    expect(m.extends.map((e) => e.name)).toEqual(['Naturals', 'Sequences']);
    expect(m.extends[1].loc).toMatchObject({ line: 2, col: 19 });
    expect(m.units.map((u) => u.k)).toEqual(['opdef']);
  });

  it('declares constants with their arity and variables', () => {
    const m = parse('CONSTANTS N, F(_, _), G(_)\nVARIABLES x, y');
    expect(noLoc(m.units)).toEqual([
      {
        k: 'constants',
        decls: [
          { name: 'N', arity: 0 },
          { name: 'F', arity: 2 },
          { name: 'G', arity: 1 },
        ],
      },
      { k: 'variables', decls: [{ name: 'x' }, { name: 'y' }] },
    ]);
    const c = m.units[0];
    expect(c.k === 'constants' && c.decls[1].loc).toMatchObject({ line: 2, col: 14 });
  });

  it('reads ASSUME with and without a name', () => {
    const m = parse('CONSTANT N\nASSUME N > 0\nASSUME Pos == N > 1');
    const gt = (n: number) => app('gt', '>', id('N'), num(n));
    expect(noLoc(m.units.slice(1))).toEqual([
      { k: 'assume', expr: gt(0) },
      { k: 'assume', expr: gt(1), name: 'Pos' },
    ]);
  });

  it('marks LOCAL definitions and instances', () => {
    const m = parse('LOCAL Hidden == 1\nShown == 2\nLOCAL INSTANCE Naturals');
    expect(unit(m, 'Hidden')).toMatchObject({ k: 'opdef', local: true });
    expect(unit(m, 'Shown')).toMatchObject({ k: 'opdef', local: false });
    expect(noLoc(m.units[2])).toEqual({
      k: 'instance',
      module: 'Naturals',
      subs: [],
      local: true,
      params: [],
    });
  });

  it('records identifiers and strings in source order (TLC interning order)', () => {
    const m = parse('Foo == "zz" \\o "aa"\nBar == Foo');
    const names = m.names.filter((n) => ['zz', 'aa', 'Foo', 'Bar'].includes(n));
    expect(names).toEqual(['Foo', 'zz', 'aa', 'Bar', 'Foo']);
  });
});

describe('definitions', () => {
  it('operators with parameters, with a source range', () => {
    const m = parse('Add(a, b) == a + b');
    const u = unit(m, 'Add');
    expect(noLoc(u)).toEqual({
      k: 'opdef',
      name: 'Add',
      params: [
        { name: 'a', arity: 0 },
        { name: 'b', arity: 0 },
      ],
      body: plus(id('a'), id('b')),
      local: false,
    });
    expect(u.loc).toEqual({ file: FILE, module: 'T', line: 2, col: 1, endLine: 2, endCol: 18 });
  });

  it('higher-order parameters Op(_) and applying them', () => {
    const u = unit(parse('Twice(Op(_), v) == Op(Op(v))'), 'Twice');
    expect(noLoc(u)).toMatchObject({
      params: [
        { name: 'Op', arity: 1 },
        { name: 'v', arity: 0 },
      ],
      body: app('Op', 'Op', app('Op', 'Op', id('v'))),
    });
  });

  it('LAMBDA and operator symbols as arguments', () => {
    expect(expr('Twice(LAMBDA z, w : z + w, 3)')).toEqual(
      app(
        'Twice',
        'Twice',
        { k: 'lambda', params: ['z', 'w'], body: plus(id('z'), id('w')) } as Expr,
        num(3),
      ),
    );
    expect(expr('Fold(+, 0)')).toEqual(
      app('Fold', 'Fold', { k: 'opsym', name: '$plus', text: '+' } as Expr, num(0)),
    );
  });

  it('infix operator definitions get the canonical symbol name, as do their uses', () => {
    const m = parse('a ++ b == a * b\nUse == 1 ++ 2');
    expect(noLoc(unit(m, '$plusplus'))).toMatchObject({
      k: 'opdef',
      params: [
        { name: 'a', arity: 0 },
        { name: 'b', arity: 0 },
      ],
      body: app('mul', '*', id('a'), id('b')),
    });
    expect(body(m, 'Use')).toEqual(app('plusplus', '++', num(1), num(2)));
  });

  it('RECURSIVE declarations', () => {
    const m = parse(
      'RECURSIVE Fact(_), Sum(_, _)\nFact(n) == IF n = 0 THEN 1 ELSE n * Fact(n - 1)',
    );
    expect(noLoc(m.units[0])).toEqual({
      k: 'recursive',
      decls: [
        { name: 'Fact', arity: 1 },
        { name: 'Sum', arity: 2 },
      ],
    });
    expect(body(m, 'Fact')).toEqual({
      k: 'if',
      cond: eq(id('n'), num(0)),
      then: num(1),
      else: app('mul', '*', id('n'), app('Fact', 'Fact', app('minus', '-', id('n'), num(1)))),
    });
  });

  it('function definitions, recursive ones included', () => {
    const m = parse(
      'fib[n \\in Nat] == IF n < 2 THEN n ELSE fib[n - 1] + fib[n - 2]\ng[a, b \\in 1..2, c \\in BOOLEAN] == a',
    );
    const fib = noLoc(unit(m, 'fib'));
    expect(fib).toMatchObject({
      k: 'fcndef',
      bounds: [{ names: ['n'], tuple: false, set: id('Nat') }],
      local: false,
    });
    expect(fib.k === 'fcndef' && fib.body.k === 'if' && fib.body.else).toEqual(
      plus(
        { k: 'fcnApp', fn: id('fib'), args: [app('minus', '-', id('n'), num(1))] } as Expr,
        { k: 'fcnApp', fn: id('fib'), args: [app('minus', '-', id('n'), num(2))] } as Expr,
      ),
    );
    expect(noLoc(unit(m, 'g'))).toMatchObject({
      bounds: [
        { names: ['a', 'b'], tuple: false, set: range(1, 2) },
        { names: ['c'], tuple: false, set: id('BOOLEAN') },
      ],
    });
  });

  it('INSTANCE with WITH substitutions, named and parameterised', () => {
    const m = parse(
      'VARIABLE x\nINSTANCE Dial WITH pos <- x, Max <- 5\nD == INSTANCE Dial WITH pos <- x + 1\nP(k, Op(_)) == INSTANCE Gauge\nLOCAL L == INSTANCE Dial',
    );
    expect(noLoc(m.units.slice(1))).toEqual([
      {
        k: 'instance',
        module: 'Dial',
        subs: [
          { name: 'pos', expr: id('x') },
          { name: 'Max', expr: num(5) },
        ],
        local: false,
        params: [],
      },
      {
        k: 'instance',
        module: 'Dial',
        subs: [{ name: 'pos', expr: plus(id('x'), num(1)) }],
        local: false,
        params: [],
        name: 'D',
      },
      {
        k: 'instance',
        module: 'Gauge',
        subs: [],
        local: false,
        params: [
          { name: 'k', arity: 0 },
          { name: 'Op', arity: 1 },
        ],
        name: 'P',
      },
      { k: 'instance', module: 'Dial', subs: [], local: true, params: [], name: 'L' },
    ]);
  });

  it('instance-prefixed operators M!Op and M(a)!Op(b)', () => {
    expect(expr('D!Step(3) + P(1)!Val')).toEqual(
      plus(
        {
          k: 'prefixed',
          steps: [
            { name: 'D', args: [] },
            { name: 'Step', args: [num(3)] },
          ],
        } as Expr,
        {
          k: 'prefixed',
          steps: [
            { name: 'P', args: [num(1)] },
            { name: 'Val', args: [] },
          ],
        } as Expr,
      ),
    );
  });

  it('LET with operator, function and RECURSIVE definitions', () => {
    const e = expr(
      'LET RECURSIVE S(_)\n        S(n) == IF n = 0 THEN 0 ELSE n + S(n - 1)\n        f[i \\in 1..2] == i\n    IN S(2) + f[1]',
    );
    expect(e.k).toBe('let');
    if (e.k !== 'let') return;
    expect(e.defs.map((d) => [d.k, 'name' in d ? d.name : undefined])).toEqual([
      ['recursive', undefined],
      ['opdef', 'S'],
      ['fcndef', 'f'],
    ]);
    expect(e.body).toEqual(
      plus(app('S', 'S', num(2)), { k: 'fcnApp', fn: id('f'), args: [num(1)] } as Expr),
    );
  });
});

describe('expressions', () => {
  it('bullet lists nest by indentation', () => {
    const m = parse(
      [
        'VARIABLE x',
        'A == /\\ x = 1',
        '     /\\ \\/ x = 2',
        '        \\/ x = 3',
        '     /\\ x = 4',
        'B == \\/ /\\ x = 1',
        '        /\\ x = 2',
        '     \\/ x = 3',
      ].join('\n'),
    );
    const xe = (n: number) => eq(id('x'), num(n));
    expect(body(m, 'A')).toEqual({
      k: 'and',
      items: [xe(1), { k: 'or', items: [xe(2), xe(3)] }, xe(4)],
    });
    expect(body(m, 'B')).toEqual({
      k: 'or',
      items: [{ k: 'and', items: [xe(1), xe(2)] }, xe(3)],
    });
  });

  it('flattens infix /\\ and \\/ chains', () => {
    expect(expr('x = 1 /\\ x = 2 /\\ x = 3')).toEqual({
      k: 'and',
      items: [eq(id('x'), num(1)), eq(id('x'), num(2)), eq(id('x'), num(3))],
    });
  });

  it('A \\X B \\X C is one product; (A \\X B) \\X C is not flattened', () => {
    expect(expr('Nat \\X BOOLEAN \\X STRING')).toEqual({
      k: 'product',
      sets: [id('Nat'), id('BOOLEAN'), id('STRING')],
    });
    expect(expr('(Nat \\X BOOLEAN) \\X STRING')).toEqual({
      k: 'product',
      sets: [{ k: 'product', sets: [id('Nat'), id('BOOLEAN')] }, id('STRING')],
    });
  });

  it('EXCEPT with index, multi-argument and field paths and @', () => {
    expect(expr('[f EXCEPT ![1][2].a = @ + 1, ![3, 4] = 0, !.b = @]')).toEqual({
      k: 'except',
      base: id('f'),
      updates: [
        {
          path: [
            { k: 'index', args: [num(1)] },
            { k: 'index', args: [num(2)] },
            { k: 'field', name: 'a' },
          ],
          value: plus({ k: 'at' } as Expr, num(1)),
        },
        { path: [{ k: 'index', args: [num(3), num(4)] }], value: num(0) },
        { path: [{ k: 'field', name: 'b' }], value: { k: 'at' } },
      ],
    });
  });

  it('CASE with and without OTHER', () => {
    const xe = (n: number) => eq(id('x'), num(n));
    expect(expr('CASE x = 1 -> 10 [] x = 2 -> 20 [] OTHER -> 30')).toEqual({
      k: 'case',
      arms: [
        { guard: xe(1), body: num(10) },
        { guard: xe(2), body: num(20) },
      ],
      other: num(30),
    });
    expect(expr('CASE x = 1 -> 10')).toEqual({
      k: 'case',
      arms: [{ guard: xe(1), body: num(10) }],
      other: undefined,
    });
  });

  it('records, record sets, field access and function sets', () => {
    expect(expr('[a |-> 1, b |-> "s"]')).toEqual({
      k: 'record',
      fields: [
        { name: 'a', value: num(1) },
        { name: 'b', value: { k: 'str', value: 's' } },
      ],
    });
    expect(expr('[a : Nat, b : BOOLEAN]')).toEqual({
      k: 'recordSet',
      fields: [
        { name: 'a', set: id('Nat') },
        { name: 'b', set: id('BOOLEAN') },
      ],
    });
    expect(expr('f.a.b')).toEqual({
      k: 'dot',
      rec: { k: 'dot', rec: id('f'), field: 'a' },
      field: 'b',
    });
    expect(expr('[1..2 -> BOOLEAN]')).toEqual({
      k: 'fcnSet',
      dom: range(1, 2),
      rng: id('BOOLEAN'),
    });
  });

  it('set map, set filter, enumeration and tuples', () => {
    expect(expr('{a + b : a \\in 1..2, b \\in {3}}')).toEqual({
      k: 'setMap',
      expr: plus(id('a'), id('b')),
      bounds: [
        { names: ['a'], tuple: false, set: range(1, 2) },
        { names: ['b'], tuple: false, set: { k: 'setEnum', elems: [num(3)] } },
      ],
    });
    expect(expr('{a \\in 1..3 : a > 1}')).toEqual({
      k: 'setFilter',
      bound: { names: ['a'], tuple: false, set: range(1, 3) },
      pred: app('gt', '>', id('a'), num(1)),
    });
    expect(expr('<<1, {}, <<>>>>')).toEqual({
      k: 'tuple',
      elems: [num(1), { k: 'setEnum', elems: [] }, { k: 'tuple', elems: [] }],
    });
  });

  it('tuple patterns in bounds, quantifiers and CHOOSE', () => {
    expect(expr('\\A <<p, q>> \\in Nat \\X Nat, r \\in Nat : p = q')).toEqual({
      k: 'quant',
      q: 'A',
      bounds: [
        { names: ['p', 'q'], tuple: true, set: { k: 'product', sets: [id('Nat'), id('Nat')] } },
        { names: ['r'], tuple: false, set: id('Nat') },
      ],
      body: eq(id('p'), id('q')),
    });
    expect(expr('CHOOSE <<p, q>> \\in {<<1, 2>>} : TRUE')).toEqual({
      k: 'choose',
      bound: {
        names: ['p', 'q'],
        tuple: true,
        set: { k: 'setEnum', elems: [{ k: 'tuple', elems: [num(1), num(2)] }] },
      },
      body: { k: 'bool', value: true },
    });
    expect(expr('\\E a : a')).toEqual({ k: 'uquant', q: 'E', names: ['a'], body: id('a') });
  });

  it('the place of every declared name: bound names, parameters, LAMBDA, LOCAL definitions', () => {
    const m = parse(
      [
        'Op(a, F(_)) == \\A <<p, q>> \\in a, r \\in a : \\E s : G(LAMBDA t, u : t)',
        'LOCAL Hidden == CHOOSE v : TRUE',
      ].join('\n'),
    );
    const at = (l: { line: number; col: number; endCol: number } | undefined) =>
      l && [l.line, l.col, l.endCol];
    const op = unit(m, 'Op');
    if (op.k !== 'opdef' || op.body.k !== 'quant' || op.body.body.k !== 'uquant') throw new Error();
    expect(op.params.map((p) => at(p.loc))).toEqual([
      [2, 4, 4],
      [2, 7, 10],
    ]);
    expect(op.body.bounds.map((b) => b.nameLocs?.map(at))).toEqual([
      [
        [2, 21, 21],
        [2, 24, 24],
      ],
      [[2, 35, 35]],
    ]);
    expect(op.body.body.nameLocs?.map(at)).toEqual([[2, 48, 48]]);
    const lambda = op.body.body.body.k === 'apply' ? op.body.body.body.args[0] : undefined;
    expect(lambda?.k === 'lambda' && lambda.paramLocs?.map(at)).toEqual([
      [2, 61, 61],
      [2, 64, 64],
    ]);
    const hidden = unit(m, 'Hidden');
    expect([at(hidden.loc), hidden.k === 'opdef' && at(hidden.declLoc)]).toEqual([
      [3, 7, 31],
      [3, 1, 31],
    ]);
    if (hidden.k !== 'opdef' || hidden.body.k !== 'choose') throw new Error();
    expect(hidden.body.bound.nameLocs?.map(at)).toEqual([[3, 24, 24]]);
  });

  it('-5 is a literal, -x is unary minus, and a - 5 is subtraction', () => {
    expect(expr('-5')).toEqual(num(-5));
    expect(expr('-x')).toEqual(app('negative', '-', id('x')));
    expect(expr('x - 5')).toEqual(app('minus', '-', id('x'), num(5)));
  });

  it('numbers in other bases, strings with escapes, booleans', () => {
    expect(expr('<<\\b101, \\o17, \\hff, "a\\"b\\n", FALSE>>')).toEqual({
      k: 'tuple',
      elems: [num(5), num(15), num(255), { k: 'str', value: 'a"b\n' }, { k: 'bool', value: false }],
    });
  });

  it('priming, UNCHANGED, ENABLED and [A]_v', () => {
    expect(expr("x' = x + 1 /\\ UNCHANGED <<y>>")).toEqual({
      k: 'and',
      items: [
        eq({ k: 'prime', expr: id('x') } as Expr, plus(id('x'), num(1))),
        { k: 'unchanged', expr: { k: 'tuple', elems: [id('y')] } },
      ],
    });
    expect(expr("ENABLED (x' = 1)")).toEqual({
      k: 'enabled',
      expr: eq({ k: 'prime', expr: id('x') } as Expr, num(1)),
    });
    expect(expr("[][x' = 1]_x")).toEqual({
      k: 'always',
      expr: {
        k: 'actionBox',
        action: eq({ k: 'prime', expr: id('x') } as Expr, num(1)),
        sub: id('x'),
        stutter: true,
      },
    });
  });
});

describe('syntax errors', () => {
  /** Parses `text` expecting a syntax error and returns it. */
  function fail(text: string): TlaSyntaxError {
    try {
      parseModule(text, FILE);
    } catch (e) {
      expect(e).toBeInstanceOf(TlaSyntaxError);
      return e as TlaSyntaxError;
    }
    throw new Error(`expected a syntax error in:\n${text}`);
  }

  const module = (...lines: string[]) =>
    ['---- MODULE T ----', 'VARIABLE x', ...lines, '===='].join('\n') + '\n';

  it.each([
    ['a doubled operator', 'Foo == 1 + + 2', 4, 12, "unexpected '+'"],
    ['a stray bracket', 'Foo == x ]', 4, 10, "unexpected ']'"],
    ['two expressions in a row', 'Foo == 1 Bar', 4, 10, "unexpected 'Bar'"],
    ['a doubled =', 'Foo == x = = 2', 4, 12, "unexpected '='"],
  ])('%s is reported at file:line:col naming the text', (_what, line, l, c, detail) => {
    const e = fail(module('Ok == 1', line, 'Bar == 2'));
    expect({ line: e.line, col: e.col, file: e.file }).toEqual({ line: l, col: c, file: FILE });
    expect(e.message).toBe(`${FILE}:${l}:${c}: syntax error: ${detail}`);
  });

  it('a missing token is named', () => {
    const e = fail(module('Foo == [a |-> ]'));
    // Right after |->, where the value should be.
    expect([e.line, e.col]).toEqual([3, 14]);
    expect(e.message).toMatch(/^T\.tla:3:14: syntax error: missing /);
  });

  it('an unclosed bracket points at the definition, not at the module header', () => {
    const e = fail(module('Ok == 1', 'Foo == (1 + 2', 'Bar == 2'));
    expect([e.line, e.col]).toEqual([4, 1]);
    expect(e.message).toContain("T.tla:4:1: syntax error: cannot parse the text from 'Foo' on");
    const e2 = fail(module('Ok == 1', 'Foo == {1, 2'));
    expect([e2.line, e2.col]).toEqual([4, 1]);
  });

  it('an expression cut short at the end of the module points at its definition', () => {
    const e = fail(module('Init == x = 0', "Next == x' = x +"));
    expect([e.line, e.col]).toEqual([4, 1]);
    expect(e.message).toContain("'Next'");
  });

  it('a module without its closing ==== line', () => {
    const e = fail('---- MODULE T ----\nVARIABLE x\nFoo == 1\n');
    expect(e.message).toBe("T.tla:4:1: syntax error: missing '====' at the end of the module");
  });

  it('a literal too large for TLC', () => {
    const e = fail(module('Big == 2147483648'));
    expect([e.line, e.col]).toEqual([3, 8]);
    expect(e.message).toContain('2147483648 is too large');
  });
});
