/**
 * `timelock validate PATH...`: replays implementation traces on spec/Timelock.tla and reports,
 * per run, whether every event is a step the spec allows; for the first one that is not, the
 * event, the false conjunct and how the logged state differs from what the spec allows. With
 * `--coverage`, also how often each action of the spec's Next was taken, and which never were.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { setFlagsFromString } from 'node:v8';
import {
  DEFAULT_MAX_CANDIDATES,
  TraceInputError,
  formatReport,
  validateTraces,
  type ValidateOptions,
} from '../conformance/replay/index.ts';
import { formatCoverage, validateTracesWithCoverage } from '../conformance/replay/coverage.ts';
import { defaultWorkers, validateInParallel } from '../conformance/replay/parallel.ts';
import { runsOf } from '../conformance/replay/trace-input.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeTlcTraceChecks,
  emitTlcTraceChecks,
  type TlcTraceCheck,
} from '../conformance/replay/emit-tlc.ts';
import { tlcTraceVerdict, type TraceVerdict } from '../conformance/replay/trace-verdict.ts';
import { TlcUnavailable } from '../conformance/tlc/runner.ts';
import { DEFAULT_SIMULATION } from '../src/sim/simulation.ts';
import { wholeNumber } from './simulate.ts';

/**
 * Exit codes: every run conforms, some run does not, the input cannot be read, real TLC is
 * not available (`--engine tlc|both`), the two engines disagree (`--engine both`).
 */
export const VALIDATE_EXIT = {
  conforms: 0,
  rejected: 1,
  badInput: 2,
  noTlc: 3,
  disagree: 4,
} as const;

interface ValidateFlags {
  json?: boolean;
  maxCandidates: number;
  step?: number;
  servers?: number;
  invariantEvery: number;
  coverage?: boolean;
  emitTlc?: string;
  engine: string;
  workers?: number;
}

/**
 * A replay's live heap is the spec state (the message set of a million-event run is about
 * 450 MB), and V8 would let the heap grow to three times that between collections. Growing it
 * by at most a factor of two keeps peak memory near twice the spec state (measured on the
 * million-event benchmark trace: 830 MiB instead of up to 1,260), for a sixth more time.
 */
function keepHeapNearLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=100');
}

/** Adds `validate` to the `timelock` program. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('replay NDJSON traces on spec/Timelock.tla and report whether they conform')
    .argument(
      '<paths...>',
      'trace files (together one run) or folders of server-N.ndjson (one run each)',
    )
    .option('--json', 'print the report as JSON, for tools')
    .option(
      '--coverage',
      "also report how often each action of the spec's Next was taken (conforming events only)",
    )
    .option(
      '--max-candidates <n>',
      'bound on the set of spec states consistent with the trace so far',
      wholeNumber('--max-candidates', 1),
      DEFAULT_MAX_CANDIDATES,
    )
    .option(
      '--step <n>',
      `the spec's Step the run used (default: the traces' headers, else ${DEFAULT_SIMULATION.boundStep})`,
      wholeNumber('--step', 1),
    )
    .option(
      '--servers <n>',
      'servers in the cluster (default: trace files, or largest id seen)',
      wholeNumber('--servers', 1),
    )
    .option(
      '--invariant-every <n>',
      'check Safety after every n-th event and the last (0: never)',
      wholeNumber('--invariant-every', 0),
      1,
    )
    .option('--emit-tlc <dir>', 'also write a TLA+ trace check of each run for stock TLC there')
    .option(
      '--workers <n>',
      `runs validated at once, one per worker thread (default: ${defaultWorkers()}, one per core)`,
      wholeNumber('--workers', 1),
    )
    .option(
      '--engine <name>',
      'ours (replay here), tlc (write the trace check and run stock TLC on it), or both (compare)',
      'ours',
    )
    .addHelpText(
      'after',
      `
Exit code: ${VALIDATE_EXIT.conforms} when every run conforms, ${VALIDATE_EXIT.rejected} when one does not, ${VALIDATE_EXIT.badInput} when a file is missing
or a line is not a trace event (reported as file:line), ${VALIDATE_EXIT.noTlc} when --engine tlc|both finds no TLC
(TLA2TOOLS_JAR), ${VALIDATE_EXIT.disagree} when --engine both finds the engines disagree.

TLC checks whether the merged order of the events is a behaviour of the spec. The replay here
also requires each step to rely only on messages sent by events that happened before it, so
a trace TLC accepts can still be rejected here (never the other way round).

Examples:
  timelock simulate --seed 3 --faults loss=0.1,crash=0.01 --bound-step 100 --trace-dir traces
  timelock validate traces
  timelock validate --coverage runs/seed-1 runs/seed-2
  timelock validate --json traces/server-1.ndjson traces/server-2.ndjson traces/server-3.ndjson`,
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      keepHeapNearLiveSize();
      process.exitCode = await runValidate(paths, flags);
    });
}

async function runValidate(paths: string[], flags: ValidateFlags): Promise<number> {
  if (!['ours', 'tlc', 'both'].includes(flags.engine))
    throw new InvalidArgumentError(`--engine must be ours, tlc or both, not '${flags.engine}'`);
  if (flags.engine !== 'ours') return runWithTlc(paths, flags);
  const options: ValidateOptions = {
    maxCandidates: flags.maxCandidates,
    step: flags.step,
    servers: flags.servers,
    invariantEvery: flags.invariantEvery,
  };
  let result;
  try {
    const runs = runsOf(paths);
    const workers = flags.workers ?? defaultWorkers();
    // One run replays in this thread; several go to worker threads, a run per worker.
    result =
      runs.length > 1 && workers > 1
        ? await validateInParallel(runs, options, workers, flags.coverage === true)
        : flags.coverage
          ? validateTracesWithCoverage(paths, options)
          : { report: validateTraces(paths, options), coverage: undefined };
    if (flags.emitTlc)
      process.stderr.write(describeTlcTraceChecks(emitTlcTraceChecks(paths, flags.emitTlc, flags)));
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    process.stderr.write(`timelock validate: ${e.message}\n`);
    return VALIDATE_EXIT.badInput;
  }
  const { report, coverage } = result;
  const text = flags.json
    ? JSON.stringify(coverage ? { ...report, coverage } : report, null, 2)
    : formatReport(report) + (coverage ? '\n' + formatCoverage(coverage) : '');
  process.stdout.write(text + '\n');
  return report.ok ? VALIDATE_EXIT.conforms : VALIDATE_EXIT.rejected;
}

/**
 * `--engine tlc`: writes each run's trace check (into --emit-tlc, or a temporary folder) and
 * runs stock TLC on it; `--engine both` also replays here and compares the verdicts.
 */
