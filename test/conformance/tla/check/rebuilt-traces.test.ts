/**
 * Exploration keeps the states still to explore and, of every state found, only its
 * fingerprint, parent and action (as TLC does); an error trace is rebuilt by running the
 * recorded actions again from an initial state. These cases reduce the state space (SYMMETRY;
 * VIEW with a CONSTRAINT), so a rebuilt step must be the first successor whose *reduced*
 * fingerprint is the recorded one, as exploration admitted it.
 *
 * fixtures/rebuilt-traces/expected.json records real TLC's outcome; with TLA2TOOLS_JAR set the
 * cases also run through TLC, which must still give it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { openStorage } from '../../../../conformance/tla/check/spill/storage.ts';
import { FrontierStateStore } from '../../../../conformance/tla/check/spill/state-store.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import type { Value } from '../../../../conformance/tla/values/value.ts';
import {
  type RunOutcome,
  describeRecordedTlcOutcomes,
  ourOutcome,
  recordedFixtures,
  tlcOutcome,
} from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rebuilt-traces');

const { cases, expected } = recordedFixtures<RunOutcome>(FIXTURES);

function check(name: string, memoryLimit?: number) {
  const dir = join(FIXTURES, name);
  return checkModel(join(dir, `${name}.tla`), join(dir, `${name}.cfg`), {
    print: () => {},
    memoryLimit,
  });
}

describe('error traces rebuilt from recorded fingerprints', () => {
  it.each(cases)('%s: TLC’s counts and trace length', (name) => {
    const r = check(name);
    expect(ourOutcome(r, expected[name])).toEqual(expected[name]);
  });

  it.each(cases)('%s: the very states a run that keeps every state shows', (name) => {
    const rebuilt = check(name);
    // Under a memory limit the explorer keeps every state (on disk past the limit; this one is
    // never reached) and reads the trace back instead of rebuilding it.
    const kept = check(name, 1 << 30);
    expect(kept.kind).toBe('invariant');
    expect(rebuilt.trace!.map((s) => s.action)).toEqual(kept.trace!.map((s) => s.action));
    const printed = (state: readonly Value[]) => state.map((v) => printValue(v));
    expect(rebuilt.trace!.map((s) => printed(s.state))).toEqual(
      kept.trace!.map((s) => printed(s.state)),
    );
  });

  it('a run without liveness or a memory limit keeps only the frontier', () => {
    const plain = openStorage(2, {}, false);
    const forLiveness = openStorage(2, {}, true);
    expect([plain.store.keepsExplored, forLiveness.store.keepsExplored]).toEqual([false, true]);
  });

  it('the store forgets an explored state but not its fingerprint, parent and action', () => {
    const store = new FrontierStateStore();
    for (let i = 0; i < 10_000; i++) store.add([i], i - 1, i % 3, 1 + (i >> 8), i * 7, -i);
    for (let i = 0; i < 9_000; i++) store.explored(i);
    expect(() => store.state(5)).toThrow(/state 5 was explored and is no longer kept/);
    expect(store.state(9_500)).toEqual([9_500]);
    expect(store.fingerprint(5)).toEqual([35, -5]);
    expect([store.parent(4_321), store.action(4_321), store.level(4_321)]).toEqual([
      4_320,
      4_321 % 3,
      1 + (4_321 >> 8),
    ]);
    expect(store.count).toBe(10_000);
  });
});

describeRecordedTlcOutcomes(FIXTURES, tlcOutcome);
