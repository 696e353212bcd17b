/**
 * Bad input must give a clear error, never a crash: an InputError (exit code 150 for the spec,
 * 151 for the cfg) with file:line:col for problems found before checking, or an eval-error
 * result naming the problem, with the positions of the expressions being evaluated.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, exitCode, formatTlc } from '../../../../conformance/tla/check/report.ts';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { cleanupSpecs, runSpec, writeSpec } from '../support.ts';

afterAll(cleanupSpecs);

/** Module M with the given lines (line 1 is the header, so `lines[i]` is on line i + 2). */
const spec = (...lines: string[]) => lines.join('\n');

/** Runs M.tla/M.cfg expecting an InputError; returns it and the folder the files are in. */
function inputError(
  tla: string,
  cfg: string,
  extra: Record<string, string> = {},
): { e: InputError; dir: string } {
  const dir = writeSpec({ 'M.tla': tla, 'M.cfg': cfg, ...extra });
  try {
    checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), { print: () => {} });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return { e: e as InputError, dir };
  }
  throw new Error('expected an InputError');
}

const CFG = 'INIT Init\nNEXT Next\n';

describe('errors in the spec or cfg (InputError)', () => {
  it('a syntax error: exit code 150, file:line:col and the unexpected text', () => {
    const { e, dir } = inputError(
      spec('EXTENDS Naturals', 'VARIABLE x', 'Init == x = 0', "Next == x' = x + + 1"),
      CFG,
    );
    expect(e.exitCode).toBe(EXIT.specError);
    expect(e.exitCode).toBe(150);
    expect(e.message).toBe(`${join(dir, 'M.tla')}:5:18: syntax error: unexpected '+'`);
  });

  it('an unknown identifier: its name and file:line:col', () => {
    const { e, dir } = inputError(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x' = x + 1",
        'Inv == x < Limit',
      ),
      CFG + 'INVARIANT Inv\n',
    );
    expect(e.exitCode).toBe(150);
    expect(e.message).toBe(`${join(dir, 'M.tla')}:6:12: unknown identifier 'Limit'`);
  });

  it('an operator of the standard modules without the EXTENDS: a hint', () => {
    const { e } = inputError(
      spec('VARIABLE x', 'Init == x = Cardinality({})', "Next == x' = x"),
      CFG,
    );
    expect(e.exitCode).toBe(150);
    expect(e.message).toContain(":3:13: unknown identifier 'Cardinality'");
    expect(e.message).toContain('EXTENDS FiniteSets');
  });

  it('an operator applied to the wrong number of arguments', () => {
    const { e } = inputError(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'F(a) == a + 1',
        'Init == x = F(1, 2)',
        "Next == x' = x",
      ),
      CFG,
    );
    expect(e.exitCode).toBe(150);
    expect(e.message).toMatch(/M\.tla:5:13: the operator F takes 1 argument\(s\), but is given 2$/);
  });

  it('a module that cannot be found', () => {
    const { e } = inputError(
      spec('EXTENDS Naturals, Missing', 'VARIABLE x', 'Init == x = 0', "Next == x' = x"),
      CFG,
    );
    expect(e.exitCode).toBe(150);
    expect(e.message).toContain('M.tla:2:19: cannot find module Missing');
  });

  it('a constant the cfg gives no value: exit code 151, naming the constant and its declaration', () => {
    const { e, dir } = inputError(
      spec('CONSTANT N', 'VARIABLE x', 'Init == x = N', "Next == x' = x"),
      CFG,
    );
    expect(e.exitCode).toBe(EXIT.cfgError);
    expect(e.exitCode).toBe(151);
    expect(e.message).toContain(`${join(dir, 'M.cfg')}: the constant N (M.tla:2:10) has no value`);
  });

  it('a cfg naming an undefined invariant: the cfg position', () => {
    const { e, dir } = inputError(
      spec('VARIABLE x', 'Init == x = 0', "Next == x' = x"),
      'INIT Init\nNEXT Next\nINVARIANT TypeOK Nope\n',
    );
    expect(e.exitCode).toBe(151);
    expect(e.message).toBe(
      `${join(dir, 'M.cfg')}:3:11: INVARIANT TypeOK is not defined in module M`,
    );
  });

  it('a cfg giving a value to something the spec does not declare', () => {
    const { e } = inputError(
      spec('VARIABLE x', 'Init == x = 0', "Next == x' = x"),
      CFG + 'CONSTANT Extra = 3\n',
    );
    expect(e.exitCode).toBe(151);
    expect(e.message).toMatch(/M\.cfg:3:10: the cfg gives a value to Extra/);
  });

  it('a cfg syntax error', () => {
    const { e } = inputError(
      spec('VARIABLE x', 'Init == x = 0', "Next == x' = x"),
      'INIT Init\nNEXT\n',
    );
    expect(e.exitCode).toBe(151);
    expect(e.message).toMatch(/M\.cfg:\d+:\d+: /);
  });

  it('a missing cfg file', () => {
    const dir = writeSpec({ 'M.tla': spec('VARIABLE x', 'Init == x = 0', "Next == x' = x") });
    let err: unknown;
    try {
      checkModel(join(dir, 'M.tla'), join(dir, 'Nope.cfg'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(151);
    expect((err as InputError).message).toContain('Nope.cfg');
  });
});

describe('evaluation errors (eval-error results)', () => {
  /** Checks the result is an eval-error of `kind` whose trail ends at `innermost`. */
  function expectEvalError(
    r: ReturnType<typeof runSpec>,
    kind: string,
    code: number,
    message: string,
    innermost: string,
  ): void {
    expect(r.kind).toBe('eval-error');
    expect(r.errorKind).toBe(kind);
    expect(exitCode(r)).toBe(code);
    expect(r.message).toContain(message);
    expect(r.errorTrail).toBeDefined();
    expect(r.errorTrail![r.errorTrail!.length - 1]).toBe(innermost);
    // The report shows the message and every position, innermost last.
    const text = formatTlc(r);
    expect(text).toContain(`Error: ${r.message}`);
    r.errorTrail!.forEach((t, i) => expect(text).toContain(`${i}. ${t}`));
  }

  it('1 + {} in Init: a type error naming + and the expression', () => {
    const r = runSpec(
      spec('EXTENDS Naturals', 'VARIABLE x', 'Init == x = 1 + {}', "Next == x' = x"),
    );
    expectEvalError(
      r,
      'type',
      75,
      'The second argument of + should be an integer, but instead it is:\n{}',
      'line 4, col 13 to line 4, col 18 of module M',
    );
    // The trail goes from Init to the sum.
    expect(r.errorTrail![0]).toBe('line 4, col 1 to line 4, col 18 of module M');
    expect(r.distinct).toBe(0);
  });

  it('a function applied outside its domain, with the trace to the state', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x < 5 /\\ x' = <<1, 2, 3>>[x + 2]",
      ),
    );
    expectEvalError(
      r,
      'domain',
      EXIT.evalError,
      'Attempted to apply function:\n<<1, 2, 3>>\nto argument 4, which is not in the domain of the function.',
      'line 5, col 23 to line 5, col 40 of module M',
    );
    // x = 0 -> x = 2 (<<1,2,3>>[2]); from x = 2 the index is 4.
    expect(r.trace?.map((s) => s.state[0])).toEqual([0, 2]);
  });

  it('CHOOSE with no witness', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x' = CHOOSE i \\in 1..3 : i > x + 1",
      ),
    );
    expectEvalError(
      r,
      'choose',
      75,
      'CHOOSE x \\in S: P, but no element of S satisfied P',
      'line 5, col 14 to line 5, col 42 of module M',
    );
    expect(r.trace?.map((s) => s.state[0])).toEqual([0, 2]);
  });

  it('integer overflow: exit code 255, naming the computation', () => {
    const r = runSpec(
      spec('EXTENDS Naturals', 'VARIABLE x', 'Init == x = 65536', "Next == x' = x * x"),
    );
    expectEvalError(
      r,
      'overflow',
      255,
      'Overflow when computing 65536*65536',
      'line 5, col 14 to line 5, col 18 of module M',
    );
  });

  it('a failing Assert: exit code 14, with its message', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals, TLC',
        'VARIABLE x',
        'Init == x = 0',
        'Next == x\' = x + 1 /\\ Assert(x < 2, "x too big")',
      ),
    );
    expect(exitCode(r)).toBe(14);
    expectEvalError(
      r,
      'assert',
      EXIT.assert,
      'The first argument of Assert evaluated to FALSE',
      'line 5, col 23 to line 5, col 48 of module M',
    );
    expect(r.message).toContain('"x too big"');
    expect(r.trace?.map((s) => s.state[0])).toEqual([0, 1, 2]);
  });

  it('a non-boolean invariant', () => {
    const r = runSpec(
      spec('VARIABLE x', 'Init == x = 0', "Next == x' = x", 'Inv == x'),
      CFG + 'INVARIANT Inv\n',
    );
    expect(r.kind).toBe('eval-error');
    expect(exitCode(r)).toBe(75);
    expect(r.message).toContain('The invariant Inv should be a boolean');
  });

  it('an error while checking ASSUME', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'ASSUME 1 + TRUE > 0',
        'Init == x = 0',
        "Next == x' = x",
      ),
    );
    expect(r.kind).toBe('eval-error');
    // TLC reports it as a failed assumption, naming it, and exits as for a false one.
    expect(r.message).toBe(
      'Evaluating assumption line 4, col 8 to line 4, col 19 of module M failed.\n' +
        'The second argument of + should be an integer, but instead it is:\nTRUE',
    );
    // Outermost first (the assumption), innermost (the sum) last, as for errors while exploring.
    expect(r.errorTrail).toEqual([
      'line 4, col 8 to line 4, col 19 of module M',
      'line 4, col 8 to line 4, col 15 of module M',
    ]);
    expect(exitCode(r)).toBe(10);
  });
});

