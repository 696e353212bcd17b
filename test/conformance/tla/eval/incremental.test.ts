/**
 * Indexed filters and quantifiers, and maintained comprehensions, against the ordinary
 * evaluation: on random message sets (records with missing fields and fields of unusual kinds),
 * each expression gives the same value, or raises the same error with the same trail, whether
 * `msgs` is a sorted array or a persistent set grown one insert at a time (so that indexes and
 * maintained results are built early and then maintained).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { union } from '../../../../conformance/tla/eval/builtins.ts';
import { maintainedStats } from '../../../../conformance/tla/eval/maintained.ts';
import { Ctx } from '../../../../conformance/tla/eval/runtime.ts';
import { Scope } from '../../../../conformance/tla/eval/scope.ts';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { indexStats } from '../../../../conformance/tla/values/pset-index.ts';
import {
  PersistentSet as PersistentSetClass,
  type PersistentSet,
  emptyPersistentSet,
} from '../../../../conformance/tla/values/pset.ts';
import {
  type SetValue,
  type Value,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';
import { VisibleSubset } from '../../../../conformance/tla/values/visible.ts';
import { SEED, message, tryOrdinarySet } from '../values/arbitrary.ts';
import { buildSpec, cleanupSpecs } from '../support.ts';

afterAll(cleanupSpecs);

const SPEC = `
EXTENDS Naturals
CONSTANTS c1, c2
VARIABLE msgs
Init == msgs = {}
Next == UNCHANGED msgs

F(L, q) == {m \\in msgs : m.type = "promise" /\\ m.log = L /\\ m.seq = q}
G(L, q) == {m \\in msgs : m.type = "promise" /\\ m.log = L /\\ m.seq = q /\\ m.bal # -2}
E(L, q) == \\E m \\in msgs : m.type = "accept" /\\ m.log = L /\\ m.seq > q
NE(L) == ~\\E m \\in msgs : "accept" = m.type /\\ m.log = L /\\ m.bal[1] = 1
A1(L) == \\A m \\in msgs : ~(m.type = "accept" /\\ m.log = L)
A2(L) == \\A m \\in msgs : m.type = "prepare" /\\ m.log = L => m.seq > 1

T1 == F("leader", 1)
T1G == G("leader", 1)
T2 == F(c1, 2)
T3 == F(3, 1)
T4 == E("leader", 1)
T5 == E(c2, 0)
T6 == NE("leader")
T7 == NE(c1)
T8 == A1("leader")
T9 == A2(c1)
T10 == A2(<<1>>)

M1 == \\A m \\in msgs : m.seq > 0
M2 == {m.seq : m \\in msgs}
M3 == {m \\in msgs : m.type = "promise"}
M4 == \\E m \\in msgs : m.from = 3
M5 == \\A m \\in msgs : m.type \\in {"prepare", "promise", "accept"}
`;

const NAMES = [
  ...Array.from({ length: 10 }, (_, i) => `T${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `M${i + 1}`),
];

const CFG = 'CONSTANTS c1 = c1 c2 = c2\nINIT Init\nNEXT Next\n';

function outcome(f: () => Value): string {
  try {
    return `value ${printValue(f())}`;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    const trail = e.trail.map((r) => `${r.line}:${r.col}`).join(' ');
    return `error ${e.message} @ ${trail}`;
  }
}

describe('indexed and maintained comprehensions', () => {
  const m = buildSpec(SPEC, CFG);
  const evalIn = (name: string, msgs: SetValue) => outcome(() => m.eval(name, [msgs]));

  it('give the ordinary results and errors on random message sets', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (xs, every) => {
          const model = tryOrdinarySet(xs);
          if (!model) return;
          // Grow a persistent set one insert at a time, evaluating along the way.
          let p: PersistentSet | undefined = emptyPersistentSet();
          for (let i = 0; i < xs.length && p; i++) {
            p = p.insertAll([xs[i]], i);
            if (p && i % every === 0) for (const n of NAMES) evalIn(n, p);
          }
          if (!p) return; // a message that may not compare: such a set stays a sorted array
          for (const n of NAMES) expect(evalIn(n, p), n).toBe(evalIn(n, model));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  const promises = (): PersistentSet => {
    let p = emptyPersistentSet();
    for (let i = 0; i < 1000; i++) {
      const msg = recordOf([
        ['type', str(i % 2 === 0 ? 'promise' : 'accept')],
        ['log', str('leader')],
        ['seq', Math.floor(i / 2) % 50],
        ['bal', i],
      ]);
      p = p.insertAll([msg], undefined)!;
    }
    return p;
  };
  const onePromiseMore = (p: PersistentSet): PersistentSet =>
    p.insertAll(
      [
        recordOf([
          ['type', str('promise')],
          ['log', str('leader')],
          ['seq', 1],
          ['bal', -1],
        ]),
      ],
      undefined,
    )!;

  it('answer from the bucket: the condition is evaluated on the matching elements only', () => {
    const p = promises();
    expect((m.eval('T1G', [p]) as SetValue).size()).toBe(10); // builds the index
    // The next version inherits the index, maintained by the insert: a query reads one bucket.
    const q = onePromiseMore(p);
    const before = { ...indexStats };
    expect((m.eval('T1G', [q]) as SetValue).size()).toBe(11);
    expect(indexStats.answered - before.answered).toBe(1);
    expect(indexStats.bucketElements - before.bucketElements).toBe(11);
    expect(indexStats.built).toBe(before.built);
  });

  it('answer a filter by equalities alone with the bucket, grown from the previous one', () => {
    const p = promises();
    const had = m.eval('T1', [p]);
    expect(had).toBeInstanceOf(PersistentSetClass);
    // A mark on the answer is carried to the sets made from it by inserts only.
    const mark = {};
    const carried = { added: () => carried };
    (had as PersistentSet).attach(mark, carried);
    const before = { ...indexStats };
    const now = m.eval('T1', [onePromiseMore(p)]) as PersistentSet;
    expect(now.size()).toBe(11);
    // No element evaluated, and the set made from the previous answer by one insert.
    expect(indexStats.bucketElements - before.bucketElements).toBe(0);
    expect(now.elements().filter((x) => !(had as PersistentSet).contains(x))).toHaveLength(1);
    expect(now.attachment(mark)).toBe(carried);
  });

  it('maintain results on inserts instead of recomputing them', () => {
    let p = emptyPersistentSet();
    for (let i = 0; i < 100; i++)
      p = p.insertAll(
        [
          recordOf([
            ['type', str('prepare')],
            ['seq', i + 1],
          ]),
        ],
        undefined,
      )!;
    expect(m.eval('M1', [p])).toBe(true);
    const built = maintainedStats.built;
    const q = p.insertAll(
      [
        recordOf([
          ['type', str('prepare')],
          ['seq', 0],
        ]),
      ],
      undefined,
    )!;
    expect(m.eval('M1', [q])).toBe(false);
    expect(m.eval('M1', [p])).toBe(true);
    expect(maintainedStats.built).toBe(built);
    expect((m.eval('M2', [q]) as SetValue).size()).toBe(101);
  });

  it('see only the visible elements of a visible subset', () => {
    let p = emptyPersistentSet();
    const msgs: Value[] = [];
    for (let i = 0; i < 40; i++) {
      const msg = recordOf([
        ['type', str(['prepare', 'promise', 'accept'][i % 3])],
        ['log', str('leader')],
        ['seq', i % 4],
        ['bal', i % 2 === 0 ? 1 : 2],
        ['id', i],
      ]);
      msgs.push(msg);
      p = p.insertAll([msg], i)!;
    }
    const view = new VisibleSubset(p, (tag) => tag !== undefined && tag % 5 !== 0);
    const model = tryOrdinarySet(msgs.filter((_, i) => i % 5 !== 0))!;
    expect(view.size()).toBe(model.size());
    for (const msg of msgs) expect(view.contains(msg)).toBe(model.contains(msg));
    for (const n of NAMES) expect(evalIn(n, view), n).toBe(evalIn(n, model));
    // A union with the view is a union with the whole network (the deliberate replay rule).
    const extra = recordOf([
      ['type', str('ping')],
      ['id', 99],
    ]);
    const grown = m.model.compiler.expr(
      {
        k: 'apply',
        name: '$cup',
        text: '\\cup',
        args: [
          { k: 'ident', name: 'msgs', loc: m.model.initLoc },
          { k: 'setEnum', elems: [], loc: m.model.initLoc },
        ],
        loc: m.model.initLoc,
      },
      new Scope(m.model.root),
    )(null, new Ctx([view], null, m.model.runtime)) as SetValue;
    expect(grown.size()).toBe(40);
    m.model.runtime.insertTag = 123;
    const withPing = union(view, setOf([extra]), m.model.runtime.insertTag) as PersistentSet;
    m.model.runtime.insertTag = undefined;
    expect(withPing.size()).toBe(41);
    expect(withPing.lookup(extra)).toEqual({ tag: 123 });
  });
});
