import { afterAll, describe, expect, it } from 'vitest';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import type { Value } from '../../../../conformance/tla/values/value.ts';
import { buildSpec, cleanupSpecs, runSpec, type TestModel } from '../support.ts';

afterAll(cleanupSpecs);

const show = (v: Value) => printValue(v);
const showStates = (states: Value[][]) => states.map((s) => s.map(show).join(' '));

/**
 * A module with one variable x (Init x = 0, Next stutters) and a definition `E_i == expr_i`
 * for each expression; `values()` evaluates them all, printed.
 */
function constants(exprs: Record<string, string>, defs = '', extra: Record<string, string> = {}) {
  const names = Object.keys(exprs);
  const body = [
    'EXTENDS Integers, Sequences, FiniteSets, TLC',
    'VARIABLE x',
    'Init == x = 0',
    "Next == x' = x",
    defs,
    ...names.map((n) => `${n} == ${exprs[n]}`),
  ].join('\n');
  const m = buildSpec(body, undefined, extra);
  return Object.fromEntries(names.map((n) => [n, show(m.eval(n, [0]))]));
}

describe('expressions', () => {
  it('keeps operator symbols apart from identifiers of the same internal name', () => {
    // `+` is the symbol $plus: a definition named plus (or a bound variable) must not capture it.
    expect(
      constants({ A: '1 + 2', B: 'plus', C: '\\E eq \\in {3} : eq = 3' }, 'plus == 5'),
    ).toEqual({
      A: '3',
      B: '5',
      C: 'TRUE',
    });
  });

  it('integer arithmetic, with \\div and % rounding towards negative infinity', () => {
    expect(
      constants({
        add: '2 + 3 * 4',
        sub: '3 - 10',
        negDiv: '(-7) \\div 2',
        negMod: '(-7) % 2',
        prefixDiv: '-7 \\div 2',
        divNeg: '7 \\div -2',
        modulo: '7 % 3',
        power: '2 ^ 10',
        powNeg: '-2 ^ 2',
        cmp: '<<1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 # 2, 1 /= 1>>',
        range: '-1..2',
        empty: '3..1',
      }),
    ).toEqual({
      add: '14',
      sub: '-7',
      negDiv: '-4',
      negMod: '1',
      prefixDiv: '-3',
      divNeg: '-4',
      modulo: '1',
      power: '1024',
      powNeg: '-4',
      cmp: '<<TRUE, TRUE, FALSE, FALSE, TRUE, FALSE>>',
      range: '-1..2',
      empty: '{}',
    });
  });

  it('sets: algebra, SUBSET, UNION, map, filter, Cardinality', () => {
    expect(
      constants({
        union2: '{3, 1} \\cup {2, 3}',
        inter: '{1, 2, 3} \\cap {2, 3, 4}',
        diff: '{1, 2, 3} \\ {2}',
        sub: 'SUBSET {1, 2}',
        bigUnion: 'UNION {{1}, {2, 3}, {}}',
        map: '{i * i : i \\in -2..2}',
        filter: '{i \\in 1..10 : i % 3 = 0}',
        pairs: '{<<a, b>> \\in {1, 2} \\X {1, 2} : a < b}',
        card: 'Cardinality({i % 3 : i \\in 1..100})',
        tests: '<<2 \\in 1..3, 4 \\notin 1..3, {1} \\subseteq {1, 2}, {1, 2} \\subseteq {1}>>',
        infinite:
          '<<5 \\in Nat, -5 \\in Nat, -5 \\in Int, "s" \\in STRING, <<1, 1>> \\in Seq(Nat)>>',
      }),
    ).toEqual({
      union2: '{1, 2, 3}',
      inter: '{2, 3}',
      diff: '{1, 3}',
      sub: '{{}, {1}, {2}, {1, 2}}',
      bigUnion: '{1, 2, 3}',
      map: '{0, 1, 4}',
      filter: '{3, 6, 9}',
      pairs: '{<<1, 2>>}',
      card: '3',
      tests: '<<TRUE, TRUE, TRUE, FALSE>>',
      infinite: '<<TRUE, FALSE, TRUE, TRUE, TRUE>>',
    });
  });

  it('functions: construction, application, DOMAIN, function sets', () => {
    expect(
      constants(
        {
          sq: 'Sq',
          app: 'Sq[3]',
          dom: 'DOMAIN Sq',
          zero: '[i \\in 0..1 |-> i = 0]',
          two: '[a, b \\in 1..2 |-> a * 10 + b][2, 1]',
          strs: '[s \\in {"a", "b"} |-> 0]',
          fset: '[{1, 2} -> {TRUE}]',
          merge: '(1 :> "x") @@ (1 :> "y" @@ 2 :> "z")',
        },
        'Sq == [i \\in 1..3 |-> i * i]',
      ),
    ).toEqual({
      sq: '<<1, 4, 9>>',
      app: '9',
      dom: '1..3',
      zero: '(0 :> TRUE @@ 1 :> FALSE)',
      two: '21',
      strs: '[a |-> 0, b |-> 0]',
      fset: '{<<TRUE, TRUE>>}',
      merge: '<<"x", "z">>',
    });
  });

  it('EXCEPT with @, several updates, nested index and field paths', () => {
    expect(
      constants(
        {
          at: '[F EXCEPT ![2] = @ + 10]',
          two: '[F EXCEPT ![1] = 0, ![3] = @ * 2]',
          again: '[F EXCEPT ![1] = 5, ![1] = @ + 1]',
          nested: '[R EXCEPT !.a[2] = @ - 100, !.b = @ \\cup {9}]',
          deep: '[G EXCEPT ![1][2] = "x"]',
          outside: '[F EXCEPT ![7] = 0]',
          rec: '[R EXCEPT !.b = {}].b',
        },
        'F == <<1, 2, 3>>\nR == [a |-> <<1, 2>>, b |-> {1}]\nG == <<<<"p", "q">>>>',
      ),
    ).toEqual({
      at: '<<1, 12, 3>>',
      two: '<<0, 2, 6>>',
      again: '<<6, 2, 3>>',
      nested: '[a |-> <<1, -98>>, b |-> {1, 9}]',
      deep: '<<<<"p", "x">>>>',
      outside: '<<1, 2, 3>>',
      rec: '{}',
    });
  });

  // TLC orders fields by interning: `b` is read first here (TLC prints these values so).
  it('records and tuples', () => {
    expect(
      constants({
        rec: '[b |-> 2, a |-> 1]',
        field: '[a |-> 1, b |-> <<"q">>].b[1]',
        recEq: '[a |-> 1, b |-> 2] = [b |-> 2, a |-> 1]',
        tupleFcn: '<<1, 2>> = [i \\in 1..2 |-> i]',
        rset: '[a : {1, 2}, b : {"x"}]',
        seq: '<<Append(<<1>>, 2), Tail(<<1, 2, 3>>), <<1>> \\o <<2>>, Len(<<>>)>>',
      }),
    ).toEqual({
      rec: '[b |-> 2, a |-> 1]',
      field: '"q"',
      recEq: 'TRUE',
      tupleFcn: 'TRUE',
      rset: '{[b |-> "x", a |-> 1], [b |-> "x", a |-> 2]}',
      seq: '<<<<1, 2>>, <<2, 3>>, <<1, 2>>, 0>>',
    });
  });

  it('CHOOSE takes the least element satisfying the predicate, in TLC order', () => {
    expect(
      constants({
        int: 'CHOOSE i \\in {5, 3, 9} : TRUE',
        pred: 'CHOOSE i \\in 1..10 : i * i > 20',
        set: 'CHOOSE s \\in SUBSET {1, 2, 3} : Cardinality(s) = 2',
        tuple: 'CHOOSE t \\in {<<2, 1>>, <<1, 9>>, <<1, 2, 3>>} : TRUE',
        bool: 'CHOOSE b \\in BOOLEAN : TRUE',
        pattern: 'CHOOSE <<a, b>> \\in {<<2, 1>>, <<1, 2>>} : a < b',
      }),
    ).toEqual({
      int: '3',
      pred: '5',
      set: '{1, 2}',
      tuple: '<<1, 9>>',
      bool: 'FALSE',
      pattern: '<<1, 2>>',
    });
  });

  it('quantifiers, IF and CASE', () => {
    expect(
      constants({
        all: '\\A i \\in 1..3 : i > 0',
        some: '\\E i \\in 1..3 : i > 2',
        none: '\\E i \\in {} : TRUE',
        allPairs: '\\A a, b \\in 1..2 : a + b < 4',
        ifte: 'IF 1 > 2 THEN "a" ELSE "b"',
        cas: 'CASE 1 > 2 -> "a" [] 2 > 1 -> "b" [] OTHER -> "c"',
        other: 'CASE 1 > 2 -> "a" [] OTHER -> "c"',
      }),
    ).toEqual({
      all: 'TRUE',
      some: 'TRUE',
      none: 'FALSE',
      allPairs: 'FALSE',
      ifte: '"b"',
      cas: '"b"',
      other: '"c"',
    });
  });

  it('LET with RECURSIVE operators and local (recursive) function definitions', () => {
    expect(
      constants(
        {
          rec: 'LET RECURSIVE Sum(_)\n      Sum(n) == IF n = 0 THEN 0 ELSE n + Sum(n - 1)\n  IN Sum(10)',
          fcn: 'LET f[i \\in 0..5] == IF i = 0 THEN 1 ELSE 2 * f[i - 1] IN f[5]',
          local: 'LET a == 3\n      b == a * a\n  IN <<a, b>>',
          op: 'LET Sq(v) == v * v IN Sq(Sq(2))',
          top: 'Fact(5)',
          topFcn: 'fib[10]',
        },
        [
          'RECURSIVE Fact(_)',
          'Fact(n) == IF n = 0 THEN 1 ELSE n * Fact(n - 1)',
          'fib[n \\in Nat] == IF n < 2 THEN n ELSE fib[n - 1] + fib[n - 2]',
        ].join('\n'),
      ),
    ).toEqual({ rec: '55', fcn: '32', local: '<<3, 9>>', op: '16', top: '120', topFcn: '55' });
  });

  it('LAMBDA, operator parameters and infix definitions', () => {
    expect(
      constants(
        {
          lambda: 'Twice(LAMBDA z : z * 3, 2)',
          named: 'Twice(Inc, 1)',
          symbol: 'Fold(+, 20, 22)',
          lambda2: 'Fold(LAMBDA a, b : a - b, 1, 10)',
          infix: '3 ++ 4',
          sortSeq: 'SortSeq(<<3, 1, 2>>, >)',
          select: 'SelectSeq(<<1, 2, 3, 4>>, LAMBDA e : e % 2 = 0)',
        },
        [
          'Twice(Op(_), v) == Op(Op(v))',
          'Inc(v) == v + 1',
          'Fold(Op(_, _), a, b) == Op(a, b)',
          'a ++ b == a * 10 + b',
        ].join('\n'),
      ),
    ).toEqual({
      lambda: '18',
      named: '3',
      symbol: '42',
      lambda2: '-9',
      infix: '34',
      sortSeq: '<<3, 2, 1>>',
      select: '<<2, 4>>',
    });
  });

  it('INSTANCE WITH, named and parameterised instances', () => {
    const counter = {
      'Counter.tla': [
        'EXTENDS Naturals',
        'CONSTANT Step',
        'VARIABLE c',
        'Scaled == c * 10 + Step',
        "Incr == c' = c + Step",
        'Double(v) == v + v',
      ].join('\n'),
    };
    const m = buildSpec(
      [
        'EXTENDS Naturals',
        'VARIABLE x',
        'C == INSTANCE Counter WITH Step <- 2, c <- x',
        'P(s) == INSTANCE Counter WITH Step <- s, c <- x + 1',
        'Init == x = 0',
        'Next == C!Incr',
        'V1 == C!Scaled',
        'V2 == P(7)!Scaled',
        'V3 == C!Double(21)',
        'V4 == P(3)!Step',
      ].join('\n'),
      undefined,
      counter,
    );
    expect([1, 2, 3, 4].map((i) => show(m.eval(`V${i}`, [4])))).toEqual(['42', '57', '42', '3']);
    expect(showStates(m.successors([4]))).toEqual(['6']);
  });

  it('unnamed INSTANCE brings the definitions in; EXTENDS merges a user module', () => {
    const m = buildSpec(
      [
        'EXTENDS Base',
        'VARIABLE x',
        'INSTANCE Counter WITH Step <- 5, c <- x',
        'Init == x = 0',
        "Next == x' = x",
        'V == <<Scaled, FromBase>>',
      ].join('\n'),
      undefined,
      {
        'Counter.tla': 'EXTENDS Naturals\nCONSTANT Step\nVARIABLE c\nScaled == c * 10 + Step',
        'Base.tla': 'EXTENDS Naturals\nFromBase == 40 + 2\nLOCAL Hidden == 1',
      },
    );
    expect(show(m.eval('V', [1]))).toBe('<<15, 42>>');
  });

  it('ENABLED tells whether an action has a successor', () => {
    const m = buildSpec(
      [
        'EXTENDS Naturals',
        'VARIABLES x, y',
        'Init == x = 0 /\\ y = 0',
        "Inc == x < 2 /\\ x' = x + 1 /\\ y' = y",
        "Pick == \\E v \\in {1, 2} : v > x /\\ x' = v /\\ UNCHANGED y",
        'Next == Inc \\/ Pick',
        'EInc == ENABLED Inc',
        'EPick == ENABLED Pick',
      ].join('\n'),
    );
    expect([0, 1, 2].map((x) => [m.eval('EInc', [x, 0]), m.eval('EPick', [x, 0])])).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it('primed expressions in an action constraint see the next state', () => {
    const r = runSpec(
      [
        'EXTENDS Integers',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x' \\in {x - 1, x + 1}",
        "Up == x' > x /\\ x' <= 3",
      ].join('\n'),
      'INIT Init\nNEXT Next\nACTION_CONSTRAINT Up\n',
    );
    // 0 -> 1 -> 2 -> 3; every state has two successors, so 1 + 4 * 2 generated.
    expect(r).toMatchObject({ kind: 'ok', distinct: 4, generated: 9, depth: 4 });
  });
});

describe('successor enumeration', () => {
  /** A module with variables x and y, Init x = 0 /\ y = 0, and the given Next. */
  function next(nextBody: string, defs = ''): TestModel {
    return buildSpec(
      [
        'EXTENDS Integers',
        'VARIABLES x, y',
        'vars == <<x, y>>',
        'Init == x = 0 /\\ y = 0',
        defs,
        `Next == ${nextBody}`,
      ].join('\n'),
    );
  }

  it("x' \\in S branches over S in canonical order", () => {
    const m = next("x' \\in {3, 1, 2, 1} /\\ y' = y");
    expect(showStates(m.successors([0, 0]))).toEqual(['1 0', '2 0', '3 0']);
  });

  it("x' \\in S with x' already assigned is a membership test", () => {
    const m = next("x' = 2 /\\ x' \\in {1, 2} /\\ y' \\in {x'} /\\ x' \\in {5}");
    expect(m.successors([0, 0])).toEqual([]);
    const m2 = next("x' = 2 /\\ x' \\in {1, 2} /\\ y' \\in {x'}");
    expect(showStates(m2.successors([0, 0]))).toEqual(['2 2']);
  });

  it('a disjunction of two true guards yields two (duplicate) successors', () => {
    const m = next("x' = x + 1 /\\ (x = 0 \\/ x < 5) /\\ y' = y");
    expect(showStates(m.successors([0, 0]))).toEqual(['1 0', '1 0']);
    expect(showStates(m.successors([3, 0]))).toEqual(['4 0']);
  });

  it('an \\E in a guard yields one successor per witness (TLC counts each)', () => {
    const m = next("(\\E k \\in 1..3 : k > x) /\\ x' = x + 1 /\\ y' = y");
    expect(showStates(m.successors([0, 0]))).toEqual(['1 0', '1 0', '1 0']);
    expect(showStates(m.successors([2, 0]))).toEqual(['3 0']);
    // The same as counted by the checker: 1 initial state + 3 + 2 + 1 successors of x = 0, 1, 2.
    const r = next("(\\E k \\in 1..3 : k > x) /\\ x' = x + 1 /\\ y' = y").explore();
    expect(r).toMatchObject({ kind: 'deadlock', distinct: 4, generated: 7 });
  });

  it('a top-level \\E over a constant set is split into one action per value', () => {
    const m = next("\\E k \\in 1..2 : x' = k /\\ y' = k * 10");
    expect(m.model.actions.map((a) => a.params.map(([n, v]) => `${n}=${show(v)}`).join())).toEqual([
      'k=1',
      'k=2',
    ]);
    expect(showStates(m.successors([0, 0]))).toEqual(['1 10', '2 20']);
  });

  it('IF, CASE and LET inside actions', () => {
    const ite = next("IF x < 2 THEN x' = x + 1 /\\ y' = y ELSE x' = 0 /\\ y' = y + 1");
    expect(showStates(ite.successors([1, 0]))).toEqual(['2 0']);
    expect(showStates(ite.successors([2, 0]))).toEqual(['0 1']);
    const cs = next(
      "CASE x = 0 -> x' \\in {1, 2} /\\ y' = y\n        [] OTHER -> x' = 0 /\\ y' = x",
    );
    expect(showStates(cs.successors([0, 5]))).toEqual(['1 5', '2 5']);
    expect(showStates(cs.successors([2, 5]))).toEqual(['0 2']);
    const lt = next("LET n == x + 10\n           Sq(v) == v * v\n       IN x' = n /\\ y' = Sq(n)");
    expect(showStates(lt.successors([1, 0]))).toEqual(['11 121']);
  });

  it('UNCHANGED with a tuple and with a definition naming a tuple of variables', () => {
    const tuple = next("x' = 9 /\\ UNCHANGED <<y>>");
    expect(showStates(tuple.successors([1, 2]))).toEqual(['9 2']);
    const viaDef = next('UNCHANGED vars');
    expect(showStates(viaDef.successors([1, 2]))).toEqual(['1 2']);
    const nested = next("UNCHANGED <<x, others>> /\\ x' = x", 'others == <<y>>');
    expect(showStates(nested.successors([1, 2]))).toEqual(['1 2']);
    // UNCHANGED after an assignment is a test: x' = 5 then UNCHANGED x fails unless x = 5.
    const test = next("x' = 5 /\\ UNCHANGED vars");
    expect(test.successors([1, 2])).toEqual([]);
    expect(showStates(test.successors([5, 2]))).toEqual(['5 2']);
  });

  it('actions called through operators with arguments, and action parameters', () => {
    const m = next(
      "Set(3) \\/ Both(x' = 7, y' = 8)",
      "Set(v) == x' = v /\\ y' = v\nBoth(A, B) == A /\\ B",
    );
    expect(showStates(m.successors([0, 0]))).toEqual(['3 3', '7 8']);
  });

  it('initial states: several branches and duplicates are kept', () => {
    const m = buildSpec(
      'VARIABLES x, y\nInit == \\/ x = 0 /\\ y = 0\n        \\/ x \\in {0, 1} /\\ y = 0\nNext == UNCHANGED <<x, y>>',
    );
    expect(showStates(m.initStates())).toEqual(['0 0', '0 0', '1 0']);
  });

  it('a successor that leaves a variable unassigned is an eval-error naming the variable', () => {
    const r = runSpec(
      "EXTENDS Naturals\nVARIABLES x, y\nInit == x = 0 /\\ y = 0\nNext == x < 2 /\\ x' = x + 1",
    );
    expect(r.kind).toBe('eval-error');
    expect(r.errorKind).toBe('unspecified');
    expect(r.message).toContain('variable y is not assigned');
    expect(r.message).toContain('Next');
    expect(r.trace?.length).toBe(1);
  });

  it('an initial predicate leaving a variable unassigned is an eval-error naming the variable', () => {
    const r = runSpec('VARIABLES x, y\nInit == x = 0\nNext == UNCHANGED <<x, y>>');
    expect(r.kind).toBe('eval-error');
    expect(r.message).toContain('variable y');
    expect(r.message).toContain('initial predicate');
  });
});

describe('TLC module statistics', () => {
  it('TLCGet("level") is the level of the state being expanded; TLCSet/TLCGet keep registers', () => {
    const r = runSpec(
      [
        'EXTENDS Naturals, TLC',
        'VARIABLE x',
        'ASSUME TLCSet(1, 7)',
        'Init == x = 0',
        'Next == x < 3 /\\ x\' = TLCGet("level") /\\ TLCGet(1) = 7',
      ].join('\n'),
      'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n',
    );
    expect(r.kind).toBe('ok');
    expect(r.distinct).toBe(4); // x = 0, 1, 2, 3: each step sets x to the level it came from
    expect(r.depth).toBe(4);
  });

  it('TLCGet of a register nobody set is an evaluation error naming it', () => {
    const r = runSpec(
      'EXTENDS TLC\nVARIABLE x\nInit == x = TLCGet(42)\nNext == UNCHANGED x',
      'INIT Init\nNEXT Next\n',
    );
    expect(r.kind).toBe('eval-error');
    expect(r.message).toContain('TLCGet(42)');
  });
});
