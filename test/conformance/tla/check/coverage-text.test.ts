import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../../support/golden.ts';
import { formatProgress } from '../../../../conformance/tla/check/report.ts';
import { checkFixture } from './run-cli.ts';

const normaliseTime = (out: string) => out.replace(/^Finished in .*$/m, 'Finished in <time>');

describe('text output of a run', () => {
  it('prints warnings after the result and, with --coverage, the coverage table at the end', () => {
    const r = checkFixture('Vacuous', ['--coverage']);
    expect(r.code).toBe(0);
    expectGolden('stream/Vacuous-coverage.txt', normaliseTime(r.out));
  });

  it('accepts TLC spelling -coverage with its minutes argument', () => {
    const r = checkFixture('Buttons', ['-coverage', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}Press\s+\S+Buttons\.tla:7:\d+\s+3\s+12\s+7$/m);
  });

  it('prints no table without --coverage', () => {
    expect(checkFixture('Ok').out).not.toContain('Coverage');
  });
});

describe('progress line', () => {
  it("keeps TLC's wording up to the queue, then adds the rate, depth and time", () => {
    const line = formatProgress(
      {
        depth: 7,
        generated: 12000,
        distinct: 3000,
        queue: 250,
        elapsedMs: 6000,
        statesPerSecond: 2000,
      },
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(line).toBe(
      'Progress(7) at 2026-01-02 03:04:05: 12000 states generated (120000 s/min), 3000 distinct ' +
        'states found, 250 states left on queue. 2000 states/s, depth 7, 06s elapsed.',
    );
  });

  it("in simulation, keeps TLC's simulation wording and adds the same", () => {
    const line = formatProgress({
      behaviours: 40,
      depth: 100,
      generated: 9000,
      distinct: 0,
      queue: 0,
      elapsedMs: 3000,
      statesPerSecond: 3000,
    });
    expect(line).toBe(
      'Progress: 9000 states checked, 40 traces generated. 3000 states/s, longest 100 states, 03s elapsed.',
    );
  });
});
