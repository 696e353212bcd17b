/**
 * The CommunityModules implemented natively (conformance/tla/modules/stdlib/): every operator
 * gives the value its TLA+ definition gives (the definitions are copies in
 * fixtures/community-modules/, put beside the spec, where a module file is used as written),
 * except where TLC's Java overrides answer otherwise, which is pinned to what TLC prints; with
 * TLA2TOOLS_JAR set, the values are also compared with real TLC's. Also: the precedence of a
 * library copy (its TLA+ definitions, with the natives in place of the operators they
 * implement), and the tables of what SANY reads in those modules.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { firstOccurrences, unitOfModule } from '../../../../conformance/tla/modules/interning.ts';
import {
  COMMUNITY_DEFINITION_PLACES,
  COMMUNITY_MODULE_NAMES,
} from '../../../../conformance/tla/modules/stdlib/community-sources.ts';
import { COMMUNITY_MODULES } from '../../../../conformance/tla/modules/stdlib/index.ts';
import { parseModule } from '../../../../conformance/tla/syntax/parse.ts';
import { classPath, locateTlc } from '../../../../conformance/tlc/runner.ts';
import { cleanupSpecs, writeSpec } from '../support.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/community-modules/', import.meta.url));
const MODULES = [...COMMUNITY_MODULES.keys()];
const EXTENDS =
  'EXTENDS Naturals, Integers, Sequences, FiniteSets, TLC, Functions, SequencesExt, FiniteSetsExt, Folds, Bitwise, UndirectedGraphs';

afterAll(cleanupSpecs);
const saved = process.env.TLA_LIBRARY;
afterEach(() => {
  if (saved === undefined) delete process.env.TLA_LIBRARY;
  else process.env.TLA_LIBRARY = saved;
});

const HELPERS = [
  'pair(x, y) == <<x, y>>',
  'G == [node |-> {1, 2, 3, 4}, edge |-> {{1, 2}, {2, 3}}]',
  'L == [node |-> {1, 2}, edge |-> {{1}, {1, 2}}]',
  'f3 == ("a" :> 0 @@ "b" :> 1 @@ "c" :> 2)',
];

/**
 * Expressions on which the natives and the TLA+ definitions must agree, one or more per
 * operator. Folds use commutative operators: TLC's Java folds nest the other way round from
 * the definitions (pinned below).
 */
