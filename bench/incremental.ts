/**
 * `npm run bench:incremental`: what one operation on a growing message set costs, by the size of
 * the set, with persistent sets (and, for the smaller sizes, with the ordinary sorted arrays for
 * comparison). The set holds records shaped like spec/Paxos.tla's messages; each measured step
 * inserts one new message (`msgs \cup {m}`) and evaluates, on the new version, a
 * Promises-style filter, a `~\E` accept lookup, a membership test, and a maintained
 * `\A r \in served : ...` over a history set growing alongside. Flat columns mean the cost per
 * event does not depend on history. "whole step" is the wall time of one step: the six operations,
 * making the message, and the garbage collection they cause (with a million records live, the
 * collector's pauses grow with the heap).
 *
 *   npm run bench:incremental -- [--sizes 1000,10000,100000,1000000] [--ops 2000]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseCfg } from '../conformance/tla/check/cfg.ts';
import { buildModel } from '../conformance/tla/check/model.ts';
import { Ctx, type Fn } from '../conformance/tla/eval/runtime.ts';
import { Scope } from '../conformance/tla/eval/scope.ts';
import {
  type PersistentSet,
  emptyPersistentSet,
  persistentSetOptions,
} from '../conformance/tla/values/pset.ts';
import {
  type SetValue,
  TupleValue,
  type Value,
  modelValue,
  recordOf,
  setOf,
  str,
} from '../conformance/tla/values/value.ts';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000,1000000' },
    ops: { type: 'string', default: '2000' },
    'ordinary-up-to': { type: 'string', default: '10000' },
  },
});
const sizes = opts.sizes!.split(',').map(Number);
const ops = Number(opts.ops);

const SPEC = `---- MODULE IncrementalBench ----
EXTENDS Naturals
VARIABLES msgs, served, arg
Init == msgs = {} /\\ served = {} /\\ arg = 0
Next == UNCHANGED <<msgs, served, arg>>
Send == msgs \\cup {arg}
Promises == {m \\in msgs : m.type = "promise" /\\ m.log = arg.log /\\ m.seq = arg.seq /\\ m.bal = arg.bal}
NoAccept == ~\\E m \\in msgs : m.type = "accept" /\\ m.log = arg.log /\\ m.seq = arg.seq /\\ m.bal = arg.bal
Member == arg \\in msgs
Serve == served \\cup {[client |-> "c", first |-> arg.seq + 2, last |-> arg.seq + 3, floor |-> arg.seq, prev |-> 0]}
RealTimeOrder == \\A r \\in served : r.first > r.floor
====
`;

const dir = mkdtempSync(join(tmpdir(), 'bench-incremental-'));
writeFileSync(join(dir, 'IncrementalBench.tla'), SPEC);
const model = buildModel(
  join(dir, 'IncrementalBench.tla'),
  parseCfg('INIT Init\nNEXT Next\n', join(dir, 'x.cfg')),
  {
    print: () => {},
  },
);
rmSync(dir, { recursive: true, force: true });
const scope = new Scope(model.root);
const compiled = (name: string): Fn =>
  model.compiler.expr({ k: 'ident', name, loc: model.initLoc }, scope);
const fns = {
  send: compiled('Send'),
  promises: compiled('Promises'),
  noAccept: compiled('NoAccept'),
  member: compiled('Member'),
  serve: compiled('Serve'),
  order: compiled('RealTimeOrder'),
};

const TYPES = ['prepare', 'promise', 'accept', 'accepted', 'ping', 'pong'].map(str);
const LOGS = [str('leader'), modelValue('c1'), modelValue('c2')];
let serial = 0;

/** A message shaped like the spec's, distinct from every other (its `id`). */
function message(i: number): Value {
  const type = TYPES[i % TYPES.length];
  return recordOf([
    ['type', type],
    ['log', LOGS[(i >> 3) % LOGS.length]],
    ['seq', 1 + ((i >> 5) % 1000)],
    ['bal', new TupleValue([1 + ((i >> 2) % 7), 1 + (i % 3)])],
    ['from', 1 + (i % 5)],
    ['id', serial++],
  ]);
}

