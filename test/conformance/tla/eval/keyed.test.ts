/**
 * History invariants kept up to date as the history grows: quantifiers over a growing set whose
 * body reads the set only through lookups keyed by the element (eval/keyed.ts), filters by
 * equalities alone kept as persistent buckets, and CHOOSE of the greatest integer kept on a
 * growing set. Along random histories, which branch as states of a model do, each gives what
 * the same expression gives when written so that no fast path applies (an extra conjunct that
 * reads the state), values and error messages alike; elements that lack a path, have a key
 * TLC cannot compare, or make the body raise are among those added.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedStats } from '../../../../conformance/tla/eval/keyed.ts';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { persistentSetOptions } from '../../../../conformance/tla/values/pset.ts';
import type { Value } from '../../../../conformance/tla/values/value.ts';
import { SEED } from '../values/arbitrary.ts';
import { buildSpec, cleanupSpecs } from '../support.ts';

afterAll(cleanupSpecs);

// Elements <<log, seq, value>>, and two that lack a sequence or a value: a lookup or a body
// that reads what an element lacks raises (elements TLC cannot compare cannot share a set).
const SPEC = `
EXTENDS Naturals, FiniteSets, Sequences
VARIABLE h
Pool == {<<c, q, v>> : c \\in {"a", "b", "l"}, q \\in 1..3, v \\in 0..2}
Odd == {<<"a">>, <<"b", 2>>}
Init == h = {}
Next == \\E e \\in Pool \\cup Odd : e \\notin h /\\ h' = h \\cup {e}

Incr == \\A t \\in h : t[1] \\in {"a", "b"} =>
          \\A u \\in h : u[1] = t[1] /\\ u[2] = t[2] - 1 => u[3] <= t[3]
IncrRef == \\A t \\in h : h # {} /\\ (t[1] \\in {"a", "b"} =>
          \\A u \\in h : u[1] = t[1] /\\ u[2] = t[2] - 1 => u[3] <= t[3])
Drop == \\E t \\in h : \\E u \\in h : u[1] = t[1] /\\ u[2] = t[2] + 1 /\\ u[3] < t[3]
DropRef == \\E t \\in h : h # {} /\\ \\E u \\in h : u[1] = t[1] /\\ u[2] = t[2] + 1 /\\ u[3] < t[3]
Cross == \\A t \\in h : Len(t) = 3 => \\A u \\in h : u[1] = t[1] /\\ u[3] = t[2] => u[2] >= 1
CrossRef == \\A t \\in h : h # {} /\\ (Len(t) = 3 => \\A u \\in h : u[1] = t[1] /\\ u[3] = t[2] => u[2] >= 1)
Unique == \\A t \\in h : Cardinality({u \\in h : u[1] = t[1] /\\ u[2] = t[2]}) = 1
UniqueRef == \\A t \\in h : h # {} /\\ Cardinality({u \\in h : u[1] = t[1] /\\ u[2] = t[2]}) = 1
Greatest(c) == LET bs == {t[3] : t \\in {t \\in h : t[1] = c}}
               IN IF bs = {} THEN -1 ELSE CHOOSE b \\in bs : \\A x \\in bs : x <= b
GreatestRef(c) == LET bs == {t[3] : t \\in {t \\in h : t[1] = c /\\ h # {}}}
               IN IF bs = {} THEN -1 ELSE CHOOSE b \\in bs : \\A x \\in bs : x <= b /\\ TRUE
GreatestA == Greatest("a")      GreatestARef == GreatestRef("a")
GreatestB == Greatest("b")      GreatestBRef == GreatestRef("b")
`;
const CFG = 'INIT Init\nNEXT Next\n';
const NAMES = ['Incr', 'Drop', 'Cross', 'Unique', 'GreatestA', 'GreatestB'];

describe('history invariants kept as the history grows', () => {
  const threshold = persistentSetOptions.threshold;
  // Every union persistent, so that the histories are persistent sets from the first element.
  beforeEach(() => (persistentSetOptions.threshold = 0));
  afterEach(() => (persistentSetOptions.threshold = threshold));
  const m = buildSpec(SPEC, CFG);
  const outcome = (name: string, state: Value[]): string => {
    try {
      return `value ${printValue(m.eval(name, state))}`;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return `error ${e.message}`;
    }
  };
  const agree = (state: Value[]) => {
    for (const n of NAMES) expect(outcome(n, state), n).toBe(outcome(`${n}Ref`, state));
  };

  it('give the ordinary values and errors along branching random histories', () => {
    const [init] = m.initStates();
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.nat(), pick: fc.nat(), check: fc.boolean() }), {
          maxLength: 40,
        }),
        (steps) => {
          const states = [init];
          for (const s of steps) {
            const base = states[s.from % states.length];
            const next = m.successors(base);
            if (next.length === 0) continue;
            const state = next[s.pick % next.length];
            states.push(state);
            if (s.check) agree(state);
          }
          agree(states[states.length - 1]);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('evaluate the body again only for the elements a new element can change', () => {
    const [init] = m.initStates();
    // A history of the well-formed elements of log "a" in order, checked at every step.
    let state = init;
    const path = [1, 2, 3].map((q) => `<<"a", ${q}, ${q - 1}>>`);
    const built = keyedStats.built;
    let evaluations = keyedStats.reevaluated;
    for (const element of path) {
      const next = m.successors(state).find((s) => printValue(s[0]).includes(element));
      expect(next, element).toBeDefined();
      state = next!;
      expect(outcome('Incr', state)).toBe('value TRUE');
      // The new element, and the one whose lookup it answers (seq + 1 is not there yet).
      expect(keyedStats.reevaluated - evaluations).toBeLessThanOrEqual(2);
      evaluations = keyedStats.reevaluated;
    }
    expect(keyedStats.built - built).toBe(1);
  });
});