const AGREED: Record<string, string[]> = {
  Folds: [
    'MapThenFoldSet(pair, 0, LAMBDA x: x * 10, LAMBDA s: CHOOSE x \\in s: TRUE, {1, 2, 3})',
    'MapThenFoldSet(pair, 0, LAMBDA x: x, LAMBDA s: CHOOSE x \\in s: \\A y \\in s: x >= y, {1, 2, 3})',
  ],
  Functions: [
    'Restrict(f3, {"a", "c"})',
    'RestrictDomain(f3, LAMBDA x : x \\in {"a", "c"})',
    'RestrictValues(<<0, 1, 2>>, LAMBDA y : y \\in {0, 2})',
    '<<IsRestriction([one |-> 1], [one |-> 1, two |-> 2]), IsRestriction([one |-> 1, two |-> 2], [two |-> 2])>>',
    'Range(<<3, 1, 3>>)',
    'Pointwise(f3, ("a" :> 1 @@ "b" :> 1 @@ "c" :> 3), +)',
    'Inverse(<<"a", "b", "a">>, {1, 2, 3}, {"a", "b", "z"})',
    'AntiFunction(f3)',
    '<<IsInjective(<<1, 2, 1>>), IsInjective(<<1, 2>>), IsInjective(<<>>)>>',
    'Injection(1..2, 1..3)',
    'Surjection(1..3, 1..2)',
    'Bijection(1..3, {"x", "y", "z"})',
    '<<ExistsInjection(1..3, 1..2), ExistsSurjection(1..3, 1..2), ExistsBijection(1..2, 1..2)>>',
    'FoldFunction(LAMBDA x, y: {x} \\cup y, {}, <<1, 2, 1>>)',
    'FoldFunctionOnSet(+, 0, <<5, 6, 7>>, {1, 3})',
  ],
  FiniteSetsExt: [
    'FoldSet(LAMBDA x, y : x + y, 0, 0..10)',
    '<<SumSet(0..10), SumSet({}), ProductSet(1..5), ProductSet({})>>',
    'ReduceSet(LAMBDA x, y: x \\cup y, {{1}, {2, 3}}, {})',
    'MapThenSumSet(LAMBDA e : e.n, {[n |-> 0], [n |-> 1], [n |-> 2]})',
    'FlattenSet({{1, 2}, {2, 3}, {}})',
    'SymDiff({1, 2, 3}, {3, 4})',
    'Quantify(1..9, LAMBDA n : n % 2 = 0)',
    'kSubset(2, 1..4)',
    '<<kSubset(0, {1}), kSubset(5, {1})>>',
    '<<Max({1, 5, 3}), Min({1, 5, 3}), Max({-2})>>',
    'Choices({{1, 2}, {2, 3}, {5}})',
    'ChooseUnique({2, 3, 4, 5}, LAMBDA x : x % 3 = 1)',
  ],
  SequencesExt: [
    'ToSet(<<3, 1, 3>>)',
    '<<SetToSeq({3, 1, 2}), SetToSeq({})>>',
    'SetToSeqs({3, 1, 2})',
    'SetToSortSeq({3, 1, 2}, >)',
    'SetToAllKPermutations({1, 2})',
    'TupleOf({0, 1}, 2)',
    '<<SeqOf({0, 1}, 2), BoundedSeq({7}, 2)>>',
    '<<<<1, 1>> \\in SeqOf({1}, 2), <<1, 1, 1>> \\in BoundedSeq({1}, 2)>>',
    '<<Contains(<<1, 2>>, 2), Contains(<<1, 2>>, 3)>>',
    '<<Reverse(<<1, 2, 3>>), Reverse(<<>>)>>',
    'Remove(<<1, 2, 1>>, 1)',
    'ReplaceAll(<<1, 2, 1>>, 1, 9)',
    '<<SelectInSeq(<<1, 2, 1>>, LAMBDA x: x = 1), SelectLastInSeq(<<1, 2, 1>>, LAMBDA x: x = 1), SelectInSeq(<<>>, LAMBDA x: x = 1)>>',
    '<<SelectInSubSeq(<<1, 2, 1, 2>>, 1, 3, LAMBDA x: x = 2), SelectLastInSubSeq(<<1, 2, 1, 2>>, 1, 3, LAMBDA x: x = 2)>>',
    '<<InsertAt(<<1, 2>>, 1, 9), InsertAt(<<1, 2>>, 3, 9), ReplaceAt(<<1, 2>>, 2, 9), RemoveAt(<<1, 2, 3>>, 2)>>',
    '<<RemoveFirst(<<1, 2, 1>>, 1), RemoveFirst(<<1, 2>>, 3), RemoveFirstMatch(<<1, 2, 1>>, LAMBDA x: x > 1)>>',
    '<<Cons(0, <<1>>), Snoc(2, <<1>>), Front(<<1, 2, 3>>), Front(<<>>), Last(<<1, 2, 3>>)>>',
    '<<IsPrefix(<<1>>, <<1, 2>>), IsPrefix(<<2>>, <<1, 2>>), IsStrictPrefix(<<1, 2>>, <<1, 2>>), IsStrictPrefix(<<>>, <<1>>)>>',
    '<<IsSuffix(<<2>>, <<1, 2>>), IsSuffix(<<1>>, <<1, 2>>), IsStrictSuffix(<<1, 2>>, <<1, 2>>), IsStrictSuffix(<<2>>, <<1, 2>>)>>',
    '<<Prefixes(<<1, 2>>), Suffixes(<<1, 2, 1>>)>>',
    '<<CommonPrefixes({<<1, 2, 3>>, <<1, 2>>, <<1, 2, 4>>}), LongestCommonPrefix({<<1, 2, 3>>, <<1, 2>>, <<1, 2, 4>>})>>',
    '<<SeqMod(3, 3), SeqMod(4, 3), SeqMod(-1, 3)>>',
    'FoldSeq(+, 0, <<1, 2, 3>>)',
    '<<FoldLeft(pair, 0, <<"a", "b", "c">>), FoldRight(pair, <<"a", "b", "c">>, 0)>>',
    '<<FoldLeftDomain(pair, 0, <<"a", "b">>), FoldRightDomain(pair, <<"a", "b">>, 0)>>',
    '<<FlattenSeq(<<<<1, 2>>, <<1>>>>), FlattenSeq(<<>>), FlattenSeq(<<"a", "b">>)>>',
    '<<Zip(<<1, 3>>, <<2, 4>>), Zip(<<"a", "b", "c">>, <<1>>)>>',
    '<<Interleave(<<1, 3>>, <<2, 4>>), Interleave(<<>>, <<>>)>>',
    'SubSeqs(<<1, 2, 1>>)',
    'AllSubSeqs(<<1, 2, 1>>)',
    '<<IndexFirstSubSeq(<<1>>, <<1, 1, 1>>), IndexFirstSubSeq(<<2, 1>>, <<1, 2, 1, 2, 1>>), IndexFirstSubSeq(<<>>, <<1>>)>>',
    'ReplaceSubSeqAt(2, <<9, 9>>, <<2>>, <<1, 2, 3>>)',
    '<<ReplaceFirstSubSeq(<<9>>, <<1, 2>>, <<0, 1, 2, 1, 2>>), ReplaceFirstSubSeq(<<9>>, <<5>>, <<1>>)>>',
    '<<ReplaceAllSubSeqs(<<>>, <<>>, <<>>), ReplaceAllSubSeqs(<<4>>, <<>>, <<>>), ReplaceAllSubSeqs(<<2>>, <<3>>, <<1, 3>>), ReplaceAllSubSeqs(<<2, 2>>, <<1, 1>>, <<1, 1, 1>>), ReplaceAllSubSeqs(<<7>>, <<>>, <<1, 2>>)>>',
  ],
  Bitwise: [
    '<<12 & 10, 12 | 10, 12 ^^ 10, 0 & 5, 5 | 0, 7 ^^ 7>>',
    '<<Not(5), Not(0), Not(8), shiftR(13, 2), shiftR(13, 0)>>',
  ],
  UndirectedGraphs: [
    '<<IsUndirectedGraph(G), IsUndirectedGraph(L), IsUndirectedGraph([node |-> {1}, edge |-> {{1, 2}}])>>',
    '<<IsLoopFreeUndirectedGraph(G), IsLoopFreeUndirectedGraph(L)>>',
    'UndirectedSubgraph([node |-> {1, 2}, edge |-> {{1, 2}}])',
    '<<<<1, 2, 3>> \\in Path(G), <<1, 3>> \\in Path(G), <<2>> \\in Path(G)>>',
    'SimplePath(G)',
    'ConnectedComponents(G)',
    '<<AreConnectedIn(1, 3, G), AreConnectedIn(1, 4, G)>>',
    '<<IsStronglyConnected(G), IsStronglyConnected([node |-> {1, 2}, edge |-> {{1, 2}}])>>',
  ],
};

