import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import type { CheckResult } from '../../../../conformance/tla/check/explorer.ts';
import { WARNING_CODES } from '../../../../conformance/tla/check/warnings.ts';
import { root, streamFixtures } from './run-cli.ts';

const parity = join(root, 'test/conformance/tla/fixtures/parity');

function check(dir: string, module: string, opts: { maxDepth?: number } = {}): CheckResult {
  return checkModel(join(dir, `${module}.tla`), join(dir, `${module}.cfg`), {
    ...opts,
    print: () => {},
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('per-action statistics', () => {
  it('counts each sub-action of a split \\E and adds them up per action name', () => {
    const stats = check(join(root, streamFixtures), 'Buttons').actionStats!;
    expect(stats.actions.map((a) => a.label)).toEqual(['Press(1)', 'Press(2)', 'Press(3)', 'Next']);
    // Each button is pressed from the 4 of the 8 subsets that lack it.
    expect(stats.actions.map((a) => a.generated)).toEqual([4, 4, 4, 1]);
    // Turning everything off only returns to the initial state: never a new state.
    expect(stats.actions[3].distinct).toBe(0);
    expect(stats.byName).toMatchObject([
      { name: 'Press', loc: { line: 7 }, disjuncts: 3, generated: 12, distinct: 7 },
      { name: 'Next', loc: { line: 8 }, disjuncts: 1, generated: 1, distinct: 0 },
    ]);
  });

  it.each([
    ['13-actions-bullets', 'Elevator'],
    ['20-state-constraint', 'Walk'],
    ['22-symmetry', 'Locks'],
    ['24-view', 'Sampler'],
    ['27-duplicate-successors', 'Echo'],
  ])('add up to the run totals: %s', (dir, module) => {
    const caseDir = join(parity, dir);
    const r = check(caseDir, module);
    const s = r.actionStats!;
    expect(s.initial.generated + sum(s.actions.map((a) => a.generated))).toBe(r.generated);
    expect(s.initial.distinct! + sum(s.actions.map((a) => a.distinct!))).toBe(r.distinct);
    expect(sum(s.byName.map((g) => g.generated))).toBe(sum(s.actions.map((a) => a.generated)));
  });
});

describe('warnings', () => {
  const codes = (r: CheckResult) => (r.warnings ?? []).map((w) => w.code);

  it('are all documented in docs/output.md', () => {
    const doc = readFileSync(join(root, 'docs', 'output.md'), 'utf8');
    for (const code of Object.values(WARNING_CODES)) expect(doc).toContain(`**${code}**`);
  });

  it('flags every hollow part of a passing run', () => {
    const r = check(join(root, streamFixtures), 'Vacuous');
    expect(r.kind).toBe('ok');
    expect(codes(r).sort()).toEqual(['TLA601', 'TLA602', 'TLA603', 'TLA604']);
    expect(r.warnings!.find((w) => w.code === 'TLA601')!.summary).toBe(
      'Action Jump was never enabled in 4 distinct states.',
    );
    expect(r.warnings!.find((w) => w.code === 'TLA602')!.summary).toContain('CONSTRAINT Small');
  });

  it('says nothing about a run where every action ran and every premise held', () => {
    expect(codes(check(join(root, streamFixtures), 'Ok'))).toEqual([]);
  });

  it('does not call an action never enabled when --depth cut the run short', () => {
    const r = check(join(root, streamFixtures), 'Ok', { maxDepth: 2 });
    expect(r.actionStats!.actions.find((a) => a.label === 'Reset')!.generated).toBe(0);
    expect(codes(r)).toEqual([]);
  });

  it('does not judge coverage of a run stopped by a violation', () => {
    expect(codes(check(join(root, streamFixtures), 'Invariant'))).toEqual([]);
  });
});
