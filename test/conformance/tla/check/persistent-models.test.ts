/**
 * The differential run on the Timelock models: with the persistent-set threshold at 0 every
 * finite union builds a persistent set, and the counts and verdicts must be the recorded ones,
 * the error report that of the ordinary engine. (A file of its own: strings are interned per
 * process, in order of first appearance, so these models must not follow other specs.)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { persistentSetOptions } from '../../../../conformance/tla/values/pset.ts';
import { ordinary, report } from './persistent-support.ts';

const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'spec');

const saved = persistentSetOptions.threshold;
beforeAll(() => {
  persistentSetOptions.threshold = 0;
});
afterAll(() => {
  persistentSetOptions.threshold = saved;
});

describe('every set persistent (threshold 0): Timelock models', () => {
  const models = [
    { cfg: 'PaxosBug.cfg', kind: 'invariant', distinct: 22297, generated: 186389, depth: 13 },
    { cfg: 'TimelockCI.cfg', kind: 'ok', distinct: 90258, generated: 1178315, depth: 37 },
  ];
  it.each(models)(
    'spec/models/$cfg gives its recorded result',
    (m) => {
      const run = () =>
        checkModel(join(SPEC, 'Timelock.tla'), join(SPEC, 'models', m.cfg), { print: () => {} });
      const r = run();
      expect([r.kind, r.distinct, r.generated, r.depth]).toEqual([
        m.kind,
        m.distinct,
        m.generated,
        m.depth,
      ]);
      if (r.kind !== 'ok') expect(report(r)).toBe(report(ordinary(run)));
    },
    600_000,
  );
});