/**
 * Where TLC's Java overrides answer otherwise than the TLA+ definitions, what TLC printed
 * (TLC2 2026.04.29, CommunityModules of December 2024).
 */
const JAVA: Array<[string, string]> = [
  ['FoldSet(pair, 0, {1, 2, 3})', '<<3, <<2, <<1, 0>>>>>>'],
  ['ReduceSet(pair, {1, 2, 3}, 0)', '<<3, <<2, <<1, 0>>>>>>'],
  ['FoldFunction(pair, 0, <<"a", "b", "c">>)', '<<"c", <<"b", <<"a", 0>>>>>>'],
  ['FoldFunctionOnSet(pair, 0, <<"a", "b", "c">>, {1, 3})', '<<"c", <<"a", 0>>>>'],
  ['FoldSeq(pair, 0, <<"a", "b", "c">>)', '<<"c", <<"b", <<"a", 0>>>>>>'],
  ['SelectInSubSeq(<<1, 2, 1, 2>>, 2, 4, LAMBDA x: x = 1)', '3'],
  ['SelectInSubSeq(<<1, 2, 1, 2>>, 2, 4, LAMBDA x: x = 5)', '0'],
  ['<<-5 | 2, Not(-1), shiftR(-8, 1)>>', '<<-5, 0, 2147483644>>'],
  ['LongestCommonPrefix({"abc", "abd"})', '"ab"'],
  ['ReplaceFirstSubSeq("x", "ab", "cabab")', '"cxab"'],
  ['AntiFunction([x \\in {"p", "q"} |-> IF x = "p" THEN 2 ELSE 1])', '<<"q", "p">>'],
];

