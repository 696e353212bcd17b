/**
 * The newcomer's mistake set: small broken specs (and cfgs), each of which must get a
 * diagnostic that names the culprit and its exact place, with a rendered form kept as a golden
 * file so that what people read is reviewed like code.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import type { Diagnostic } from '../../../../conformance/tla/diagnostics/diagnostic.ts';
import { renderDiagnostic } from '../../../../conformance/tla/diagnostics/render.ts';
import { expectGolden } from '../../../support/golden.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mistakes');

/** The diagnostic a run of fixture `name` produces: of its input error, its result, or its first warning. */
function diagnosticOf(name: string): Diagnostic {
  try {
    const r = checkModel(join(FIXTURES, `${name}.tla`), join(FIXTURES, `${name}.cfg`), {
      print: () => {},
    });
    const d = r.warnings?.find((w) => w.code.startsWith('TLA1')) ?? r.diagnostic;
    if (!d) throw new Error(`${name}: the run (${r.kind}) gave no diagnostic`);
    return d;
  } catch (e) {
    if (e instanceof InputError && e.diagnostic) return e.diagnostic;
    throw e;
  }
}

interface Mistake {
  name: string;
  code: string;
  /** Text the summary must contain: the culprit's name or value. */
  names: string[];
  file: 'tla' | 'cfg';
  line: number;
  col: number;
}

const MISTAKES: Mistake[] = [
  { name: 'UndefinedName', code: 'TLA201', names: ["'Limt'"], file: 'tla', line: 7, col: 21 },
  { name: 'EqEqForEq', code: 'TLA102', names: ["'=='"], file: 'tla', line: 7, col: 15 },
  { name: 'EqForEqEq', code: 'TLA103', names: ['Init', "'=='"], file: 'tla', line: 5, col: 6 },
  { name: 'WrongArity', code: 'TLA202', names: ['Inc', '1', '2'], file: 'tla', line: 7, col: 14 },
  {
    name: 'MisalignedBullet',
    code: 'TLA104',
    names: ['/\\', 'column 9'],
    file: 'tla',
    line: 13,
    col: 8,
  },
  { name: 'MissingEnd', code: 'TLA105', names: ["'===='"], file: 'tla', line: 6, col: 25 },
  { name: 'MissingConstant', code: 'TLA303', names: ['constant N'], file: 'tla', line: 4, col: 10 },
  {
    name: 'UnassignedVariable',
    code: 'TLA405',
    names: ['Tick', 'y, z'],
    file: 'tla',
    line: 6,
    col: 9,
  },
  { name: 'TypeMismatch', code: 'TLA401', names: ['+', 'FALSE'], file: 'tla', line: 6, col: 17 },
  { name: 'DomainError', code: 'TLA402', names: ['4'], file: 'tla', line: 8, col: 13 },
  { name: 'ChooseNoWitness', code: 'TLA403', names: ['CHOOSE i'], file: 'tla', line: 6, col: 14 },
  { name: 'Overflow', code: 'TLA404', names: ['65536*65536'], file: 'tla', line: 6, col: 14 },
  {
    name: 'UnboundedQuantifier',
    code: 'TLA406',
    names: ['\\E v'],
    file: 'tla',
    line: 6,
    col: 9,
  },
  { name: 'BadCfgKeyword', code: 'TLA302', names: ['INVARINT'], file: 'cfg', line: 3, col: 1 },
  { name: 'BadCfgConstant', code: 'TLA301', names: ["'N'"], file: 'cfg', line: 1, col: 13 },
  {
    name: 'InvariantViolated',
    code: 'TLA501',
    names: ['Inv', 'v + x < 5', 'v = 2'],
    file: 'tla',
    line: 10,
    col: 13,
  },
];

describe("the newcomer's mistake set", () => {
  it.each(MISTAKES)('$name: $code at $file $line:$col', (m) => {
    const d = diagnosticOf(m.name);
    expect(d.code).toBe(m.code);
    for (const n of m.names) expect(d.summary).toContain(n);
    expect(d.location).toMatchObject({
      file: join(FIXTURES, `${m.name}.${m.file}`),
      line: m.line,
      col: m.col,
    });
    expect(d.hint, 'a newcomer is told how to fix it').toBeTruthy();
    expectGolden(`diagnostics/${m.name}.txt`, renderDiagnostic(d, { relativeTo: FIXTURES }) + '\n');
  });

  it('covers at least twelve mistakes, each with its own code', () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(MISTAKES.map((m) => m.code)).size).toBe(MISTAKES.length);
  });
});
