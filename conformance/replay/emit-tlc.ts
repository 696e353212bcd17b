/**
 * `validate --emit-tlc DIR`: the same trace validation, written out for stock TLC. For one run
 * it writes
 * - `TraceTimelockData.tla`: the merged trace as a TLA+ sequence of records (action, server,
 *   parameters, the state entries the step wrote, what it handed out, and where the event was
 *   logged), in the replay's order;
 * - `TraceTimelock.tla`: `TraceInit`/`TraceNext` over the spec's variables and an index `l`;
 *   step `l` takes the spec action event `l` names with its logged parameters (and the frame
 *   `Next` conjoins it with), requires the logging server's part of the new state to be its
 *   old part with the logged writes applied, and what the step hands out to be what the event
 *   logged (outputs.ts);
 * - `TraceTimelock.cfg`: the replay's constants ({@link cfgText}), plus the clients as model
 *   values;
 * - a copy of the spec's modules, so that the folder checks on its own.
 *
 * The trace is accepted when TLC reaches a state with `l = Len(Trace) + 1`: the cfg lists the
 * invariant `TraceNotAccepted == l <= Len(Trace)`, so TLC reporting that invariant violated
 * means success, and "no error found" means some event could not be taken (TLC's search depth
 * minus one is then the longest matched prefix). docs/trace-validation-with-tlc.md says more.
 *
 * The text is derived, not hard-coded: the steps and frames from `Next`'s syntax tree
 * ({@link stepsOfNext}), the checked outputs from {@link STEP_OUTPUTS}, the constants from
 * {@link constantsFor}, values by the replay's own JSON-to-TLA+ conversion printed as TLC
 * prints them.
 *
 * What TLC checks here is the classic question of trace validation: is this order of the
 * events a behaviour of the spec? Our replay asks one thing more: each step may rely only on
 * messages sent by events that happened before it (replay.ts). A trace TLC accepts may
 * therefore still be rejected by `timelock validate`, never the other way round.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { printValue, quote, recordOf, setOf, TupleValue, type Value } from '../tla/index.ts';
import { DEFAULT_SIMULATION } from '../../src/sim/simulation.ts';
import { SPEC_ACTIONS, type ParamKind, type SpecChanges } from '../../src/trace/events.ts';
import { loadSpecDefinitions, stepsOfNext, type NextStep } from '../static/spec-steps.ts';
import { mergeCausally, OrderCheck } from './merge.ts';
import { STEP_OUTPUTS } from './outputs.ts';
import {
  cfgText,
  constantsFor,
  defaultSpecFile,
  runFacts,
  type ReplayConstants,
} from './replay-model.ts';
import { str } from '../tla/index.ts';
import { clientValue, jsonValue, logValue, paramValue } from './tla-values.ts';
import { readTraceFile, runsOf, shortName, type LoggedEvent } from './trace-input.ts';

/** The trace-validation module's name (and file name, with `.tla`/`.cfg`). */
export const TRACE_MODULE = 'TraceTimelock';
/** The module holding the trace data. */
export const TRACE_DATA_MODULE = 'TraceTimelockData';
/** The invariant whose violation means that TLC matched the whole trace. */
export const TRACE_ACCEPTED_WHEN_VIOLATED = 'TraceNotAccepted';

/** What {@link writeTlcTraceCheck} wrote. */
export interface TlcTraceCheck {
  readonly dir: string;
  /** `DIR/TraceTimelock.tla`: the module to give TLC. */
  readonly moduleFile: string;
  /** `DIR/TraceTimelock.cfg`: its configuration. */
  readonly cfgFile: string;
  /** `DIR/TraceTimelockData.tla`. */
  readonly dataFile: string;
  /** The spec's modules, copied next to them. */
  readonly specFiles: readonly string[];
  /** How many events the trace holds (TLC's last state then has `l = events + 1`). */
  readonly events: number;
}

/** Options of {@link emitTlcTraceChecks}, as `validate` takes them. */
export interface EmitTlcOptions {
  /** The spec's `Step` the run used (default: the simulator's default bound step). */
  readonly step?: number;
  /** At least this many servers (default: the number of trace files of the run). */
  readonly servers?: number;
  /** The spec (default: this repository's spec/Timelock.tla). */
  readonly specFile?: string;
}

/**
 * Writes a TLC trace check for each run named by `paths` (grouped as `validate` groups them):
 * into `dir` for a single run, into `dir/run-N` when there are several.
 */