/** What PrintT printed for each expression, evaluated in a spec in `dir`. */
function printed(dir: string, exprs: readonly string[]): string[] {
  const lines: string[] = [];
  const body = [EXTENDS, ...HELPERS, ...exprs.map((e) => `ASSUME PrintT(${e})`)].join('\n');
  writeFileSync(join(dir, 'M.tla'), `---- MODULE M ----\n${body}\n====\n`);
  writeFileSync(join(dir, 'M.cfg'), '');
  process.env.TLA_LIBRARY = '';
  const result = checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), {
    print: (l) => lines.push(l),
  });
  expect(result, lines.join('\n')).toMatchObject({ kind: 'ok' });
  return lines;
}

/** A spec folder holding the TLA+ definitions of the modules (used as written there). */
function withDefinitions(): string {
  const dir = writeSpec({});
  for (const m of MODULES) copyFileSync(join(FIXTURES, `${m}.tla`), join(dir, `${m}.tla`));
  return dir;
}

const agreed = Object.values(AGREED).flat();

describe('the native CommunityModules', () => {
  it('cover every operator each module defines', () => {
    for (const [name, mod] of COMMUNITY_MODULES) {
      const used = (AGREED[name] ?? []).join('\n');
      for (const op of mod.ops) expect(used, `${name}: ${op.name}`).toContain(op.text ?? op.name);
      // And implement exactly what the module exports (its non-LOCAL definitions).
      expect(mod.ops.map((o) => o.name).sort()).toEqual(
        Object.keys(COMMUNITY_DEFINITION_PLACES[name]).sort(),
      );
    }
  });

  it('give the values of the TLA+ definitions', () => {
    const native = printed(writeSpec({}), agreed);
    const defined = printed(withDefinitions(), agreed);
    agreed.forEach((e, i) => expect(native[i], e).toBe(defined[i]));
  });

  it("give TLC's values where its Java overrides differ from the definitions", () => {
    const native = printed(
      writeSpec({}),
      JAVA.map(([e]) => e),
    );
    JAVA.forEach(([e, want], i) => expect(native[i], e).toBe(want));
  });

  it('agree with the definitions on generated sets and sequences (fast-check, seed 20260501)', () => {
    const small = fc.integer({ min: 0, max: 6 });
    const show = (xs: number[]): string => xs.join(', ');
    const exprsFor = (s: number[], q: number[], k: number): string[] => [
      `SumSet({${show(s)}})`,
      `<<Max({${show([...s, k])}}), Min({${show([...s, k])}})>>`,
      `kSubset(${k % 4}, {${show(s)}})`,
      `Quantify({${show(s)}}, LAMBDA n : n > ${k})`,
      `SymDiff({${show(s)}}, {${show(q)}})`,
      `MapThenFoldSet(pair, ${k}, LAMBDA x: x + 1, LAMBDA z: CHOOSE x \\in z: TRUE, {${show(s)}})`,
      `Range(<<${show(q)}>>)`,
      `IsInjective(<<${show(q)}>>)`,
      `<<Reverse(<<${show(q)}>>), Remove(<<${show(q)}>>, ${k}), RemoveFirst(<<${show(q)}>>, ${k})>>`,
      `<<SelectInSeq(<<${show(q)}>>, LAMBDA x: x = ${k}), SelectLastInSeq(<<${show(q)}>>, LAMBDA x: x = ${k})>>`,
      `<<IsPrefix(<<${show(q.slice(0, k % 3))}>>, <<${show(q)}>>), IsSuffix(<<${show(q.slice(-1))}>>, <<${show(q)}>>)>>`,
      `<<Prefixes(<<${show(q)}>>), Suffixes(<<${show(q)}>>), SubSeqs(<<${show(q)}>>)>>`,
      `<<FoldLeft(pair, 0, <<${show(q)}>>), FoldRight(pair, <<${show(q)}>>, 0)>>`,
      `<<${k % 8} & ${s.length}, ${k} | ${q.length}, ${k} ^^ ${s.length + q.length}, Not(${k}), shiftR(${k * 5}, ${q.length % 3})>>`,
      `ConnectedComponents([node |-> {${show([...s, k])}}, edge |-> {${q
        .slice(0, 3)
        .map((x) => `{${x % 3}, ${k}}`)
        .join(', ')}}])`,
    ];
    const plain = writeSpec({});
    const defs = withDefinitions();
    fc.assert(
      fc.property(
        fc.array(small, { maxLength: 4 }),
        fc.array(small, { maxLength: 4 }),
        small,
        (s, q, k) => {
          // ConnectedComponents needs the edges' ends among the nodes.
          const exprs = exprsFor(s.concat(q.slice(0, 3).map((x) => x % 3)), q, k);
          expect(printed(plain, exprs)).toEqual(printed(defs, exprs));
        },
      ),
      { seed: 20260501, numRuns: 25 },
    );
  });

  it('use a library copy, with the natives in place of the operators they implement', () => {
    const dir = writeSpec({});
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    for (const m of MODULES) copyFileSync(join(FIXTURES, `${m}.tla`), join(lib, `${m}.tla`));
    // A newer Functions with an operator the natives do not have.
    const functions = readFileSync(join(FIXTURES, 'Functions.tla'), 'utf8');
    writeFileSync(
      join(lib, 'Functions.tla'),
      functions.replace(/\n=====/, '\nTwiceAll(f) == [x \\in DOMAIN f |-> 2 * f[x]]\n====='),
    );
    writeFileSync(join(dir, 'M.cfg'), '');
    const spec = [
      '---- MODULE M ----',
      'EXTENDS Naturals, TLC, FiniteSetsExt',
      'pair(x, y) == <<x, y>>',
      'ASSUME PrintT(FoldFunction(pair, 0, <<"a", "b">>))',
      'ASSUME PrintT(TwiceAll(<<1, 2>>))',
      '====',
    ].join('\n');
    writeFileSync(join(dir, 'M.tla'), spec);
    process.env.TLA_LIBRARY = lib;
    const lines: string[] = [];
    const result = checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), {
      print: (l) => lines.push(l),
    });
    expect(result).toMatchObject({ kind: 'ok' });
    // The Java order (a native), and the library's extra operator.
    expect(lines).toEqual(['<<"b", <<"a", 0>>>>', '<<2, 4>>']);
  });

  it('keep LOCAL: what a module only instantiates is not exported', () => {
    const dir = writeSpec({
      'M.tla': 'EXTENDS TLC, SequencesExt\nASSUME PrintT(IsInjective(<<1>>))',
      'M.cfg': '',
    });
    process.env.TLA_LIBRARY = '';
    expect(() => checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), { print: () => {} })).toThrow(
      /IsInjective/,
    );
  });
});