describe('exit codes of the other outcomes', () => {
  it('a false ASSUME: 10', () => {
    const r = runSpec(spec('VARIABLE x', 'ASSUME 1 = 2', 'Init == x = 0', "Next == x' = x"));
    expect(r.kind).toBe('assume');
    expect(exitCode(r)).toBe(10);
    expect(r.message).toBe('Assumption line 3, col 8 to line 3, col 12 of module M is false.');
  });

  it('a deadlock: 11; an invariant violation: 12; success: 0', () => {
    const base = [
      'EXTENDS Naturals',
      'VARIABLE x',
      'Init == x = 0',
      "Next == x < 3 /\\ x' = x + 1",
    ];
    const dead = runSpec(spec(...base));
    expect([dead.kind, exitCode(dead), dead.trace?.length]).toEqual(['deadlock', 11, 4]);
    const inv = runSpec(spec(...base, 'Small == x < 2'), CFG + 'INVARIANT Small\n');
    expect([inv.kind, inv.property, exitCode(inv), inv.trace?.length]).toEqual([
      'invariant',
      'Small',
      12,
      3,
    ]);
    const ok = runSpec(spec(...base), CFG + 'CHECK_DEADLOCK FALSE\n');
    expect([ok.kind, exitCode(ok), ok.distinct]).toEqual(['ok', 0, 4]);
  });
});
