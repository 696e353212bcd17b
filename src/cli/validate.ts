/**
 * `timelock validate PATH...`: replays implementation traces on spec/Timelock.tla and reports,
 * per run, whether every event is a step the spec allows; for the first one that is not, the
 * event, the false conjunct and how the logged state differs from what the spec allows. With
 * `--coverage`, also how often each action of the spec's Next was taken, and which never were.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_MAX_CANDIDATES,
  TraceInputError,
  formatReport,
  validateTraces,
  type ValidateOptions,
} from '../../conformance/replay/index.ts';
import { formatCoverage, validateTracesWithCoverage } from '../../conformance/replay/coverage.ts';
import { describeTlcTraceChecks, emitTlcTraceChecks } from '../../conformance/replay/emit-tlc.ts';
import { DEFAULT_SIMULATION } from '../sim/simulation.ts';

/** Exit codes: every run conforms, some run does not, the input cannot be read. */
export const VALIDATE_EXIT = { conforms: 0, rejected: 1, badInput: 2 } as const;

interface ValidateFlags {
  json?: boolean;
  maxCandidates: number;
  step: number;
  servers?: number;
  invariantEvery: number;
  coverage?: boolean;
  emitTlc?: string;
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
      "the spec's Step the run used (simulate --bound-step)",
      wholeNumber('--step', 1),
      DEFAULT_SIMULATION.boundStep,
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
    .addHelpText(
      'after',
      `
Exit code: ${VALIDATE_EXIT.conforms} when every run conforms, ${VALIDATE_EXIT.rejected} when one does not, ${VALIDATE_EXIT.badInput} when a file is missing
or a line is not a trace event (reported as file:line).

Examples:
  timelock simulate --seed 3 --faults loss=0.1,crash=0.01 --bound-step 100 --trace-dir traces
  timelock validate traces
  timelock validate --coverage runs/seed-1 runs/seed-2
  timelock validate --json traces/server-1.ndjson traces/server-2.ndjson traces/server-3.ndjson`,
    )
    .action((paths: string[], flags: ValidateFlags) => {
      process.exitCode = runValidate(paths, flags);
    });
}

function runValidate(paths: string[], flags: ValidateFlags): number {
  const options: ValidateOptions = {
    maxCandidates: flags.maxCandidates,
    step: flags.step,
    servers: flags.servers,
    invariantEvery: flags.invariantEvery,
  };
  let result;
  try {
    result = flags.coverage
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

function wholeNumber(flag: string, min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag} takes a whole number of at least ${min}`);
    return n;
  };
}