describe('IOUtils from a library copy', () => {
  const spec = (dir: string) => {
    writeFileSync(join(dir, 'M.cfg'), '');
    writeFileSync(
      join(dir, 'M.tla'),
      [
        '---- MODULE M ----',
        'EXTENDS Integers, TLC, IOUtils',
        'ASSUME PrintT(IOEnv.TIMELOCK_IOUTILS_TEST)',
        'ASSUME PrintT(atoi(IOEnv.TIMELOCK_IOUTILS_TEST) + 1)',
        '====',
      ].join('\n'),
    );
    return () => {
      const lines: string[] = [];
      checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), { print: (l) => lines.push(l) });
      return lines;
    };
  };

  it('has IOEnv (the environment) and atoi in place of the definitions TLC overrides', () => {
    const dir = writeSpec({});
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    copyFileSync(join(FIXTURES, 'IOUtils.tla'), join(lib, 'IOUtils.tla'));
    process.env.TLA_LIBRARY = lib;
    process.env.TIMELOCK_IOUTILS_TEST = '-41';
    try {
      expect(spec(dir)()).toEqual(['"-41"', '-40']);
    } finally {
      delete process.env.TIMELOCK_IOUTILS_TEST;
    }
  });

  it('is not found without a library', () => {
    const dir = writeSpec({});
    process.env.TLA_LIBRARY = '';
    expect(spec(dir)).toThrow(/cannot find module IOUtils/);
  });
});

