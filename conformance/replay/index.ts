/**
 * Trace validation: replays implementation traces on `spec/Timelock.tla` with our TLA+ engine
 * and reports, per run, whether every event is a step the spec allows.
 *
 * ```ts
 * const report = validateTraces(['traces/'], { step: 100 });
 * if (!report.ok) console.log(formatReport(report));
 * ```
 *
 * @packageDocumentation
 */
import { DEFAULT_SIMULATION } from '../../src/sim/simulation.ts';
import { mergeCausally, OrderCheck } from './merge.ts';
import { replayEvents, type ReplayOptions } from './replay.ts';
import {
  buildReplayModel,
  cfgText,
  constantsFor,
  defaultSpecFile,
  runFacts,
} from './replay-model.ts';
import type { RunReport, ValidationReport } from './report.ts';
import { readTraceFile, runsOf, type TraceStream } from './trace-input.ts';

export { formatReport } from './report.ts';
export type * from './report.ts';
export {
  LoggedEvent,
  TraceInputError,
  parseTrace,
  readTraceFile,
  type TraceStream,
} from './trace-input.ts';
export { mergeCausally } from './merge.ts';
export { DEFAULT_MAX_CANDIDATES, type ReplayOptions } from './replay.ts';
export { cfgText, type ReplayConstants } from './replay-model.ts';

/** Options of {@link validateTraces} and {@link validateRun}. */
export interface ValidateOptions extends ReplayOptions {
  /**
   * The spec's `Step` the run used (default: what the traces' headers say, else the
   * simulator's default bound step).
   */
  readonly step?: number;
  /** The spec to replay on (default: this repository's `spec/Timelock.tla`). */
  readonly specFile?: string;
  /** At least this many servers (default: the number of trace files, or the largest id seen). */
  readonly servers?: number;
}

/**
 * Validates the runs named by `paths`: each folder is one run (its `server-N.ndjson` files),
 * and the files named directly form one more. Throws {@link TraceInputError} for a missing
 * file or a malformed line.
 */
export function validateTraces(
  paths: readonly string[],
  options: ValidateOptions = {},
): ValidationReport {
  const runs = runsOf(paths).map((files) => files.map(readTraceFile));
  const reports = runs.map((streams) => validateRun(streams, options));
  return { ok: reports.every((r) => r.ok), runs: reports };
}

/** Validates one run given as streams (one per server, or merged ones). */
export function validateRun(
  streams: readonly TraceStream[],
  options: ValidateOptions = {},
): RunReport {
  const started = Date.now();
  // A first pass sizes the model (its constants must cover every event) and finds files whose
  // events are not in the merged order; the second pass replays, streaming.
  const sorted: boolean[] = [];
  let total = 0;
  function* scanned() {
    for (const stream of streams) {
      const check = new OrderCheck(stream.file);
      for (const e of stream.events) {
        check.see(e);
        total++;
        yield e;
      }
      sorted.push(check.inOrder);
    }
  }
  const facts = runFacts(streams, options, DEFAULT_SIMULATION.boundStep);
  const constants = constantsFor(scanned(), facts);
  const spec = options.specFile ?? defaultSpecFile();
  const model = buildReplayModel(spec, constants, options);
  const outcome = replayEvents(model, mergeCausally(streams, sorted), options);
  return {
    ok: outcome.failure === undefined,
    files: streams.map((s) => s.file),
    events: total,
    matched: outcome.matched,
    constants,
    spec,
    configText: cfgText(constants),
    candidates: outcome.candidates,
    elapsedMs: Date.now() - started,
    failure: outcome.failure,
  };
}
