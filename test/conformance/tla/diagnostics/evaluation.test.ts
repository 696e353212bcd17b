/**
 * Diagnostics of runs that fail while checking: the definitions that led to an evaluation
 * error, outermost first with where each was applied; the innermost false part of a violated
 * invariant with the witness of a failing quantifier; and the TLC-style result left as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupSpecs, runSpec } from '../support.ts';

afterAll(cleanupSpecs);

const spec = (...lines: string[]) => lines.join('\n');

describe('evaluation error diagnostics', () => {
  it('show the chain of definitions from the sub-action to the failing expression', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals', // line 2
        'VARIABLE x',
        'Inc(n) == n + TRUE',
        "Send(p) == x' = Inc(p)",
        'Init == x = 0',
        'Next == \\E p \\in {1, 2} : Send(p)',
      ),
    );
    expect(r.kind).toBe('eval-error');
    expect(r.message).toContain('The second argument of + should be an integer');
    const d = r.diagnostic!;
    expect(d.code).toBe('TLA401');
    expect(d.summary).toBe('the second argument of + should be an integer, but it is boolean TRUE');
    expect(d.location).toMatchObject({ line: 4, col: 11, endLine: 4, endCol: 18 });
    expect(d.values).toEqual([{ name: 'second argument of +', value: 'TRUE' }]);
    expect(d.chain?.map((c) => c.name)).toEqual(['Send(1)', 'Inc']);
    expect(d.chain?.[1].location).toMatchObject({ line: 5, col: 17 });
  });

  it('start the chain at the invariant when the error is in an invariant', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x' = x + 1",
        'Ratio == 10 \\div (2 - x)',
        'Inv == Ratio < 100',
      ),
      'INIT Init\nNEXT Next\nINVARIANT Inv\n',
    );
    expect(r.kind).toBe('eval-error');
    expect(r.diagnostic?.chain?.map((c) => c.name)).toEqual(['Inv', 'Ratio']);
    expect(r.diagnostic?.location).toMatchObject({ line: 6, col: 10 });
  });

  it('name every variable an initial predicate leaves unassigned', () => {
    const r = runSpec(spec('VARIABLES x, y, z', 'Init == y = 1', 'Next == UNCHANGED <<x, y, z>>'));
    expect(r.kind).toBe('eval-error');
    expect(r.message).toContain('variable x is not assigned');
    expect(r.diagnostic?.code).toBe('TLA405');
    expect(r.diagnostic?.summary).toBe('the initial predicate does not give x, z a value');
    expect(r.diagnostic?.location).toMatchObject({ line: 3, col: 9 });
  });
});

describe('invariant violation diagnostics', () => {
  it('follow implications and IF down to the false part, with the witness', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x < 3 /\\ x' = x + 1",
        'TypeOK == x \\in 0..3',
        'Safe == \\A i \\in 1..3 : i <= x => IF i > 1 THEN x - i < 1 ELSE TRUE',
        'Inv == TypeOK /\\ Safe',
      ),
      'INIT Init\nNEXT Next\nINVARIANT Inv\n',
    );
    expect(r.kind).toBe('invariant');
    expect(r.message).toBeUndefined();
    const d = r.diagnostic!;
    expect(d.code).toBe('TLA501');
    expect(d.summary).toBe('invariant Inv is violated: x - i < 1 is FALSE for i = 2');
    expect(d.location).toMatchObject({ line: 7, col: 49 });
    expect(d.values).toEqual([
      { name: 'i', value: '2' },
      { name: 'x', value: '3' },
    ]);
    expect(d.chain?.map((c) => c.name)).toEqual(['Inv', 'Safe']);
  });

  it('stop at a false disjunction and show its values', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals',
        'VARIABLE x',
        'Init == x = 0',
        "Next == x' = x + 1",
        'Inv == x = 0 \\/ x = 2',
      ),
      'INIT Init\nNEXT Next\nINVARIANT Inv\n',
    );
    expect(r.diagnostic?.summary).toBe('invariant Inv is violated: x = 0 \\/ x = 2 is FALSE');
    expect(r.diagnostic?.location).toMatchObject({ line: 6, col: 8 });
  });
});

describe('other outcomes', () => {
  it('a deadlock points at NEXT in the cfg and says how to allow stopping', () => {
    const r = runSpec(spec('VARIABLE x', 'Init == x = 0', "Next == x = 1 /\\ x' = x"));
    expect(r.kind).toBe('deadlock');
    expect(r.diagnostic).toMatchObject({ code: 'TLA503', location: { line: 2, col: 6 } });
    expect(r.diagnostic?.location?.file).toMatch(/M\.cfg$/);
    expect(r.diagnostic?.hint).toContain('CHECK_DEADLOCK FALSE');
  });

  it('a false assumption is named by its formula', () => {
    const r = runSpec(
      spec('EXTENDS Naturals', 'VARIABLE x', 'ASSUME 1 > 2', 'Init == x = 0', "Next == x' = x"),
    );
    expect(r.kind).toBe('assume');
    expect(r.diagnostic).toMatchObject({
      code: 'TLA504',
      summary: 'the assumption 1 > 2 is false',
      location: { line: 4, col: 1 },
    });
  });

  it('a failed Assert shows its message', () => {
    const r = runSpec(
      spec(
        'EXTENDS Naturals, TLC',
        'VARIABLE x',
        'Init == x = 0',
        'Next == /\\ Assert(x < 1, "x too big")',
        "        /\\ x' = x + 1",
      ),
    );
    expect(r.diagnostic).toMatchObject({
      code: 'TLA407',
      summary: 'Assert failed: "x too big"',
      location: { line: 5, col: 12 },
    });
  });
});