export function emitTlcTraceChecks(
  paths: readonly string[],
  dir: string,
  options: EmitTlcOptions = {},
): TlcTraceCheck[] {
  const runs = runsOf(paths);
  return runs.map((files, i) => {
    const streams = files.map(readTraceFile);
    const sorted: boolean[] = [];
    function* scanned() {
      for (const stream of streams) {
        const check = new OrderCheck(stream.file);
        for (const e of stream.events) {
          check.see(e);
          yield e;
        }
        sorted.push(check.inOrder);
      }
    }
    const facts = runFacts(streams, options, DEFAULT_SIMULATION.boundStep);
    const constants = constantsFor(scanned(), facts);
    const runDir = runs.length === 1 ? dir : join(dir, `run-${i + 1}`);
    return writeTlcTraceCheck(mergeCausally(streams, sorted), constants, runDir, options.specFile);
  });
}

/** Writes the TLC trace check of one run's merged `events` into `dir` (created if missing). */
export function writeTlcTraceCheck(
  events: Iterable<LoggedEvent>,
  constants: ReplayConstants,
  dir: string,
  specFile: string = defaultSpecFile(),
): TlcTraceCheck {
  const spec = loadSpecDefinitions(specFile);
  for (const client of constants.clients) checkClientName(client, spec.names);
  mkdirSync(dir, { recursive: true });
  const specFiles = spec.files.map((file) => {
    const copy = join(dir, basename(file));
    copyFileSync(file, copy);
    return copy;
  });
  const specModule = basename(specFile, '.tla');
  const written = {
    moduleFile: join(dir, `${TRACE_MODULE}.tla`),
    cfgFile: join(dir, `${TRACE_MODULE}.cfg`),
    dataFile: join(dir, `${TRACE_DATA_MODULE}.tla`),
  };
  writeFileSync(written.moduleFile, traceModuleText(stepsOfNext(spec)));
  const count = writeTraceData(written.dataFile, events, constants.clients, specModule);
  writeFileSync(written.cfgFile, traceCfgText(constants));
  return { dir, ...written, specFiles, events: count };
}

/** How to run what was written, for the `validate` command to print. */
export function describeTlcTraceChecks(checks: readonly TlcTraceCheck[]): string {
  return checks
    .map(
      (c) =>
        `TLC trace check of ${c.events} events written to ${c.dir}; run it there with\n` +
        `  java -cp tla2tools.jar tlc2.TLC -config ${TRACE_MODULE}.cfg ${TRACE_MODULE}.tla\n` +
        `  (accepted when TLC reports invariant ${TRACE_ACCEPTED_WHEN_VIOLATED} violated)\n`,
    )
    .join('');
}

/** A TLA+ module header line: `---- MODULE Name ----` padded to 77 characters as the spec's. */
function moduleHeader(name: string): string {
  const title = ` MODULE ${name} `;
  const left = Math.max(4, Math.floor((77 - title.length) / 2));
  return '-'.repeat(left) + title + '-'.repeat(Math.max(4, 77 - left - title.length));
}

const MODULE_END = '='.repeat(77);

