/**
 * Cfg forms beyond INIT/NEXT with constants of the root module, against what real TLC reported:
 * a cfg naming no behaviour for a spec without variables (TLC evaluates the ASSUMEs and the
 * constant invariants, and stops with 0 states), and module-scoped entries `x <- [Mod] def` and
 * `x = [Mod] value` (the definition x of module Mod is replaced wherever Mod is used).
 *
 * fixtures/cfg-modes/expected.json records TLC's outcomes; with TLA2TOOLS_JAR set the cases
 * also run through real TLC, which must still report them (UPDATE_TLC_FIXTURES=1 rewrites the
 * file instead). fixtures/cfg-corpus holds three corpus models that need these forms, checked
 * by the parity runner against TLC's recorded results.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { exitCode } from '../../../../conformance/tla/check/report.ts';
import { tlcErrorMessage } from '../../../../conformance/tlc/output.ts';
import {
  describeCorpusCases,
  describeRecordedTlcOutcomes,
  recordedFixtures,
} from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cfg-modes');
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'cfg-corpus');

/** What a run reported that this test compares. */
interface Outcome {
  exitCode: number;
  kind: string;
  /** The error message over all its lines; null when no error was found. */
  message: string | null;
  generated: number | null;
  distinct: number | null;
  depth: number | null;
}

const { cases, expected } = recordedFixtures<Outcome>(FIXTURES);

const files = (name: string, dir = FIXTURES) =>
  [join(dir, name, `${name}.tla`), join(dir, name, `${name}.cfg`)] as const;

/** Our outcome; a refused cfg is reported as TLC's exit code with our message. */
function ours(name: string): Outcome & { printed: string[]; warnings: string[] } {
  const printed: string[] = [];
  try {
    const r = checkModel(...files(name), { print: (l) => printed.push(l) });
    return {
      exitCode: exitCode(r),
      kind: r.kind,
      message: r.kind === 'ok' ? null : (r.message ?? null),
      generated: r.generated,
      distinct: r.distinct,
      depth: r.depth,
      printed,
      warnings: (r.warnings ?? []).map((w) => `${w.code} ${w.summary}`),
    };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return {
      exitCode: e.exitCode,
      kind: 'input-error',
      message: e.message,
      generated: null,
      distinct: null,
      depth: null,
      printed,
      warnings: [],
    };
  }
}

/** Refusals worded as TLC words them (the others say more, at the cfg's line and column). */
const TLC_WORDING = new Set([
  'ConstantInvariantFalse',
  'InitNoNext',
  'InitNoVariables',
  'NextNoVariables',
  'NoInitWithVariables',
]);

describe('cfg forms, against the outcomes TLC recorded', () => {
  it('every case has a recorded outcome, and every recorded outcome a case', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const tlc = expected[name];
    const r = ours(name);
    expect(r.exitCode).toBe(tlc.exitCode);
    if (tlc.exitCode === 151) {
      expect(r.kind).toBe('input-error');
      if (TLC_WORDING.has(name)) expect(r.message).toContain(tlc.message);
      return;
    }
    expect(r.kind).toBe(tlc.kind);
    expect(r.message).toBe(tlc.message);
    if (tlc.generated !== null) expect(r.generated).toBe(tlc.generated);
    if (tlc.distinct !== null) expect(r.distinct).toBe(tlc.distinct);
    if (tlc.depth !== null) expect(r.depth).toBe(tlc.depth);
  });

  it('evaluates the ASSUMEs of a constant model, PrintT included', () => {
    expect(ours('AssumeOnly').printed).toEqual(['9']);
  });

  it("warns, in TLC's words, about a constant invariant that holds", () => {
    expect(ours('ConstantInvariant').warnings).toEqual([
      'TLA605 The invariant Inv is a constant-level formula (i.e., it contains no variables, primes, or temporal operators) and evaluates to TRUE.',
    ]);
  });

  it('refuses a FALSE constant invariant before evaluating the ASSUMEs, as TLC does', () => {
    const r = ours('ConstantInvariantFalse');
    expect(r.message).toMatch(
      /ConstantInvariantFalse\.cfg:2:11: The invariant of Inv is equal to FALSE$/,
    );
    expect(r.printed).toEqual([]);
  });

  it('reports a wrong module-scoped entry at its place in the cfg', () => {
    expect(ours('ScopedUnknownModule').message).toMatch(
      /ScopedUnknownModule\.cfg:4:12: the cfg names module Countr in \[Countr\], but there is no module Countr$/,
    );
    expect(ours('ScopedUnknownDefinition').message).toMatch(
      /ScopedUnknownDefinition\.cfg:4:3: the cfg replaces Stride in module Counter, which defines no operator Stride$/,
    );
    expect(ours('ScopedWrongArity').message).toMatch(
      /ScopedWrongArity\.cfg:4:3: the cfg replaces Add \(2 arguments\) in module Counter with MCStep, which takes 0$/,
    );
  });
});

describeCorpusCases('corpus models that need these cfg forms (parity runner)', CORPUS);

/** TLC's outcome for each case, re-checked against the record when there is a jar. */
describeRecordedTlcOutcomes(FIXTURES, (run): Outcome => ({
  exitCode: run.exitCode,
  kind: run.exitCode === 151 ? 'input-error' : run.kind,
  message: tlcErrorMessage(run.output),
  generated: run.generated,
  distinct: run.distinct,
  depth: run.depth,
}));
