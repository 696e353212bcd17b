/**
 * `validate --emit-tlc DIR`: the same trace validation, written out for stock TLC. For one run
 * it writes
 * - `TraceTimelockData.tla`: the merged trace as a TLA+ sequence of records (action, server,
 *   parameters, logged state, and where the event was logged), in the replay's order;
 * - `TraceTimelock.tla`: `TraceInit`/`TraceNext` over the spec's variables and an index `l`;
 *   step `l` takes the spec action event `l` names with its logged parameters (and the frame
 *   `Next` conjoins it with), and requires the logging server's part of the new state to be
 *   what the event logged;
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
 * ({@link stepsOfNext}), the constants from {@link constantsFor}, values by the replay's own
 * JSON-to-TLA+ conversion ({@link paramValue}) printed as TLC prints them.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { printValue, quote, recordOf, setOf, TupleValue, type Value } from '../tla/index.ts';
import { DEFAULT_SIMULATION } from '../../src/sim/simulation.ts';
import { SPEC_ACTIONS, type ParamKind, type ServerSpecState } from '../../src/trace/events.ts';
import { loadSpecDefinitions, stepsOfNext, type NextStep } from '../static/spec-steps.ts';
import { mergeByLamportClock } from './merge.ts';
import { normaliseLogged } from './projection.ts';
import { cfgText, constantsFor, defaultSpecFile, type ReplayConstants } from './replay-model.ts';
import { clientValue, logValue, none, paramValue } from './tla-values.ts';
import { str } from '../tla/index.ts';
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
    const events = mergeByLamportClock(streams);
    const constants = constantsFor(events, {
      step: options.step ?? DEFAULT_SIMULATION.boundStep,
      minServers: options.servers ?? streams.length,
    });
    const runDir = runs.length === 1 ? dir : join(dir, `run-${i + 1}`);
    return writeTlcTraceCheck(events, constants, runDir, options.specFile);
  });
}

/** Writes the TLC trace check of one run's merged `events` into `dir` (created if missing). */
export function writeTlcTraceCheck(
  events: readonly LoggedEvent[],
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
  writeFileSync(written.moduleFile, traceModuleText(stepsOfNext(spec), spec.readingOrder));
  writeFileSync(written.dataFile, traceDataText(events, constants.clients, specModule));
  writeFileSync(written.cfgFile, traceCfgText(constants));
  return { dir, ...written, specFiles, events: events.length };
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

/**
 * The trace-validation module: the steps of `Next`, each selected by the event's action.
 * `specNames` are the spec's names in the order TLC reads them when checking the spec itself.
 */
export function traceModuleText(steps: readonly NextStep[], specNames: readonly string[]): string {
  const disjuncts = uniqueSteps(steps).map(({ action, frames }) => {
    const args = action.params.map((p) => `e.params.${p}`).join(', ');
    const call = action.params.length > 0 ? `${action.name}(${args})` : action.name;
    return `    \\/ e.action = ${quote(action.name)} /\\ ${[call, ...frames].join(' /\\ ')}`;
  });
  return [
    moduleHeader(TRACE_MODULE),
    ...boxComment([
      'Generated by `timelock validate --emit-tlc`: checks that the trace in',
      `${TRACE_DATA_MODULE} is a behaviour of the spec. Step l takes the spec`,
      'action event l names, with its logged parameters and the frame Next',
      "conjoins it with, and requires the logging server's part of the new",
      'state to be what the event logged. The trace is accepted when a state',
      `with l = Len(Trace) + 1 is reached: ${TRACE_ACCEPTED_WHEN_VIOLATED} is violated then.`,
    ]),
    `EXTENDS ${TRACE_DATA_MODULE}, Sequences`,
    '',
    '(* TLC orders strings, and so the fields of records, by when it first read  *)',
    "(* them, and it reads this module first. Naming the spec's names here, in  *)",
    '(* the order checking the spec reads them, makes values compare as they do *)',
    "(* there: the spec's messages must compare `log` before `val`, because a   *)",
    '(* leader-log value is a number and a bound-log value a record.            *)',
    `SpecNamesInReadingOrder == <<`,
    ...wrapped(specNames.map(quote), 8, '    '),
    '>>',
    '',
    'VARIABLE l   \\* the next event to match is Trace[l]',
    '',
    'TraceVars == <<vars, l>>',
    '',
    "(* Event e's action with its logged parameters, as a step of Next.         *)",
    'TakeLoggedAction(e) ==',
    ...disjuncts,
    '',
    '(* A logged map is a set of <<key, value>> pairs; the trace leaves out      *)',
    '(* entries at their initial value (EmptyAcceptor, None, Off).               *)',
    'LoggedAt(logged, key, initial) ==',
    '    IF \\E entry \\in logged : entry[1] = key',
    '    THEN (CHOOSE entry \\in logged : entry[1] = key)[2]',
    '    ELSE initial',
    '',
    "(* Server s's part of the new state is what it logged.                     *)",
    'AccAsLogged(s, logged) ==',
    "    \\A L \\in Logs, q \\in Seqs : acc'[s][L][q] = LoggedAt(logged, <<L, q>>, EmptyAcceptor)",
    'LearnedAsLogged(s, logged) ==',
    "    \\A L \\in Logs, q \\in Seqs : learned'[s][L][q] = LoggedAt(logged, <<L, q>>, None)",
    'TsvcAsLogged(s, logged) ==',
    "    \\A c \\in Clients : tsvc'[s][c] = LoggedAt(logged, c, Off)",
    '',
    '(* Only the parts of the state the event logged are compared.              *)',
    'StateAsLogged(e) ==',
    '    /\\ "acc" \\in DOMAIN e.state => AccAsLogged(e.server, e.state.acc)',
    '    /\\ "learned" \\in DOMAIN e.state => LearnedAsLogged(e.server, e.state.learned)',
    '    /\\ "tsvc" \\in DOMAIN e.state => TsvcAsLogged(e.server, e.state.tsvc)',
    '',
    'TraceInit == Init /\\ l = 1',
    '',
    'TraceNext ==',
    '    /\\ l <= Len(Trace)',
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

/** `items` comma-separated, `perLine` to a line. */
function wrapped(items: readonly string[], perLine: number, indent: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    const last = i + perLine >= items.length;
    lines.push(indent + items.slice(i, i + perLine).join(', ') + (last ? '' : ','));
  }
  return lines;
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

/** The data module: the clients as constants (model values in the cfg) and the trace. */
export function traceDataText(
  events: readonly LoggedEvent[],
  clients: readonly string[],
  specModule: string,
): string {
  const lines = events.map((logged, i) => {
    const sep = i === events.length - 1 ? '' : ',';
    return `    ${eventText(logged)}${sep}`;
  });
  return [
    moduleHeader(TRACE_DATA_MODULE),
    '(* Generated by `timelock validate --emit-tlc`: the merged trace, one event *)',
    '(* per line, in the order the replay takes them (by Lamport clock).        *)',
    `EXTENDS ${specModule}, TLC`,
    '',
    ...(clients.length > 0
      ? [`CONSTANTS ${clients.join(', ')}   \\* the clients, as model values`, '']
      : []),
    'Trace == <<',
    ...lines,
    '>>',
    MODULE_END,
    '',
  ].join('\n');
}

/** One event as a TLA+ record (printed by hand only where an empty map needs a name). */
function eventText(logged: LoggedEvent): string {
  const { event } = logged;
  const kinds = SPEC_ACTIONS[event.action] as Record<string, ParamKind>;
  const params = Object.entries(event.params as Record<string, unknown>).map(
    ([name, json]): [string, Value] => [name, paramValue(kinds[name], json)],
  );
  const fields: Array<[string, string]> = [
    ['action', quote(event.action)],
    ['server', String(event.server)],
    ['params', printValue(recordOf(params))],
    ['state', loggedStateText(event.state)],
    ['at', quote(`${shortName(logged.file)}:${logged.line}`)],
  ];
  return recordText(fields);
}

function recordText(fields: ReadonlyArray<readonly [string, string]>): string {
  return '[' + fields.map(([name, text]) => `${name} |-> ${text}`).join(', ') + ']';
}

/**
 * A map as the set of its `<<key, value>>` pairs. Not a function: an empty one would be `<<>>`,
 * whose domain is 1..0, and TLC refuses to ask whether a tuple or a model value is in a set of
 * integers.
 */
function mapText(pairs: Array<[Value, Value]>): string {
  return printValue(setOf(pairs.map((pair) => new TupleValue(pair))));
}

/**
 * The logged state, initial entries dropped as the replay drops them: `acc` and `learned` as
 * maps from `<<log, seq>>`, `tsvc` as a map from clients.
 */
function loggedStateText(state: ServerSpecState): string {
  const projection = normaliseLogged(state);
  const perLogAndSeq = (byLog: unknown): string =>
    mapText(
      Object.entries(byLog as Record<string, Record<string, unknown>>).flatMap(([log, bySeq]) =>
        Object.entries(bySeq).map(([q, leaf]): [Value, Value] => [
          new TupleValue([logValue(log), Number(q)]),
          jsonValue(leaf),
        ]),
      ),
    );
  const fields: Array<[string, string]> = [];
  if (projection.acc !== undefined) fields.push(['acc', perLogAndSeq(projection.acc)]);
  if (projection.learned !== undefined) fields.push(['learned', perLogAndSeq(projection.learned)]);
  if (projection.tsvc !== undefined) {
    const byClient = Object.entries(projection.tsvc as Record<string, unknown>);
    fields.push(['tsvc', mapText(byClient.map(([c, t]) => [clientValue(c), jsonValue(t)]))]);
  }
  // A record needs a field: an event that logged nothing compares nothing.
  return fields.length > 0 ? recordText(fields) : `[nothing |-> TRUE]`;
}

/**
 * A logged state leaf: acceptor records (ballots as tuples), learned values (a server or a
 * bound record; null is None) and instance records (numbers and the phase string). None of
 * these hold a client, so strings stay strings.
 */
function jsonValue(json: unknown): Value {
  if (json === null) return none();
  if (typeof json === 'number' || typeof json === 'boolean') return json;
  if (typeof json === 'string') return str(json);
  if (Array.isArray(json)) return new TupleValue(json.map(jsonValue));
  return recordOf(Object.entries(json as object).map(([k, v]) => [k, jsonValue(v)]));
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
  'LoggedAt',
  'SpecNamesInReadingOrder',
  'l',
  'TraceVars',
  'TakeLoggedAction',
  'AccAsLogged',
  'LearnedAsLogged',
  'TsvcAsLogged',
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