/** The trace-validation module: the steps of `Next`, each selected by the event's action. */
export function traceModuleText(steps: readonly NextStep[]): string {
  const disjuncts = uniqueSteps(steps).map(({ action, frames }) => {
    const args = action.params.map((p) => `e.params.${p}`).join(', ');
    const call = action.params.length > 0 ? `${action.name}(${args})` : action.name;
    return `    \\/ e.action = ${quote(action.name)} /\\ ${[call, ...frames].join(' /\\ ')}`;
  });
  const outputs = Object.entries(STEP_OUTPUTS).map(([action, o]) => {
    const args = o.params.map((p) => `e.params.${p}`).join(', ');
    return `    /\\ e.action = ${quote(action)} => ${o.operator}(${args}) = e.${loggedField(o.field)}`;
  });
  return [
    moduleHeader(TRACE_MODULE),
    ...boxComment([
      'Generated by `timelock validate --emit-tlc`: checks that the trace in',
      `${TRACE_DATA_MODULE} is a behaviour of the spec. Step l takes the spec`,
      'action event l names, with its logged parameters and the frame Next',
      "conjoins it with; the logging server's part of the new state must be its",
      'old part with the writes the event logged, and what the step hands out',
      'must be what the event logged. The trace is accepted when a state with',
      `l = Len(Trace) + 1 is reached: ${TRACE_ACCEPTED_WHEN_VIOLATED} is violated then.`,
    ]),
    `EXTENDS ${TRACE_DATA_MODULE}, Sequences`,
    '',
    'VARIABLE l   \\* the next event to match is Trace[l]',
    '',
    'TraceVars == <<vars, l>>',
    '',
    "(* Event e's action with its logged parameters, as a step of Next.         *)",
    'TakeLoggedAction(e) ==',
    ...disjuncts,
    '',
    '(* What event e handed out is what the spec hands out.                     *)',
    'OutputsAsLogged(e) ==',
    ...(outputs.length > 0 ? outputs : ['    TRUE']),
    '',
    '(* The logged writes are sets of <<key, value>> pairs: the value written at *)',
    '(* key, else what was there before.                                        *)',
    'WrittenAt(written, key, before) ==',
    '    IF \\E w \\in written : w[1] = key',
    '    THEN (CHOOSE w \\in written : w[1] = key)[2]',
    '    ELSE before',
    '',
    "(* Server s's part of the new state is its old part (learned, tsvc and      *)",
    '(* locks back to their initial values after a restart) with the logged     *)',
    '(* writes.                                                                  *)',
    'StateAsLogged(e) ==',
    '    LET s == e.server',
    '        w == e.changes',
    '    IN  /\\ \\A L \\in Logs, q \\in Seqs :',
    `            acc'[s][L][q] = WrittenAt(w.${loggedField('acc')}, <<L, q>>, acc[s][L][q])`,
    '        /\\ \\A L \\in Logs, q \\in Seqs :',
    "            learned'[s][L][q] =",
    `                WrittenAt(w.${loggedField('learned')}, <<L, q>>, IF "learned" \\in e.reset THEN None ELSE learned[s][L][q])`,
    '        /\\ \\A c \\in Clients :',
    `            tsvc'[s][c] = WrittenAt(w.${loggedField('tsvc')}, c, IF "tsvc" \\in e.reset THEN Off ELSE tsvc[s][c])`,
    `        /\\ fresh'[s] = WrittenAt(w.${loggedField('fresh')}, s, fresh[s])`,
    '        /\\ \\A c \\in Clients, h \\in Holders :',
    "            locks'[s][c][h] =",
    `                WrittenAt(w.${loggedField('locks')}, <<c, h>>, IF "locks" \\in e.reset THEN NoLock ELSE locks[s][c][h])`,
    '',
    'TraceInit == Init /\\ l = 1',
    '',
    'TraceNext ==',
    '    /\\ l <= Len(Trace)',
    '    /\\ OutputsAsLogged(Trace[l])',
    '    /\\ TakeLoggedAction(Trace[l])',
    '    /\\ StateAsLogged(Trace[l])',
    "    /\\ l' = l + 1",
    '',
    'TraceSpec == TraceInit /\\ [][TraceNext]_TraceVars',
    '',
    '(* Violated exactly when every event was matched: the trace is accepted.  *)',
    `${TRACE_ACCEPTED_WHEN_VIOLATED} == l <= Len(Trace)`,
    MODULE_END,
    '',
  ].join('\n');
}

/** A boxed comment as the spec writes them, 77 characters wide. */
function boxComment(lines: readonly string[]): string[] {
  const rule = '(' + '*'.repeat(75) + ')';
  return [rule, ...lines.map((line) => `(* ${line.padEnd(72)}*)`), rule];
}

