import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CfgError,
  parseCfg,
  parseCfgWithErrors,
  readCfg,
  type CfgValue,
  type ModelConfig,
} from '../../../../conformance/tla/check/cfg.ts';

const FILE = 'Foo.cfg';

const parse = (text: string): ModelConfig => parseCfg(text, FILE);

/** Parses `text`, expecting a CfgError, and returns it. */
function fail(text: string): CfgError {
  try {
    parseCfg(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(CfgError);
    return e as CfgError;
  }
  throw new Error(`expected a CfgError for:\n${text}`);
}

/**
 * Asserts that `text` fails at `line:col` with exactly `reason`, and with no other error: the
 * parser recovers after an error, and one mistake must give one error, not a cascade.
 */
function expectError(text: string, line: number, col: number, reason: string): void {
  const e = fail(text);
  expect(e.message).toBe(`${FILE}:${line}:${col}: ${reason}`);
  expect({ file: e.file, line: e.line, col: e.col }).toEqual({ file: FILE, line, col });
  expect(
    e.errors.map((x) => x.message),
    'one mistake, one error',
  ).toEqual([e.message]);
}

/** Every error `text` gives, as `line:col: reason`. */
function allErrors(text: string): string[] {
  return parseCfgWithErrors(text, FILE).errors.map((e) => e.message.slice(FILE.length + 1));
}

/** The config produced by an empty file, to spread expected results over. */
const EMPTY: ModelConfig = {
  file: FILE,
  constants: [],
  substitutions: [],
  invariants: [],
  properties: [],
  constraints: [],
  actionConstraints: [],
};

const pos = (line: number, col: number) => ({ line, col });
const name = (n: string, line: number, col: number) => ({ name: n, pos: pos(line, col) });
const mv = (n: string): CfgValue => ({ kind: 'modelValue', name: n });
const int = (value: number): CfgValue => ({ kind: 'int', value });
const str = (value: string): CfgValue => ({ kind: 'string', value });
const set = (...elements: CfgValue[]): CfgValue => ({ kind: 'set', elements });

/** Parses `CONSTANT X = <src>` and returns X's value. */
const valueOf = (src: string): CfgValue => {
  const cfg = parse(`CONSTANT X = ${src}`);
  expect(cfg.constants).toHaveLength(1);
  return cfg.constants[0]!.value;
};

describe('parseCfg: real configurations', () => {
  it('parses an auction model with every value kind and substitutions', () => {
    const text = `CONSTANTS
  Bidders = {b1, b2, b3}
  NoOne = NoOne
  MaxBid = 4
  House = "house"
  Open = TRUE
  Better <- StrictlyMore
  Increments <- OnlyOne

INIT Init
NEXT Next
INVARIANT TypeOK
CHECK_DEADLOCK FALSE
`;
    expect(parse(text)).toStrictEqual({
      ...EMPTY,
      constants: [
        { name: 'Bidders', value: set(mv('b1'), mv('b2'), mv('b3')), pos: pos(2, 3) },
        { name: 'NoOne', value: mv('NoOne'), pos: pos(3, 3) },
        { name: 'MaxBid', value: int(4), pos: pos(4, 3) },
        { name: 'House', value: str('house'), pos: pos(5, 3) },
        { name: 'Open', value: { kind: 'bool', value: true }, pos: pos(6, 3) },
      ],
      substitutions: [
        { name: 'Better', arity: 0, target: 'StrictlyMore', pos: pos(7, 3) },
        { name: 'Increments', arity: 0, target: 'OnlyOne', pos: pos(8, 3) },
      ],
      init: name('Init', 10, 6),
      next: name('Next', 11, 6),
      invariants: [name('TypeOK', 12, 11)],
      checkDeadlock: false,
    });
  });

  it('parses repeated and multi-line invariant lists in order', () => {
    const text = `INIT Init
NEXT Next
INVARIANT TypeOK
INVARIANTS DivMod Powers
           Compare
INVARIANT Ranges Subtract
`;
    expect(parse(text)).toStrictEqual({
      ...EMPTY,
      init: name('Init', 1, 6),
      next: name('Next', 2, 6),
      invariants: [
        name('TypeOK', 3, 11),
        name('DivMod', 4, 12),
        name('Powers', 4, 19),
        name('Compare', 5, 12),
        name('Ranges', 6, 11),
        name('Subtract', 6, 18),
      ],
    });
  });
});

describe('parseCfg: keywords', () => {
  it('returns empty lists and no optional fields for an empty file', () => {
    expect(parse('')).toStrictEqual(EMPTY);
    expect(parse('  \n\t\n \\* only a comment\n(* and another *)')).toStrictEqual(EMPTY);
  });

  it('records the file name given', () => {
    expect(parseCfg('INIT I', 'specs/Other.cfg').file).toBe('specs/Other.cfg');
  });

  it.each([
    ['INIT', 'init'],
    ['NEXT', 'next'],
    ['SPECIFICATION', 'specification'],
    ['SYMMETRY', 'symmetry'],
    ['VIEW', 'view'],
    ['POSTCONDITION', 'postcondition'],
    ['ALIAS', 'alias'],
  ] as const)('%s sets %s', (kw, field) => {
    const cfg = parse(`${kw} Op_1`);
    expect(cfg[field]).toStrictEqual(name('Op_1', 1, kw.length + 2));
    expect(cfg).toStrictEqual({ ...EMPTY, [field]: name('Op_1', 1, kw.length + 2) });
  });

  it.each([
    ['INVARIANT', 'invariants'],
    ['INVARIANTS', 'invariants'],
    ['PROPERTY', 'properties'],
    ['PROPERTIES', 'properties'],
    ['CONSTRAINT', 'constraints'],
    ['CONSTRAINTS', 'constraints'],
    ['ACTION_CONSTRAINT', 'actionConstraints'],
    ['ACTION_CONSTRAINTS', 'actionConstraints'],
  ] as const)('%s extends %s', (kw, field) => {
    const cfg = parse(`${kw} A B\n  C`);
    const c = kw.length + 2;
    expect(cfg).toStrictEqual({
      ...EMPTY,
      [field]: [name('A', 1, c), name('B', 1, c + 2), name('C', 2, 3)],
    });
  });

  it('accumulates singular and plural forms of every list keyword', () => {
    const cfg = parse(`
PROPERTY P1
PROPERTIES P2 P3
CONSTRAINT C1
CONSTRAINTS C2
ACTION_CONSTRAINT A1
ACTION_CONSTRAINTS A2, A3
INVARIANTS I1
INVARIANT I2
PROPERTY P4
`);
    expect(cfg.properties.map((n) => n.name)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(cfg.constraints.map((n) => n.name)).toEqual(['C1', 'C2']);
    expect(cfg.actionConstraints.map((n) => n.name)).toEqual(['A1', 'A2', 'A3']);
    expect(cfg.invariants.map((n) => n.name)).toEqual(['I1', 'I2']);
  });

  it('accepts commas between list names, with or without spaces', () => {
    const cfg = parse('INVARIANTS A,B , C,\n D E');
    expect(cfg.invariants).toStrictEqual([
      name('A', 1, 12),
      name('B', 1, 14),
      name('C', 1, 18),
      name('D', 2, 2),
      name('E', 2, 4),
    ]);
  });

  it('accepts CONSTANT and CONSTANTS, accumulating over repeats', () => {
    const cfg = parse('CONSTANT A = 1\nINIT I\nCONSTANTS B = 2 C <- D\nCONSTANT E = 3');
    expect(cfg.constants.map((c) => c.name)).toEqual(['A', 'B', 'E']);
    expect(cfg.substitutions.map((s) => s.name)).toEqual(['C']);
  });

  it('allows an empty CONSTANTS section, as TLC does', () => {
    expect(parse('CONSTANTS\nINIT Init')).toStrictEqual({ ...EMPTY, init: name('Init', 2, 6) });
    expect(parse('CONSTANT')).toStrictEqual(EMPTY);
  });

  it('reads CHECK_DEADLOCK TRUE, FALSE, and leaves it undefined when absent', () => {
    expect(parse('CHECK_DEADLOCK TRUE').checkDeadlock).toBe(true);
    expect(parse('CHECK_DEADLOCK\n  FALSE').checkDeadlock).toBe(false);
    const absent = parse('INIT Init');
    expect(absent.checkDeadlock).toBeUndefined();
    expect('checkDeadlock' in absent).toBe(false);
  });

  it('tolerates a single-name keyword repeated with the same name', () => {
    expect(parse('INIT Init\nNEXT Next\nINIT Init').init).toStrictEqual(name('Init', 1, 6));
    expect(parse('CHECK_DEADLOCK FALSE CHECK_DEADLOCK FALSE').checkDeadlock).toBe(false);
  });

  it('lets keywords follow each other on one line and with no separating space issues', () => {
    const cfg = parse('SPECIFICATION Spec PROPERTY Live VIEW V SYMMETRY S ALIAS A POSTCONDITION P');
    expect(cfg).toStrictEqual({
      ...EMPTY,
      specification: name('Spec', 1, 15),
      properties: [name('Live', 1, 29)],
      view: name('V', 1, 39),
      symmetry: name('S', 1, 50),
      alias: name('A', 1, 58),
      postcondition: name('P', 1, 74),
    });
  });

  it('accepts identifiers with digits and underscores, including a leading digit', () => {
    expect(parse('INVARIANT _x 1a Inv_2 __A__').invariants.map((n) => n.name)).toEqual([
      '_x',
      '1a',
      'Inv_2',
      '__A__',
    ]);
  });

  it('does not mistake short or lower-case names close to keywords for typos', () => {
    // INV is 2 edits from INIT, Next2 is 1 edit from NEXT: both are plausible names.
    expect(parse('INVARIANT TypeOK\nINV\nNext2').invariants.map((n) => n.name)).toEqual([
      'TypeOK',
      'INV',
      'Next2',
    ]);
  });
});

describe('parseCfg: comments and layout', () => {
  it('skips line comments, including at end of file without a newline', () => {
    const cfg = parse('\\* header\nINIT Init \\* the initial predicate\nNEXT Next \\* trailing');
    expect(cfg.init).toStrictEqual(name('Init', 2, 6));
    expect(cfg.next).toStrictEqual(name('Next', 3, 6));
  });

  it('skips block comments, counting lines inside them', () => {
    const cfg = parse('(* a\n   multi-line\n   comment *) INIT (* inline *) Init');
    expect(cfg.init).toStrictEqual(name('Init', 3, 33));
  });

  it('lets block comments nest', () => {
    const cfg = parse('(* outer (* inner *) still a comment *) INIT Init\n(*(*(**)*)*)NEXT Next');
    expect(cfg.init).toStrictEqual(name('Init', 1, 46));
    expect(cfg.next).toStrictEqual(name('Next', 2, 18));
  });

  it('treats \\* and strings inside block comments as plain text', () => {
    expect(parse('(* \\* not a line comment *) INIT Init').init?.name).toBe('Init');
    expect(parse('(* "unterminated *) INIT Init').init?.name).toBe('Init');
  });

  it('allows comments between a constant name and its = or <-', () => {
    const cfg = parse(
      'CONSTANTS\n  N (* the size *) = 3\n  M \\* note\n    = 4\n  R(*x*)(_)(*y*)<-(*z*)S',
    );
    expect(cfg.constants).toStrictEqual([
      { name: 'N', value: int(3), pos: pos(2, 3) },
      { name: 'M', value: int(4), pos: pos(3, 3) },
    ]);
    expect(cfg.substitutions).toStrictEqual([{ name: 'R', arity: 1, target: 'S', pos: pos(5, 3) }]);
  });

  it('treats tabs as one column and handles CRLF and CR line endings', () => {
    expect(parse('\tINIT\tInit').init).toStrictEqual(name('Init', 1, 7));
    expect(parse('INIT Init\r\nNEXT Next\r\n').next).toStrictEqual(name('Next', 2, 6));
    expect(parse('INIT Init\rNEXT Next').next).toStrictEqual(name('Next', 2, 6));
  });

  it('ignores a byte-order mark at the start of the file', () => {
    expect(parse('\uFEFFINIT Init').init).toStrictEqual(name('Init', 1, 6));
  });

  it('counts a non-BMP character in a comment as one column', () => {
    expect(parse('(*😀*) INIT Init').init).toStrictEqual(name('Init', 1, 12));
  });
});

describe('parseCfg: constant values', () => {
  it('parses integers, including negative numbers and zero', () => {
    expect(valueOf('42')).toStrictEqual(int(42));
    expect(valueOf('0')).toStrictEqual(int(0));
    expect(valueOf('-7')).toStrictEqual(int(-7));
    expect(valueOf('007')).toStrictEqual(int(7));
    expect(Object.is((valueOf('-0') as { value: number }).value, 0)).toBe(true);
  });

  it('accepts the full range of TLC integers', () => {
    expect(valueOf('2147483647')).toStrictEqual(int(2147483647));
    expect(valueOf('-2147483648')).toStrictEqual(int(-2147483648));
  });

  it('parses strings with escapes', () => {
    expect(valueOf('"house"')).toStrictEqual(str('house'));
    expect(valueOf('""')).toStrictEqual(str(''));
    expect(valueOf('"say \\"hi\\""')).toStrictEqual(str('say "hi"'));
    expect(valueOf('"back\\\\slash"')).toStrictEqual(str('back\\slash'));
    expect(valueOf('"\\n\\t\\r\\f"')).toStrictEqual(str('\n\t\r\f'));
    expect(valueOf('"a (* not a comment *) \\\\* nor this"')).toStrictEqual(
      str('a (* not a comment *) \\* nor this'),
    );
    expect(valueOf('"{a, b} = <- ü"')).toStrictEqual(str('{a, b} = <- ü'));
  });

  it('parses booleans', () => {
    expect(valueOf('TRUE')).toStrictEqual({ kind: 'bool', value: true });
    expect(valueOf('FALSE')).toStrictEqual({ kind: 'bool', value: false });
  });

  it('parses a bare identifier as a model value, including one named like the constant', () => {
    expect(parse('CONSTANT NoOne = NoOne').constants).toStrictEqual([
      { name: 'NoOne', value: mv('NoOne'), pos: pos(1, 10) },
    ]);
    expect(valueOf('p_1')).toStrictEqual(mv('p_1'));
    // Only TRUE and FALSE are booleans; other spellings are model values.
    expect(valueOf('true')).toStrictEqual(mv('true'));
  });

  it('parses flat, empty, nested and mixed sets', () => {
    expect(valueOf('{p1, p2, p3}')).toStrictEqual(set(mv('p1'), mv('p2'), mv('p3')));
    expect(valueOf('{}')).toStrictEqual(set());
    expect(valueOf('{ }')).toStrictEqual(set());
    expect(valueOf('{{}}')).toStrictEqual(set(set()));
    expect(valueOf('{{a, b}, {}, {{c}}}')).toStrictEqual(
      set(set(mv('a'), mv('b')), set(), set(set(mv('c')))),
    );
    expect(valueOf('{1, -2, "s", TRUE, m}')).toStrictEqual(
      set(int(1), int(-2), str('s'), { kind: 'bool', value: true }, mv('m')),
    );
    expect(valueOf('{\n  a, \\* first\n  b (* second *)\n}')).toStrictEqual(set(mv('a'), mv('b')));
  });

  it('keeps duplicate set elements as written (sets are not normalised)', () => {
    expect(valueOf('{a, a}')).toStrictEqual(set(mv('a'), mv('a')));
  });

  it('separates entries by newlines, spaces or commas', () => {
    const cfg = parse('CONSTANTS A = 1, B = {x, y}, C <- D,\n E = "e" F = G\nG(_) <- H');
    expect(cfg.constants).toStrictEqual([
      { name: 'A', value: int(1), pos: pos(1, 11) },
      { name: 'B', value: set(mv('x'), mv('y')), pos: pos(1, 18) },
      { name: 'E', value: str('e'), pos: pos(2, 2) },
      { name: 'F', value: mv('G'), pos: pos(2, 10) },
    ]);
    expect(cfg.substitutions).toStrictEqual([
      { name: 'C', arity: 0, target: 'D', pos: pos(1, 30) },
      { name: 'G', arity: 1, target: 'H', pos: pos(3, 1) },
    ]);
  });
});

describe('parseCfg: substitutions', () => {
  it('parses <- without arity', () => {
    expect(parse('CONSTANT Better <- StrictlyMore').substitutions).toStrictEqual([
      { name: 'Better', arity: 0, target: 'StrictlyMore', pos: pos(1, 10) },
    ]);
  });

  it('records the arity from placeholders, with or without spaces', () => {
    const cfg = parse('CONSTANTS\n  Op(_, _) <- MCOp\n  F(_,_,_)<-G\n  H( _ ) <- K');
    expect(cfg.substitutions).toStrictEqual([
      { name: 'Op', arity: 2, target: 'MCOp', pos: pos(2, 3) },
      { name: 'F', arity: 3, target: 'G', pos: pos(3, 3) },
      { name: 'H', arity: 1, target: 'K', pos: pos(4, 3) },
    ]);
  });

  it('records the arity of a parameterised constant assignment', () => {
    expect(parse('CONSTANT Op(_,_) = 3').constants).toStrictEqual([
      { name: 'Op', value: int(3), pos: pos(1, 10), arity: 2 },
    ]);
  });

  it('does not add an arity to plain assignments', () => {
    expect('arity' in parse('CONSTANT N = 3').constants[0]!).toBe(false);
  });
});

describe('parseCfg: module-scoped entries (Name <- [Mod] Def, Name = [Mod] value)', () => {
  it('parses <- [Mod] with and without spaces, as in the Paxos examples', () => {
    const cfg = parse('CONSTANTS\n  Ballot <-[Voting] MCBallot\n  Ballot <- [ Voting ]def_ov_1');
    expect(cfg.substitutions).toStrictEqual([
      {
        name: 'Ballot',
        arity: 0,
        target: 'MCBallot',
        pos: pos(2, 3),
        module: name('Voting', 2, 13),
      },
      {
        name: 'Ballot',
        arity: 0,
        target: 'def_ov_1',
        pos: pos(3, 3),
        module: name('Voting', 3, 15),
      },
    ]);
  });

  it("parses = [Mod] value, and keeps it apart from the root module's constants", () => {
    const cfg = parse('CONSTANTS N = 3\n  Max = [Counter] {a, 2}\n  Op(_) <- [M] MCOp');
    expect(cfg.constants).toStrictEqual([
      { name: 'N', value: int(3), pos: pos(1, 11) },
      { name: 'Max', value: set(mv('a'), int(2)), pos: pos(2, 3), module: name('Counter', 2, 10) },
    ]);
    expect(cfg.substitutions).toStrictEqual([
      { name: 'Op', arity: 1, target: 'MCOp', pos: pos(3, 3), module: name('M', 3, 13) },
    ]);
  });

  it('does not add a module to entries of the root module', () => {
    expect('module' in parse('CONSTANT N = 3').constants[0]!).toBe(false);
    expect('module' in parse('CONSTANT N <- M').substitutions[0]!).toBe(false);
  });

  it('reports a malformed [Mod] at the offending token', () => {
    expectError(
      'CONSTANT\n  B <- [] X',
      2,
      9,
      "expected a module name after '<- [' in the entry for 'B', found ']'",
    );
    expectError(
      'CONSTANT B <- [Voting X',
      1,
      23,
      "expected ']' after the module name 'Voting' in the entry for 'B', found 'X'",
    );
    expectError(
      'CONSTANT B = [Voting',
      1,
      21,
      "expected ']' after the module name 'Voting' in the entry for 'B', found end of file",
    );
    expectError(
      'CONSTANT B = [3] 4',
      1,
      15,
      "expected a module name after '= [' in the entry for 'B', found '3'",
    );
    expectError(
      'CONSTANT B <- [Voting]\nINIT Init',
      2,
      1,
      "expected a name after '[Voting]' in the entry for 'B', found keyword 'INIT'",
    );
    expectError(
      'CONSTANT B = [Voting] }',
      1,
      23,
      "expected a value after '[Voting]' in the entry for 'B', found '}'",
    );
    expectError('INIT [Voting] Init', 1, 6, "expected a name after 'INIT', found '['");
  });

  it('reports a record written as a value at its first foreign character', () => {
    expectError(
      'CONSTANT N = [a |-> 1]',
      1,
      17,
      "expected ']' after the module name 'a' in the entry for 'N', found '|'",
    );
    expect(fail('CONSTANT N = [a |-> 1]').diagnostic.hint).toContain(
      'a record or function cannot be written in a cfg',
    );
  });

  it('gives the hint on the form of a module-scoped entry', () => {
    expect(fail('CONSTANT B <- [Voting X').diagnostic.hint).toBe(
      'a module-scoped entry reads B <- [Voting] Definition',
    );
  });
});

describe('parseCfg: errors', () => {
  it('throws CfgError, an Error with a located message', () => {
    const e = fail('INIT');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CfgError');
    expect(e.message.startsWith('Foo.cfg:1:5: ')).toBe(true);
  });

  it('reports a missing = or <- after a constant name', () => {
    expectError(
      'CONSTANTS\n  M = 1\n  N INIT Init',
      3,
      5,
      "expected '=' or '<-' after constant name 'N', found 'INIT'",
    );
    expectError('CONSTANT N 3', 1, 12, "expected '=' or '<-' after constant name 'N', found '3'");
    expectError(
      'CONSTANT N',
      1,
      11,
      "expected '=' or '<-' after constant name 'N', found end of file",
    );
    expectError(
      'CONSTANT Op(_) 3',
      1,
      16,
      "expected '=' or '<-' after constant name 'Op', found '3'",
    );
  });

  it('reports unknown keywords, suggesting the closest within two edits', () => {
    expectError('INVARINT TypeOK', 1, 1, "unknown keyword 'INVARINT' (did you mean INVARIANT?)");
    expectError('INIT Init\n  NXET Next', 2, 3, "unknown keyword 'NXET' (did you mean NEXT?)");
    expectError('PROPERTYS P', 1, 1, "unknown keyword 'PROPERTYS' (did you mean PROPERTY?)");
    expectError(
      'CHECK_DEADLOK FALSE',
      1,
      1,
      "unknown keyword 'CHECK_DEADLOK' (did you mean CHECK_DEADLOCK?)",
    );
    expectError('invariant Inv', 1, 1, "unknown keyword 'invariant' (did you mean INVARIANT?)");
    expectError('FROBNICATE X', 1, 1, "unknown keyword 'FROBNICATE'");
    expectError('TYPE_CONSTRAINT X', 1, 1, "unknown keyword 'TYPE_CONSTRAINT'");
  });

  it('reports a misspelt keyword at the start of a line inside a name list', () => {
    expectError(
      'INVARIANT TypeOK\nINVARINT Safe',
      2,
      1,
      "unknown keyword 'INVARINT' (did you mean INVARIANT?)",
    );
    expectError(
      'PROPERTIES Live\n  (* c *) CONSTRAINS Bound',
      2,
      11,
      "unknown keyword 'CONSTRAINS' (did you mean CONSTRAINT?)",
    );
  });

  it('reports a misspelt keyword that would otherwise read as a constant entry', () => {
    expectError(
      'CONSTANTS N = 3\nINVARINT TypeOK',
      2,
      1,
      "unknown keyword 'INVARINT' (did you mean INVARIANT?)",
    );
  });

  it('explains a second name after a single-name keyword', () => {
    expectError('INIT Init Init2', 1, 11, "unknown keyword 'Init2' (INIT takes exactly one name)");
    expectError('VIEW V, W', 1, 7, "expected a keyword such as INIT or CONSTANTS, found ','");
  });

  it('reports a non-keyword token where a keyword is expected', () => {
    expectError('= 3', 1, 1, "expected a keyword such as INIT or CONSTANTS, found '='");
    expectError(
      'INIT Init\nTRUE',
      2,
      1,
      "expected a keyword such as INIT or CONSTANTS, found 'TRUE'",
    );
    expectError('"INIT"', 1, 1, 'expected a keyword such as INIT or CONSTANTS, found \'"INIT"\'');
  });

  it.each(['INIT', 'NEXT', 'SPECIFICATION', 'SYMMETRY', 'VIEW', 'POSTCONDITION', 'ALIAS'])(
    'reports %s without a name',
    (kw) => {
      expectError(
        `${kw}\n\nNEXT Next`,
        3,
        1,
        `expected a name after '${kw}', found keyword 'NEXT'`,
      );
      expectError(`${kw}  `, 1, kw.length + 3, `expected a name after '${kw}', found end of file`);
    },
  );

  it.each([
    'INVARIANT',
    'INVARIANTS',
    'PROPERTY',
    'PROPERTIES',
    'CONSTRAINT',
    'CONSTRAINTS',
    'ACTION_CONSTRAINT',
    'ACTION_CONSTRAINTS',
  ])('reports %s without a name', (kw) => {
    expectError(
      `${kw} INIT Init`,
      1,
      kw.length + 2,
      `expected a name after '${kw}', found keyword 'INIT'`,
    );
    expectError(
      `INIT I\n${kw}`,
      2,
      kw.length + 1,
      `expected a name after '${kw}', found end of file`,
    );
  });

  it('reports names that are not identifiers', () => {
    expectError('INIT 3', 1, 6, "expected a name after 'INIT', found '3'");
    expectError('INIT "Init"', 1, 6, "expected a name after 'INIT', found '\"Init\"'");
    expectError('INIT TRUE', 1, 6, "expected a name after 'INIT', found 'TRUE', which is a value");
    expectError(
      'INVARIANT A, , B',
      1,
      14,
      "expected a name after ',' in the INVARIANT list, found ','",
    );
    expectError(
      'INVARIANT A,\nINIT Init',
      2,
      1,
      "expected a name after ',' in the INVARIANT list, found keyword 'INIT'",
    );
    expectError('INVARIANT , A', 1, 11, "expected a name after 'INVARIANT', found ','");
    expectError(
      'INVARIANT A FALSE',
      1,
      13,
      "expected a name after 'A', found 'FALSE', which is a value",
    );
  });

  it('reports CHECK_DEADLOCK without TRUE or FALSE', () => {
    expectError(
      'CHECK_DEADLOCK',
      1,
      15,
      'CHECK_DEADLOCK must be followed by TRUE or FALSE, found end of file',
    );
    expectError(
      'CHECK_DEADLOCK\n  false',
      2,
      3,
      "CHECK_DEADLOCK must be followed by TRUE or FALSE, found 'false'",
    );
    expectError(
      'CHECK_DEADLOCK 0',
      1,
      16,
      "CHECK_DEADLOCK must be followed by TRUE or FALSE, found '0'",
    );
    expectError(
      'CHECK_DEADLOCK INIT Init',
      1,
      16,
      "CHECK_DEADLOCK must be followed by TRUE or FALSE, found 'INIT'",
    );
  });

  it.each([
    ['INIT', 'A', 'B'],
    ['NEXT', 'A', 'B'],
    ['SPECIFICATION', 'A', 'B'],
    ['VIEW', 'A', 'B'],
    ['SYMMETRY', 'A', 'B'],
    ['POSTCONDITION', 'A', 'B'],
    ['ALIAS', 'A', 'B'],
  ])('reports two different %s entries at the second', (kw, a, b) => {
    expectError(
      `${kw} ${a}\nINVARIANT Inv\n  ${kw} ${b}`,
      3,
      3,
      `${kw} given twice with different names: '${b}' here, but '${a}' at 1:${kw.length + 2}`,
    );
  });

  it('reports conflicting CHECK_DEADLOCK values', () => {
    expectError(
      'CHECK_DEADLOCK TRUE\nCHECK_DEADLOCK FALSE',
      2,
      1,
      'CHECK_DEADLOCK given twice with different values: FALSE here, but TRUE at 1:1',
    );
  });

  it('reports unterminated strings at the opening quote', () => {
    expectError(
      'CONSTANT\n  S = "abc',
      2,
      7,
      `unterminated string: no closing '"' on the same line`,
    );
    expectError(
      'CONSTANT S = "abc\n" INIT I',
      1,
      14,
      `unterminated string: no closing '"' on the same line`,
    );
    expectError(
      'CONSTANT S = "abc\\"',
      1,
      14,
      `unterminated string: no closing '"' on the same line`,
    );
    expectError(
      'CONSTANT S = "abc\\',
      1,
      14,
      `unterminated string: no closing '"' on the same line`,
    );
  });

  it('reports unknown string escapes at the backslash', () => {
    expectError(
      'CONSTANT S = "a\\qb"',
      1,
      16,
      "unknown escape '\\q' in string (allowed: \\\" \\\\ \\n \\t \\r \\f)",
    );
  });

  it('reports unterminated block comments at the opening (*', () => {
    expectError(
      'INIT Init\n  (* never closed\n',
      2,
      3,
      "unterminated block comment: '(*' is never closed by '*)'",
    );
    expectError(
      'INIT Init (* outer (* inner *)\nNEXT Next',
      1,
      11,
      "unterminated block comment: '(*' is never closed by '*)'",
    );
    expectError(
      '(* a (* b\n (* c *)',
      1,
      1,
      "unterminated block comment: '(*' is never closed by '*)' (a nested '(*' at 1:6 is also unclosed; block comments nest)",
    );
  });

  it('reports a set that is never closed at its opening brace', () => {
    expectError(
      'CONSTANT S = {a, b\nINIT Init',
      1,
      14,
      "set is never closed: '{' has no matching '}' before 'INIT' at 2:1",
    );
    expectError(
      'CONSTANT S = {a, {b, c}',
      1,
      14,
      "set is never closed: '{' has no matching '}' before the end of the file at 1:24",
    );
    expectError(
      'CONSTANT S = {{a,\n\n',
      1,
      15,
      "set is never closed: '{' has no matching '}' before the end of the file at 3:1",
    );
    expectError(
      'CONSTANT S = {',
      1,
      14,
      "set is never closed: '{' has no matching '}' before the end of the file at 1:15",
    );
  });

  it('reports malformed set contents at the offending token', () => {
    expectError('CONSTANT S = {a b}', 1, 17, "expected ',' or '}' in a set, found 'b'");
    expectError('CONSTANT S = {a,}', 1, 17, "expected a value after ',' in a set, found '}'");
    expectError('CONSTANT S = {,a}', 1, 15, "expected a value after '{', found ','");
    expectError('CONSTANT S = {a}}', 1, 17, "expected a constant name or a keyword, found '}'");
  });

  it('reports missing or invalid values', () => {
    expectError(
      'CONSTANT N =\nINIT Init',
      2,
      1,
      "expected a value after '=' in the entry for 'N', found keyword 'INIT'",
    );
    expectError(
      'CONSTANT N =',
      1,
      13,
      "expected a value after '=' in the entry for 'N', found end of file",
    );
    expectError('CONSTANT N = <<1, 2>>', 1, 14, "unexpected character '<'");
    expectError(
      'CONSTANT N = = 3',
      1,
      14,
      "expected a value after '=' in the entry for 'N', found '='",
    );
    expectError('CONSTANT N = 1..3', 1, 15, "unexpected character '.'");
    expectError(
      'CONSTANT N = - 3',
      1,
      14,
      "unexpected '-': a minus sign must be followed directly by digits",
    );
    expectError('CONSTANT N = -3x', 1, 14, "invalid number '-3x'");
  });

  it('rejects integers outside the range TLC can represent', () => {
    expectError(
      'CONSTANT N = 2147483648',
      1,
      14,
      'integer 2147483648 is out of range: TLC integers lie between -2147483648 and 2147483647',
    );
    expectError(
      'CONSTANT N = -99999999999999999999',
      1,
      14,
      'integer -99999999999999999999 is out of range: TLC integers lie between -2147483648 and 2147483647',
    );
  });

  it('reports malformed substitutions', () => {
    expectError(
      'CONSTANT F <- 3',
      1,
      15,
      "expected a name after '<-' in the entry for 'F', found '3'",
    );
    expectError(
      'CONSTANT F <-',
      1,
      14,
      "expected a name after '<-' in the entry for 'F', found end of file",
    );
    expectError(
      'CONSTANT F <- NEXT',
      1,
      15,
      "expected a name after '<-' in the entry for 'F', found keyword 'NEXT'",
    );
    expectError(
      'CONSTANT F(x) <- G',
      1,
      12,
      "expected '_' in the parameter list of 'F', found 'x'",
    );
    expectError('CONSTANT F() <- G', 1, 12, "expected '_' in the parameter list of 'F', found ')'");
    expectError(
      'CONSTANT F(_ _) <- G',
      1,
      14,
      "expected ',' or ')' in the parameter list of 'F', found '_'",
    );
    expectError(
      'CONSTANT F(_,',
      1,
      14,
      "expected '_' in the parameter list of 'F', found end of file",
    );
  });

  it('reports malformed constant sections', () => {
    expectError(
      'CONSTANTS , A = 1',
      1,
      11,
      "expected a constant name or a keyword after 'CONSTANTS', found ','",
    );
    expectError(
      'CONSTANTS A = 1,\nINIT Init',
      2,
      1,
      "expected a name after ',' in the CONSTANTS section, found keyword 'INIT'",
    );
    expectError(
      'CONSTANT TRUE = 1',
      1,
      10,
      "expected a constant name or a keyword after 'CONSTANT', found 'TRUE'",
    );
    expectError(
      'CONSTANT A = 1 "x"',
      1,
      16,
      'expected a constant name or a keyword, found \'"x"\'',
    );
  });

  it('reports invalid characters and identifiers', () => {
    expectError('INIT Init\nNEXT Next!', 2, 10, "unexpected character '!'");
    expectError('INIT Ïnit', 1, 6, "unexpected character 'Ï'");
    expectError('INIT 😀', 1, 6, "unexpected character '😀'");
    expectError(
      'INVARIANT A 1_2',
      1,
      13,
      "invalid identifier '1_2': identifiers need at least one letter",
    );
    expectError('ACTION-CONSTRAINT A', 1, 1, "unknown keyword 'ACTION'");
  });

  it('reports the earliest error in the file first, lexical or not', () => {
    // The bad character comes after the syntax error, so the syntax error is thrown; both are
    // reported.
    const e = fail('INIT 3\nNEXT Next!');
    expect(e.message).toBe(`${FILE}:1:6: expected a name after 'INIT', found '3'`);
    expect(e.errors.map((x) => x.message)).toEqual([
      `${FILE}:1:6: expected a name after 'INIT', found '3'`,
      `${FILE}:2:10: unexpected character '!'`,
    ]);
  });
});

describe('parseCfg: several mistakes in one file', () => {
  const THREE = [
    'CONSTANT N == 3', // line 1: == for =
    'INIT Init',
    'NXET Next', // line 3: a misspelt keyword
    'INVARIANT Inv',
    'CHECK_DEADLOCK yes', // line 5: not TRUE or FALSE
  ].join('\n');

  it('reports three mistakes on three lines, each at its place, in source order', () => {
    const e = fail(THREE);
    // The error thrown is the first, exactly as when it is the only one.
    expect(e.message).toBe(
      `${FILE}:1:13: expected a value after '=' in the entry for 'N', found '='`,
    );
    expect(e.errors[0]).toBe(e);
    expect(e.errors.map((x) => [x.diagnostic.location?.line, x.diagnostic.location?.col])).toEqual([
      [1, 13],
      [3, 1],
      [5, 16],
    ]);
    expect(allErrors(THREE)).toEqual([
      "1:13: expected a value after '=' in the entry for 'N', found '='",
      "3:1: unknown keyword 'NXET' (did you mean NEXT?)",
      "5:16: CHECK_DEADLOCK must be followed by TRUE or FALSE, found 'yes'",
    ]);
  });

  it('keeps what parsed around the mistakes', () => {
    const { cfg, errors } = parseCfgWithErrors(THREE, FILE);
    expect(errors).toHaveLength(3);
    expect(cfg).toStrictEqual({
      ...EMPTY,
      init: name('Init', 2, 6),
      invariants: [name('Inv', 4, 11)],
    });
  });

  it('gives one error for each mistake of the mistakes tests, as before', () => {
    expectError(
      'CONSTANT N == 3\nINIT Init\nNEXT Next',
      1,
      13,
      "expected a value after '=' in the entry for 'N', found '='",
    );
    expectError(
      'INIT Init\nNEXT Next\nINVARINT Inv',
      3,
      1,
      "unknown keyword 'INVARINT' (did you mean INVARIANT?)",
    );
  });

  it('resumes at the section keyword that starts the next line', () => {
    // The name after INIT is forgotten: NEXT is read as NEXT, and its own mistake reported.
    expect(allErrors('INIT\nNEXT 4\nINVARIANT Inv')).toEqual([
      "2:1: expected a name after 'INIT', found keyword 'NEXT'",
      "2:6: expected a name after 'NEXT', found '4'",
    ]);
    // A set left open runs into INIT, which is still read.
    const { cfg, errors } = parseCfgWithErrors('CONSTANT S = {1, 2\nINIT Init', FILE);
    expect(errors.map((e) => e.message)).toEqual([
      `${FILE}:1:14: set is never closed: '{' has no matching '}' before 'INIT' at 2:1`,
    ]);
    expect(cfg.init).toEqual(name('Init', 2, 6));
  });

  it('skips a keyword used within a line as a name, with the rest of the broken entry', () => {
    expectError(
      'CONSTANT F <- NEXT',
      1,
      15,
      "expected a name after '<-' in the entry for 'F', found keyword 'NEXT'",
    );
    expectError(
      'CHECK_DEADLOCK INIT Init',
      1,
      16,
      "CHECK_DEADLOCK must be followed by TRUE or FALSE, found 'INIT'",
    );
  });

  it('does not report the lexical errors of the text it skips', () => {
    expectError(
      'CONSTANT N = [a |-> 1, b |-> "x]\nINIT Init',
      1,
      17,
      "expected ']' after the module name 'a' in the entry for 'N', found '|'",
    );
    expectError(
      'CONSTANT N = "a\\q INIT !"\nINIT Init',
      1,
      16,
      "unknown escape '\\q' in string (allowed: \\\" \\\\ \\n \\t \\r \\f)",
    );
  });

  it('goes on with the next entry of a CONSTANTS section after a broken one', () => {
    const text = [
      'CONSTANTS',
      '  N == 3',
      '  M = {1,',
      '       2 3}',
      '  P = 5',
      '  Q <- Def',
    ].join('\n');
    const { cfg, errors } = parseCfgWithErrors(text, FILE);
    expect(errors.map((e) => e.message.slice(FILE.length + 1))).toEqual([
      "2:6: expected a value after '=' in the entry for 'N', found '='",
      "4:10: expected ',' or '}' in a set, found '3'",
    ]);
    expect(cfg.constants).toEqual([{ name: 'P', value: int(5), pos: pos(5, 3) }]);
    expect(cfg.substitutions).toEqual([{ name: 'Q', arity: 0, target: 'Def', pos: pos(6, 3) }]);
  });

  it('stops skipping at a misspelt keyword that starts a later line', () => {
    expect(allErrors('INIT 3\nNXET Next\nINVARIANT Inv')).toEqual([
      "1:6: expected a name after 'INIT', found '3'",
      "2:1: unknown keyword 'NXET' (did you mean NEXT?)",
    ]);
    expect(allErrors('CONSTANTS\n  N = -\n  INVARINT Inv\nINIT Init')).toEqual([
      "2:7: unexpected '-': a minus sign must be followed directly by digits",
      "3:3: unknown keyword 'INVARINT' (did you mean INVARIANT?)",
    ]);
  });

  it('reports an unterminated comment once, at its opening', () => {
    expect(allErrors('INIT Init x\nNEXT Next (* open')).toEqual([
      "1:11: unknown keyword 'x' (INIT takes exactly one name)",
      "2:11: unterminated block comment: '(*' is never closed by '*)'",
    ]);
  });
});

describe('readCfg', () => {
  it('reads a UTF-8 file and uses its path in results and errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-test-'));
    try {
      const good = join(dir, 'Good.cfg');
      writeFileSync(good, 'CONSTANT Who = "Zoë"\nSPECIFICATION Spec\n', 'utf8');
      expect(readCfg(good)).toStrictEqual({
        ...EMPTY,
        file: good,
        constants: [{ name: 'Who', value: str('Zoë'), pos: pos(1, 10) }],
        specification: name('Spec', 2, 15),
      });

      const bad = join(dir, 'Bad.cfg');
      writeFileSync(bad, 'INIT Init\nINVARINT X\n', 'utf8');
      expect(() => readCfg(bad)).toThrow(
        new CfgError(bad, 2, 1, "unknown keyword 'INVARINT' (did you mean INVARIANT?)"),
      );
      expect(() => readCfg(bad)).toThrow(`${bad}:2:1: unknown keyword`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets file-system errors through unchanged', () => {
    expect(() => readCfg(join(tmpdir(), 'no-such-dir-cfg-test', 'Missing.cfg'))).toThrow(/ENOENT/);
  });
});
