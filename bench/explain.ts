/**
 * `npm run bench:explain` (also run at the end of `npm run bench`): how fast `timelock explain`
 * evaluates expressions over a long saved trace. It writes a spec and a 1,000-state trace in
 * the `check --json` format to a temporary folder, loads the model (not timed), then times
 * reading the trace and evaluating five expressions, actions among them, in every state.
 *
 *   npm run bench:explain -- [--states 1000] [--runs 5]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { explainTrace } from '../conformance/tla/check/explain.ts';
import { readSavedTrace } from '../conformance/tla/check/saved-trace.ts';
import { loadModel } from '../conformance/tla/check/run.ts';
import { printValue } from '../conformance/tla/values/print.ts';
import {
  TupleValue,
  type Value,
  fcnFromPairs,
  modelValue,
  recordOf,
  setOf,
  str,
} from '../conformance/tla/values/value.ts';

const SPEC = `---- MODULE ExplainBench ----
EXTENDS Naturals, Sequences, FiniteSets
CONSTANT Servers
VARIABLES n, acc, msgs, log

Init ==
  /\\ n = 0
  /\\ acc = [s \\in Servers |-> [bal |-> 0, val |-> "none"]]
  /\\ msgs = {}
  /\\ log = <<>>

Send(s) ==
  /\\ n' = n + 1
  /\\ acc' = [acc EXCEPT ![s].bal = n + 1, ![s].val = "sent"]
  /\\ msgs' = {m \\in msgs : m.bal > n - 20} \\cup {[from |-> s, bal |-> n + 1]}
  /\\ log' = IF Len(log) = 20 THEN Append(Tail(log), n + 1) ELSE Append(log, n + 1)

Next == \\E s \\in Servers : Send(s)
====
`;
const CFG = 'CONSTANT Servers = {s1, s2, s3}\nINIT Init\nNEXT Next\n';
const EXPRESSIONS = [
  'Cardinality(msgs)',
  'acc[s1].bal',
  "n' = n + 1",
  'Next',
  '\\A m \\in msgs : m.bal > n - 21',
];

/** The behaviour Send(s1), Send(s2), Send(s3), Send(s1), ... as `check --json` prints it. */
function traceStream(states: number, spec: string, cfg: string): string {
  const servers = ['s1', 's2', 's3'].map(modelValue);
  let acc = new Map(servers.map((s) => [s, { bal: 0, val: 'none' }]));
  let msgs: Array<{ from: Value; bal: number }> = [];
  let log: number[] = [];
  const steps = [];
  for (let n = 0; n < states; n++) {
    if (n > 0) {
      const s = servers[(n - 1) % servers.length];
      acc = new Map(acc).set(s, { bal: n, val: 'sent' });
      msgs = [...msgs.filter((m) => m.bal > n - 21), { from: s, bal: n }];
      log = [...log.slice(log.length === 20 ? 1 : 0), n];
    }
    const state = {
      n: printValue(n),
      acc: printValue(
        fcnFromPairs(
          [...acc].map(([s, a]) => [
            s,
            recordOf([
              ['bal', a.bal],
              ['val', str(a.val)],
            ]),
          ]),
        ),
      ),
      msgs: printValue(
        setOf(
          msgs.map((m) =>
            recordOf([
              ['from', m.from],
              ['bal', m.bal],
            ]),
          ),
        ),
      ),
      log: printValue(new TupleValue(log)),
    };
    steps.push({ index: n + 1, action: n === 0 ? 'Initial predicate' : 'Send', state });
  }
  return [
    { type: 'start', version: 1, spec, config: cfg },
    { type: 'violation', version: 1, trace: steps, lasso: null },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark and prints one line. */
export function benchExplain(states = 1000, runs = 5): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-explain-'));
  try {
    const spec = join(dir, 'ExplainBench.tla');
    const cfg = join(dir, 'ExplainBench.cfg');
    writeFileSync(spec, SPEC);
    writeFileSync(cfg, CFG);
    const model = loadModel(spec, cfg, { print: () => {} });
    const file = join(dir, 'trace.ndjson');
    writeFileSync(file, traceStream(states, spec, cfg));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const out = explainTrace(model, readSavedTrace(file), EXPRESSIONS);
      times.push(performance.now() - started);
      const failed = out.flatMap((s) => s.results).filter((r) => 'error' in r);
      // Only the last state's actions lack a next state; anything else is a wrong answer.
      if (failed.length !== 2) throw new Error(`explain benchmark: ${failed.length} errors`);
    }
    const ms = median(times);
    // The first run is what one `timelock explain` call costs: nothing is warmed up yet.
    process.stdout.write(
      `explain: ${states} states x ${EXPRESSIONS.length} expressions: first run ${times[0].toFixed(0)} ms, ` +
        `median of ${runs} ${ms.toFixed(0)} ms (${Math.round((states / ms) * 1000)} states/s); model loading not included\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      states: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '5' },
    },
  });
  benchExplain(Number(values.states), Number(values.runs));
}
