/**
 * A cfg with several mistakes reports them all in one run, in source order: its syntax errors
 * (the parser recovers at the next section) and the names it gives that the spec does not
 * define. One mistake still gives exactly one error, worded as before.
 *
 * Design: when the cfg has syntax errors, what did parse is still bound to the spec, and the
 * names it gives wrongly (unknown constants, undefined INIT, INVARIANT, ...) are reported with
 * the syntax errors. What is *missing* (no INIT, a constant without a value) is then not
 * reported, since it may be in the part that did not parse; that comes once the syntax is fixed.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../../conformance/tla/check/report.ts';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { cleanupSpecs, writeSpec } from '../support.ts';

afterAll(cleanupSpecs);

const MISTAKES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mistakes');

/** Runs `tla` against `cfg` expecting an InputError. */
function inputErrorOf(tla: string, cfg: string): InputError {
  try {
    checkModel(tla, cfg, { print: () => {} });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** M.tla (with `lines` after its header) and M.cfg (`cfg`) in a new folder; the errors, as `line:col: reason`. */
function errorsOf(lines: string[], cfg: string): { e: InputError; errors: string[] } {
  const dir = writeSpec({ 'M.tla': lines.join('\n'), 'M.cfg': cfg });
  const e = inputErrorOf(join(dir, 'M.tla'), join(dir, 'M.cfg'));
  const prefix = `${join(dir, 'M.cfg')}:`;
  return { e, errors: e.errors.map((x) => x.message.replace(prefix, '').trim()) };
}

const SPEC = [
  'EXTENDS Naturals',
  'CONSTANT N',
  'VARIABLE x',
  'Init == x = 0',
  "Next == x' = (x + 1) % N",
  'TypeOK == x \\in 0..N',
];

describe('a cfg with several mistakes', () => {
  it('reports a syntax mistake, an undeclared constant and an undefined invariant together', () => {
    const e = inputErrorOf(
      join(MISTAKES, 'CfgSyntaxAndNames.tla'),
      join(MISTAKES, 'CfgSyntaxAndNames.cfg'),
    );
    expect(e.exitCode).toBe(EXIT.cfgError);
    expect(
      e.errors.map((x) => [
        x.diagnostic?.code,
        x.diagnostic?.location?.line,
        x.diagnostic?.location?.col,
      ]),
    ).toEqual([
      ['TLA304', 3, 3], // Limit = 10: no such constant
      ['TLA302', 5, 11], // NEXT Next Extra: a syntax error
      ['TLA304', 6, 11], // INVARIANT TypeOk: not defined (TypeOK is)
    ]);
    expect(e.errors[1]?.message).toContain("unknown keyword 'Extra' (NEXT takes exactly one name)");
    expect(e.errors[2]?.message).toContain('INVARIANT TypeOk is not defined in module');
    // The error's own message and diagnostic are the first in the file.
    expect(e.message).toBe(e.errors[0]?.message);
    expect(e.diagnostic).toBe(e.errors[0]?.diagnostic);
  });

  it('reports every binding mistake of a cfg without syntax errors', () => {
    const { e, errors } = errorsOf(
      SPEC,
      [
        'CONSTANTS N = 3 Extra = 1',
        'INIT Init',
        'NEXT Nxt',
        'INVARIANT TypeOK Missing',
        'CONSTRAINT Bound',
      ].join('\n'),
    );
    expect(e.exitCode).toBe(151);
    expect(errors).toEqual([
      '1:17: the cfg gives a value to Extra, which the spec does not declare or define',
      '3:6: NEXT Nxt is not defined in module M',
      '4:18: INVARIANT Missing is not defined in module M',
      '5:12: CONSTRAINT Bound is not defined in module M',
    ]);
  });

  it('lists the errors without a place in the cfg after the others', () => {
    const { errors } = errorsOf(
      ['CONSTANT N, K', 'VARIABLE x', 'Init == x = 0', "Next == x' = x"],
      'INIT Init\nNEXT Next\nINVARIANT Inv\n',
    );
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe('3:11: INVARIANT Inv is not defined in module M');
    expect(errors[1]).toMatch(/^the constant N \(M\.tla:2:10\) has no value/);
    expect(errors[2]).toMatch(/^the constant K \(M\.tla:2:13\) has no value/);
  });

  it('does not report the constant a misspelt entry was meant for as missing', () => {
    // One mistake: `Limt` for `Limit`. Not also "the constant Limit has no value".
    const limit = ['CONSTANT Limit', 'VARIABLE x', 'Init == x = 0', "Next == x' = x"];
    expect(errorsOf(limit, 'CONSTANT Limt = 3\nINIT Init\nNEXT Next\n').errors).toEqual([
      '1:10: the cfg gives a value to Limt, which the spec does not declare or define',
    ]);
    expect(errorsOf(SPEC, 'CONSTANT N <- Undefined\nINIT Init\nNEXT Next\n').errors).toEqual([
      '1:10: the cfg replaces N with Undefined, which is not defined',
    ]);
  });

  it('does not report what is missing when the cfg has syntax errors', () => {
    // INIT's name is broken and N's value too: neither "no INIT" nor "N has no value" follows.
    const { errors } = errorsOf(SPEC, 'CONSTANT N == 3\nINIT 4\nNEXT Next\nINVARIANT Inv\n');
    expect(errors).toEqual([
      "1:13: expected a value after '=' in the entry for 'N', found '='",
      "2:6: expected a name after 'INIT', found '4'",
      '4:11: INVARIANT Inv is not defined in module M',
    ]);
  });

  it('reports only the syntax errors when the spec cannot be loaded', () => {
    const { e, errors } = errorsOf(
      ['VARIABLE x', 'Init == x = ', "Next == x' = x"],
      'INIT Init\nNEXT Next Extra\nINVARIANT Missing\n',
    );
    expect(e.exitCode).toBe(151);
    expect(errors).toEqual(["2:11: unknown keyword 'Extra' (NEXT takes exactly one name)"]);
  });

  it('still gives one error, worded as before, for one mistake', () => {
    const one = (name: string) =>
      inputErrorOf(join(MISTAKES, `${name}.tla`), join(MISTAKES, `${name}.cfg`));
    const keyword = one('BadCfgKeyword');
    expect(keyword.errors).toHaveLength(1);
    expect(keyword.message).toBe(
      `${join(MISTAKES, 'BadCfgKeyword.cfg')}:3:1: unknown keyword 'INVARINT' (did you mean INVARIANT?)`,
    );
    const constant = one('BadCfgConstant');
    expect(constant.errors).toHaveLength(1);
    expect(constant.message).toBe(
      `${join(MISTAKES, 'BadCfgConstant.cfg')}:1:13: expected a value after '=' in the entry for 'N', found '='`,
    );
    expect(one('MissingConstant').errors).toHaveLength(1);
    const { errors } = errorsOf(SPEC, 'CONSTANT N = 3\nINIT Init\nNEXT Next\nINVARIANT TypeOk\n');
    expect(errors).toEqual(['4:11: INVARIANT TypeOk is not defined in module M']);
  });
});