function runWithTlc(paths: string[], flags: ValidateFlags): number {
  const dir = flags.emitTlc ?? mkdtempSync(join(tmpdir(), 'timelock-tlc-trace-'));
  try {
    let checks: TlcTraceCheck[];
    try {
      checks = emitTlcTraceChecks(paths, dir, flags);
    } catch (e) {
      if (!(e instanceof TraceInputError)) throw e;
      process.stderr.write(`timelock validate: ${e.message}\n`);
      return VALIDATE_EXIT.badInput;
    }
    let verdicts: TraceVerdict[];
    try {
      verdicts = checks.map((c) => tlcTraceVerdict(c));
    } catch (e) {
      if (!(e instanceof TlcUnavailable)) throw e;
      process.stderr.write(`timelock validate: ${e.message}\n`);
      return VALIDATE_EXIT.noTlc;
    }
    if (flags.engine === 'tlc') {
      verdicts.forEach((v, i) => process.stdout.write(verdictLine(checks[i], v) + '\n'));
      return verdicts.every((v) => v.accepted) ? VALIDATE_EXIT.conforms : VALIDATE_EXIT.rejected;
    }
    const ours = validateTraces(paths, {
      maxCandidates: flags.maxCandidates,
      step: flags.step,
      servers: flags.servers,
      invariantEvery: flags.invariantEvery,
    });
    let agree = true;
    ours.runs.forEach((run, i) => {
      const tlc = verdicts[i];
      const same = run.ok === tlc.accepted && (run.ok || run.matched === tlc.matched);
      agree &&= same;
      process.stdout.write(
        `${same ? 'AGREE   ' : 'DISAGREE'} ${run.files.join(', ')}\n` +
          `  ours  ${run.ok ? 'conforms' : `rejected after ${run.matched} of ${run.events} events`}\n` +
          `  TLC   ${verdictText(tlc)}\n`,
      );
    });
    if (!agree) return VALIDATE_EXIT.disagree;
    return ours.ok ? VALIDATE_EXIT.conforms : VALIDATE_EXIT.rejected;
  } finally {
    if (flags.emitTlc === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function verdictText(v: TraceVerdict): string {
  if (v.problem) return `stopped: ${v.problem} (after ${v.matched} of ${v.events} events)`;
  return v.accepted ? 'conforms' : `rejected after ${v.matched} of ${v.events} events`;
}

function verdictLine(check: TlcTraceCheck, v: TraceVerdict): string {
  return `${v.accepted ? 'OK  ' : 'FAIL'} ${check.dir}: TLC ${verdictText(v)}`;
}
