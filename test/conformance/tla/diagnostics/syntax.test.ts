/**
 * Syntax errors that are common mistakes get their own code, place and hint; misaligned
 * bullets, which parse, get a warning, and aligned ones none.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TlaSyntaxError, parseModule } from '../../../../conformance/tla/syntax/parse.ts';
import { misalignedBullets } from '../../../../conformance/tla/diagnostics/layout.ts';
import { cleanupSpecs, writeSpec } from '../support.ts';

afterAll(cleanupSpecs);

const module = (...lines: string[]) => ['---- MODULE M ----', ...lines, '===='].join('\n');

function syntaxError(text: string): TlaSyntaxError {
  try {
    parseModule(text, 'M.tla');
  } catch (e) {
    if (e instanceof TlaSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a syntax error');
}

describe('syntax mistakes', () => {
  it("'==' in an IF condition: TLA102 under the '=='", () => {
    const e = syntaxError(module('VARIABLE x', 'Next == IF x == 1 THEN TRUE ELSE FALSE'));
    expect(e.diagnostic).toMatchObject({
      code: 'TLA102',
      location: { line: 3, col: 14, endLine: 3, endCol: 15 },
    });
    expect(e.diagnostic.hint).toContain("write '='");
  });

  it("'=' for a definition of a constant expression: TLA103 naming the definition", () => {
    const e = syntaxError(module('Limit = 3', 'Other == 4'));
    expect(e.diagnostic.code).toBe('TLA103');
    expect(e.diagnostic.summary).toContain('Limit');
    expect(e.diagnostic.location).toMatchObject({ line: 2, col: 7 });
  });

  it('any other syntax error: TLA101 at the unexpected text, message unchanged', () => {
    const e = syntaxError(module("Next == x' = x + + 1"));
    expect(e.message).toBe("M.tla:2:18: syntax error: unexpected '+'");
    expect(e.diagnostic).toMatchObject({ code: 'TLA101', location: { line: 2, col: 18 } });
  });
});

describe('misaligned bullets', () => {
  const warningsFor = (...lines: string[]) => {
    const dir = writeSpec({ 'M.tla': module(...lines) });
    return misalignedBullets([join(dir, 'M.tla')]);
  };

  it('warn at a conjunction bullet left of its list, naming the list column', () => {
    const [w, ...rest] = warningsFor(
      'VARIABLES x, y',
      'Next == /\\ x < 3',
      "        /\\ x' = x + 1",
      "       /\\ y' = y",
    );
    expect(rest).toEqual([]);
    expect(w).toMatchObject({
      code: 'TLA104',
      severity: 'warning',
      location: { line: 5, col: 8 },
    });
    expect(w.summary).toContain('column 9');
  });

  it('stay quiet for aligned lists, nested lists and infix operators inside a line', () => {
    expect(
      warningsFor(
        'VARIABLES x, y',
        'Next == \\/ /\\ x < 3',
        "           /\\ x' = x + 1 /\\ y' = y",
        '        \\/ /\\ x = 3',
        "           /\\ x' = 0",
        '           /\\ UNCHANGED y',
      ),
    ).toEqual([]);
  });
});
