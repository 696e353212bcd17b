/**
 * The text form of a diagnostic: code and summary, place, the source line with carets under
 * the culprit, values, chain and hint, with paths relative to a chosen folder.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../../conformance/tla/diagnostics/diagnostic.ts';
import { renderDiagnostic } from '../../../../conformance/tla/diagnostics/render.ts';
import { expectGolden } from '../../../support/golden.ts';
import { cleanupSpecs, writeSpec } from '../support.ts';

afterAll(cleanupSpecs);

const SOURCE = [
  '---- MODULE M ----',
  'EXTENDS Naturals',
  'VARIABLE x',
  'Next == /\\ x < 3',
  "        /\\ x' = x + 1",
  '====',
].join('\n');

describe('renderDiagnostic', () => {
  const dir = writeSpec({ 'M.tla': SOURCE });
  const file = join(dir, 'M.tla');

  it('shows every part: place, excerpt with carets, values, chain and hint', () => {
    const d: Diagnostic = {
      code: 'TLA402',
      severity: 'error',
      summary: 'the argument 4 is not in the domain of the function',
      location: { file, line: 5, col: 19, endLine: 5, endCol: 23 },
      values: [
        { name: 'argument', value: '4' },
        { name: 'domain', value: '1..3' },
      ],
      chain: [{ name: 'Next', location: { file, line: 4, col: 9 } }, { name: 'Inc(2)' }],
      hint: 'guard the application',
    };
    expectGolden(
      'diagnostics/render-all-parts.txt',
      renderDiagnostic(d, { relativeTo: dir }) + '\n',
    );
  });

  it('puts carets under each line of a range over several lines', () => {
    const text = renderDiagnostic(
      {
        code: 'TLA405',
        severity: 'error',
        summary: 'action Next does not give y a value',
        location: { file, line: 4, col: 9, endLine: 5, endCol: 21 },
      },
      { relativeTo: dir },
    );
    expect(text.split('\n').slice(3)).toEqual([
      '4 | Next == /\\ x < 3',
      '  |         ^^^^^^^^',
      "5 |         /\\ x' = x + 1",
      '  |         ^^^^^^^^^^^^^',
    ]);
  });

  it('underlines the word at a place without an end, and keeps absolute paths outside the folder', () => {
    const text = renderDiagnostic(
      {
        code: 'TLA201',
        severity: 'error',
        summary: "unknown identifier 'Next'",
        location: { file, line: 4, col: 1 },
      },
      { relativeTo: join(dir, 'elsewhere') },
    );
    expect(text).toContain(` --> ${file}:4:1`);
    expect(text.endsWith('\n  | ^^^^')).toBe(true);
  });

  it('prints the place without an excerpt when the file cannot be read', () => {
    const text = renderDiagnostic({
      code: 'TLA301',
      severity: 'error',
      summary: 'bad',
      location: { file: join(dir, 'missing.cfg'), line: 2, col: 3 },
    });
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('missing.cfg:2:3');
  });
});
