/**
 * The differential run on the Timelock models: with the persistent-set threshold at 0 every
 * finite union builds a persistent set, and the counts and verdicts must be the recorded ones,
 * the error report that of the ordinary engine. (A file of its own: strings are interned per
 * process, in order of first appearance, so these models must not follow other specs.)
 */
import { readFileSync } from 'node:fs';
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
  // The results spec/models.json records (and TLC confirmed) for two of the models.
  const recorded = JSON.parse(readFileSync(join(SPEC, 'models.json'), 'utf8')) as Array<{
    name: string;
    expected: { result: string; distinct: number; generated: number; depth: number };
  }>;
  const models = ['PaxosBug', 'TimelockCI'].map((name) => {
    const { expected } = recorded.find((m) => m.name === name)!;
    return { cfg: `${name}.cfg`, kind: expected.result, ...expected };
  });
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