function served(i: number): Value {
  return recordOf([
    ['client', str('c')],
    ['first', i + 2],
    ['last', i + 3],
    ['floor', i],
    ['prev', 0],
  ]);
}

interface Row {
  size: number;
  mode: string;
  send: number;
  promises: number;
  noAccept: number;
  member: number;
  serve: number;
  order: number;
  wall: number;
}

function measure(size: number, persistent: boolean): Row {
  persistentSetOptions.threshold = persistent ? 0 : Number.MAX_SAFE_INTEGER;
  const all: Value[] = [];
  for (let i = 0; i < size; i++) all.push(message(i));
  const history: Value[] = [];
  for (let i = 0; i < size; i++) history.push(served(i));
  let msgs: SetValue;
  let hist: SetValue;
  if (persistent) {
    let p: PersistentSet = emptyPersistentSet();
    p = p.insertAll(all, undefined)!;
    msgs = p;
    hist = emptyPersistentSet().insertAll(history, undefined)!;
  } else {
    msgs = setOf(all);
    hist = setOf(history);
  }
  const t = { send: 0, promises: 0, noAccept: 0, member: 0, serve: 0, order: 0 };
  const run = (key: keyof typeof t, f: Fn, state: Value[]): Value => {
    const ctx = new Ctx(state, null, model.runtime);
    const start = performance.now();
    const v = f(null, ctx);
    t[key] += performance.now() - start;
    return v;
  };
  // Warm up: build the indexes and maintained results on the starting version (not timed).
  for (const f of Object.values(fns)) f(null, new Ctx([msgs, hist, all[0]], null, model.runtime));
  for (const k of Object.keys(t)) t[k as keyof typeof t] = 0;
  const loopStart = performance.now();
  for (let i = 0; i < ops; i++) {
    const m = message(size + i);
    model.runtime.insertTag = i;
    msgs = run('send', fns.send, [msgs, hist, m]) as SetValue;
    const probe = all[(i * 7919) % all.length];
    run('promises', fns.promises, [msgs, hist, probe]);
    run('noAccept', fns.noAccept, [msgs, hist, probe]);
    run('member', fns.member, [msgs, hist, probe]);
    hist = run('serve', fns.serve, [msgs, hist, probe]) as SetValue;
    if (run('order', fns.order, [msgs, hist, probe]) !== true) throw new Error('RealTimeOrder');
  }
  const wall = performance.now() - loopStart;
  model.runtime.insertTag = undefined;
  const us = (ms: number) => (ms * 1000) / ops;
  return {
    size,
    mode: persistent ? 'persistent' : 'ordinary',
    send: us(t.send),
    promises: us(t.promises),
    noAccept: us(t.noAccept),
    member: us(t.member),
    serve: us(t.serve),
    order: us(t.order),
    wall: us(wall),
  };
}

const header = [
  'set size',
  'sets',
  'msgs \\cup {m}',
  'Promises',
  '~\\E accept',
  '\\in msgs',
  'served \\cup',
  '\\A served',
  'whole step',
];
process.stdout.write(
  `Microseconds per operation (mean of ${ops} steps, each on a new version)\n\n`,
);
process.stdout.write(header.map((h, i) => (i < 2 ? h.padEnd(12) : h.padStart(14))).join('') + '\n');
for (const size of sizes) {
  const rows = [measure(size, true)];
  if (size <= Number(opts['ordinary-up-to'])) rows.push(measure(size, false));
  for (const r of rows) {
    const cells = [r.send, r.promises, r.noAccept, r.member, r.serve, r.order, r.wall].map((x) =>
      x.toFixed(1).padStart(14),
    );
    process.stdout.write(String(r.size).padEnd(12) + r.mode.padEnd(12) + cells.join('') + '\n');
  }
}
