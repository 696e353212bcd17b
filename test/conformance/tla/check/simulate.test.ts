import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateModel } from '../../../../conformance/tla/check/run.ts';
import { seededRandom } from '../../../../conformance/tla/check/simulate.ts';
import { formatTlc } from '../../../../conformance/tla/check/report.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';

const spec = join(import.meta.dirname, '..', '..', '..', '..', 'spec');

describe('simulation (-simulate)', () => {
  it('draws the same numbers for the same seed, and others for another seed', () => {
    const a = seededRandom(7),
      b = seededRandom(7),
      c = seededRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('finds the bug-hunting model Agreement violation, and reproduces it exactly from the seed', () => {
    const run = () =>
      simulateModel(join(spec, 'Timelock.tla'), join(spec, 'models', 'PaxosBug.cfg'), {
        seed: 1,
        traces: 300,
        depth: 40,
        print: () => {},
      });
    const first = run();
    expect(first.kind).toBe('invariant');
    expect(first.property).toBe('Agreement');
    const second = run();
    expect(second.trace!.map((s) => s.state.map(printValue))).toEqual(
      first.trace!.map((s) => s.state.map(printValue)),
    );
    expect(second.generated).toBe(first.generated);
    expect(formatTlc(first)).toContain('(simulation, seed 1)');
    // As in breadth-first checking, the diagnostic names the false part of the invariant.
    expect(first.diagnostic?.code).toBe('TLA501');
    expect(first.diagnostic?.values?.map((v) => v.name)).toContain('chosen');
  });

  it('checks every state of every behaviour without error on a correct model', () => {
    const r = simulateModel(
      join(spec, 'examples', 'BoundedCounter.tla'),
      join(spec, 'examples', 'BoundedCounter.cfg'),
      {
        seed: 3,
        traces: 50,
        depth: 30,
        print: () => {},
      },
    );
    expect(r.kind).toBe('ok');
    expect(r.behaviours).toBe(50);
    expect(formatTlc(r)).toContain('Simulation completed. No error has been found.');
  });
});