describe('the tables of what SANY reads in the CommunityModules', () => {
  it.each(MODULES)('%s', (name) => {
    const path = join(FIXTURES, `${name}.tla`);
    const m = parseModule(readFileSync(path, 'utf8'), `${name}.tla`);
    const u = unitOfModule(m);
    expect({
      extends: u.extends,
      instances: u.instances,
      tokens: firstOccurrences(u.tokens),
    }).toEqual(COMMUNITY_MODULE_NAMES[name]);
    const places: Record<string, number[]> = {};
    for (const x of m.units) {
      if ((x.k !== 'opdef' && x.k !== 'fcndef') || x.local) continue;
      const l = x.declLoc ?? x.loc;
      places[x.name] = [l.line, l.col, l.endLine, l.endCol];
    }
    expect(places).toEqual(COMMUNITY_DEFINITION_PLACES[name]);
  });
});

const jar = process.env.TLA2TOOLS_JAR;

describe.skipIf(!jar)('the native CommunityModules against real TLC (TLA2TOOLS_JAR)', () => {
  it('print what TLC prints', () => {
    // TLC prints kSubset's lazy set in the order it enumerates it, not normalised: a known
    // difference (docs/engine.md), so it is left out here.
    const exprs = [...agreed, ...JAVA.map(([e]) => e)].filter((e) => e !== 'kSubset(2, 1..4)');
    const dir = writeSpec({});
    const native = printed(dir, exprs);
    const { java, jar: found } = locateTlc();
    const run = spawnSync(
      java,
      [
        '-cp',
        classPath(found),
        'tlc2.TLC',
        '-workers',
        '1',
        '-metadir',
        join(dir, 'states'),
        '-noGenerateSpecTE',
        '-config',
        'M.cfg',
        'M.tla',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const out = run.stdout;
    // ASSUMEs are evaluated after "Starting...", before the initial states.
    const start = out.indexOf('\n', out.indexOf('\nStarting...') + 1) + 1;
    const end = out.search(/\n(Computing initial states|Model checking completed|Error:)/);
    // TLC breaks long values over lines; our PrintT does not: compare without white space.
    const flat = (text: string): string => text.replace(/\s+/g, '');
    expect(flat(out.slice(start, end)), out + run.stderr).toBe(flat(native.join('')));
  }, 120_000);
});

if (!jar) {
  describe('the native CommunityModules against real TLC', () => {
    it.skip('are not compared with TLC: set TLA2TOOLS_JAR=/path/to/tla2tools.jar', () => {});
  });
}