/** Each (action, frames) once: an action Next takes twice the same way needs one disjunct. */
function uniqueSteps(steps: readonly NextStep[]): NextStep[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const key = [s.action.name, ...s.frames].join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Writes the data module: the clients as constants (model values in the cfg) and the trace,
 * one event per line, as the events stream by. Returns how many events it wrote.
 */
export function writeTraceData(
  file: string,
  events: Iterable<LoggedEvent>,
  clients: readonly string[],
  specModule: string,
): number {
  const fd = openSync(file, 'w');
  try {
    const head = [
      moduleHeader(TRACE_DATA_MODULE),
      '(* Generated by `timelock validate --emit-tlc`: the merged trace, one event *)',
      '(* per line, in the order the replay takes them (by vector clock).         *)',
      `EXTENDS ${specModule}, TLC`,
      '',
      ...(clients.length > 0
        ? [`CONSTANTS ${clients.join(', ')}   \\* the clients, as model values`, '']
        : []),
      'Trace == <<',
    ];
    writeSync(fd, head.join('\n') + '\n');
    let count = 0;
    for (const logged of events) {
      writeSync(fd, `${count === 0 ? '' : ',\n'}    ${eventText(logged)}`);
      count++;
    }
    writeSync(fd, (count > 0 ? '\n' : '') + ['>>', MODULE_END, ''].join('\n'));
    return count;
  } finally {
    closeSync(fd);
  }
}

/**
 * The name of the event field that holds what was logged for the spec variable `variable`
 * (`servedLogged`, and `accLogged` for the writes to `acc`). Never the variable's own name:
 * SANY's linter compares every record with a field named like a declared symbol against every
 * other record in the spec, which on a trace of 100,000 events takes hours.
 */
export function loggedField(variable: string): string {
  return `${variable}Logged`;
}

/** One event as a TLA+ record; every event has the same fields. */
function eventText(logged: LoggedEvent): string {
  const { event } = logged;
  const kinds = SPEC_ACTIONS[event.action] as Record<string, ParamKind>;
  const params = Object.entries(event.params as Record<string, unknown>).map(
    ([name, json]): [string, Value] => [name, paramValue(kinds[name], json)],
  );
  const served = (event as { served?: readonly number[] }).served;
  const fields: Array<[string, string]> = [
    ['action', quote(event.action)],
    ['server', String(event.server)],
    ['params', printValue(recordOf(params))],
    ['changes', changesText(event.server, event.changes)],
    ['reset', printValue(setOf((event.reset ?? []).map((v) => str(v))))],
    [loggedField('served'), printValue(new TupleValue(served ?? []))],
    ['at', quote(`${shortName(logged.file)}:${logged.line}`)],
  ];
  return recordText(fields);
}

function recordText(fields: ReadonlyArray<readonly [string, string]>): string {
  return '[' + fields.map(([name, text]) => `${name} |-> ${text}`).join(', ') + ']';
}

/**
 * A map as the set of its `<<key, value>> pairs`. Not a function: an empty one would be
 * `<<>>`, whose domain is 1..0, and TLC refuses to ask whether a tuple or a model value is in
 * a set of integers.
 */
function mapText(pairs: Array<[Value, Value]>): string {
  return printValue(setOf(pairs.map((pair) => new TupleValue(pair))));
}

/**
 * The logged writes: `acc` and `learned` keyed by `<<log, seq>>`, `tsvc` by client, `locks` by
 * `<<client, lock id>>`.
 */
function changesText(server: number, changes: SpecChanges): string {
  const perLogAndSeq = (byLog: Record<string, Record<string, unknown>> | undefined): string =>
    mapText(
      Object.entries(byLog ?? {}).flatMap(([log, bySeq]) =>
        Object.entries(bySeq).map(([q, leaf]): [Value, Value] => [
          new TupleValue([logValue(log), Number(q)]),
          jsonValue(leaf),
        ]),
      ),
    );
  const tsvc = Object.entries(changes.tsvc ?? {}).map(([c, t]): [Value, Value] => [
    clientValue(c),
    jsonValue(t),
  ]);
  const fresh: Array<[Value, Value]> = changes.fresh === undefined ? [] : [[server, changes.fresh]];
  const locks = Object.entries(changes.locks ?? {}).flatMap(([c, byId]) =>
    Object.entries(byId).map(([h, entry]): [Value, Value] => [
      new TupleValue([clientValue(c), str(h)]),
      jsonValue(entry),
    ]),
  );
  return recordText([
    [loggedField('acc'), perLogAndSeq(changes.acc)],
    [loggedField('learned'), perLogAndSeq(changes.learned)],
    [loggedField('tsvc'), mapText(tsvc)],
    [loggedField('fresh'), mapText(fresh)],
    [loggedField('locks'), mapText(locks)],
  ]);
}

/** The replay model's constants, the clients as model values, and the trace's Init/Next. */
export function traceCfgText(constants: ReplayConstants): string {
  const replay = cfgText(constants).split('\n');
  const end = replay.findIndex((line) => line.startsWith('INIT'));
  if (end < 0) throw new Error('cfgText no longer ends its CONSTANTS block with INIT');
  return [
    ...replay.slice(0, end),
    ...constants.clients.map((c) => `  ${c} = ${c}`),
    `INIT TraceInit`,
    `NEXT TraceNext`,
    `\\* ${TRACE_ACCEPTED_WHEN_VIOLATED} last: when it is the one violated, the trace is accepted.`,
    `INVARIANTS TypeOK Safety ${TRACE_ACCEPTED_WHEN_VIOLATED}`,
    '\\* Off: a state with no successor is only one candidate for the trace so far.',
    'CHECK_DEADLOCK FALSE',
    '',
  ].join('\n');
}

/** Names the emitted modules define besides the clients. */
const EMITTED_NAMES = new Set([
  'Trace',
  'WrittenAt',
  'l',
  'TraceVars',
  'TakeLoggedAction',
  'OutputsAsLogged',
  'StateAsLogged',
  'TraceInit',
  'TraceNext',
  'TraceSpec',
  TRACE_ACCEPTED_WHEN_VIOLATED,
]);

/**
 * A client becomes a CONSTANT of the data module (so the trace can name the model value the
 * cfg gives it), so its name must be a TLA+ identifier no module in scope uses.
 */
function checkClientName(name: string, specNames: ReadonlySet<string>): void {
  const identifier = /^[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*$/.test(name);
  const reserved = /^[A-Z_]+$/.test(name); // keywords (CHOOSE, DOMAIN, ...) are all capitals
  if (!identifier || reserved || specNames.has(name) || EMITTED_NAMES.has(name))
    throw new Error(
      `cannot write client "${name}" as a TLA+ constant (not an identifier, or a name the spec or the trace module uses)`,
    );
}
