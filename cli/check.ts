/**
 * `timelock check`: TLC's command line (`-config`, `-deadlock`, `-workers`, `-depth`) on our
 * engine, with TLC's summary lines, progress and exit codes, plus `--json`.
 */
import { existsSync } from 'node:fs';
import { basename, delimiter } from 'node:path';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import {
  checkModel,
  checkModelWithWorkers,
  InputError,
  simulateModel,
} from '../conformance/tla/check/run.ts';
import { TlcUnavailable, runTlc } from '../conformance/tlc/runner.ts';
import {
  EXIT,
  exitCode,
  formatProgress,
  formatReadable,
  formatTlc,
} from '../conformance/tla/check/report.ts';
import { CheckStream, type RunRequest } from '../conformance/tla/check/json-stream.ts';
import { formatCoverage } from '../conformance/tla/check/coverage-text.ts';
import { renderDiagnostic } from '../conformance/tla/diagnostics/render.ts';
import {
  FPMEM_HELP,
  type FpmemFlags,
  SPILL_DIR_HELP,
  fpmemOptions,
  spillProgress,
  spillSummary,
} from './fpmem.ts';

interface CheckFlags extends FpmemFlags {
  config?: string;
  deadlock?: boolean;
  workers?: string;
  depth?: string;
  json?: boolean;
  coverage?: string | boolean;
  full?: boolean;
  simulate?: string | boolean;
  seed?: string;
  engine?: string;
  library?: string;
}

/** The help of `--library`, shared by the commands that load specs. */
export const LIBRARY_HELP = `folders or jars (separated by "${delimiter}") searched for modules that are neither beside the spec nor standard, such as the CommunityModules, as TLC's -DTLA-Library (default: TLA_LIBRARY, else the CommunityModules.jar beside TLA2TOOLS_JAR)`;

/** Makes `--library` the library path of this run (the engine reads TLA_LIBRARY). */
export function useLibrary(paths: string | undefined): void {
  if (paths !== undefined) process.env.TLA_LIBRARY = paths;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('model-check a TLA+ specification against a TLC model configuration (.cfg)')
    .argument('<spec>', 'the root module, e.g. spec/Timelock.tla (".tla" may be omitted)')
    .option(
      '--config <file>',
      'the model configuration (default: the spec name with .cfg); TLC spelling -config works too',
    )
    .option('--deadlock', "do not report deadlocks (as TLC's -deadlock)")
    .option(
      '--workers <n>',
      'breadth-first search on n worker threads, or auto for one per core (default 1); TLC spelling -workers',
    )
    .option('--depth <n>', 'stop exploring below this BFS level')
    .option(
      '--json',
      'write the run as NDJSON records (docs/output.md; schema docs/schema/check-stream.v1.schema.json)',
    )
    .option(
      '--coverage [minutes]',
      'print per-action statistics at the end (TLC spelling -coverage; the minutes are ignored)',
    )
    .option(
      '--full',
      "print every variable of every trace state, in TLC's exact format (default: state 1, then only changes)",
    )
    .option(
      '--simulate [num]',
      'instead of exhausting the state graph, check num random behaviours (default 1000); TLC spelling -simulate',
    )
    .option('--seed <n>', 'seed for --simulate (same seed, same behaviours)', '0')
    .option('--library <paths>', LIBRARY_HELP)
    .option('--fpmem <limit>', FPMEM_HELP)
    .option('--spill-dir <dir>', SPILL_DIR_HELP)
    .option(
      '--engine <name>',
      'ours (default), tlc (real TLC: needs TLA2TOOLS_JAR and java), or both (run both, fail if result, distinct states or depth differ)',
      'ours',
    )
    .addHelpText(
      'after',
      `
Exit codes follow TLC (docs/output.md): 0 no error, 10 assumption false, 11 deadlock,
12 invariant violated, 13 temporal or action property violated, 14 Assert failed,
75 evaluation error, 255 integer overflow, 150 spec error, 151 cfg error; 1 bad usage, TLC
not available, or (--engine both) the engines disagree. A run that found a violation never
exits 0.

Example:
  timelock check -config spec/examples/BoundedCounter.cfg spec/examples/BoundedCounter.tla`,
    )
    .action(async (spec: string, flags: CheckFlags) => {
      useLibrary(flags.library);
      if (flags.json && flags.engine !== 'ours')
        throw new Error('--json works with --engine ours only');
      if (flags.engine === 'ours') process.exitCode = await runCheck(spec, flags);
      else if (flags.engine === 'tlc' || flags.engine === 'both')
        process.exitCode = runWithTlc(spec, flags, flags.engine);
      else throw new Error(`--engine must be ours, tlc or both, not '${flags.engine}'`);
    });
}

function files(specArg: string, flags: CheckFlags): { spec: string; config: string } {
  const spec = specArg.endsWith('.tla') || existsSync(specArg) ? specArg : `${specArg}.tla`;
  return { spec, config: flags.config ?? spec.replace(/\.tla$/, '') + '.cfg' };
}

/** `--engine tlc` passes TLC's output through; `--engine both` compares the two engines. */
function runWithTlc(specArg: string, flags: CheckFlags, engine: 'tlc' | 'both'): number {
  const { spec, config } = files(specArg, flags);
  let tlc;
  try {
    tlc = runTlc(spec, config, { deadlock: flags.deadlock });
  } catch (e) {
    if (e instanceof TlcUnavailable) {
      process.stderr.write(`Error: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  }
  if (engine === 'tlc') {
    process.stdout.write(tlc.output);
    return tlc.exitCode;
  }
  const ours = checkModel(spec, config, {
    checkDeadlock: flags.deadlock ? false : undefined,
    print: () => {},
  });
  const rows: Array<[string, unknown, unknown]> = [
    ['result', ours.kind, tlc.kind],
    ['property', ours.property ?? null, tlc.property],
    ['distinct states', ours.distinct, tlc.distinct],
    ['states generated', ours.generated, tlc.generated],
    ['depth', ours.depth, tlc.depth],
  ];
  for (const [what, a, b] of rows)
    process.stdout.write(`${what.padEnd(18)}ours ${String(a).padEnd(12)} TLC ${String(b)}\n`);
  const differ =
    ours.kind !== tlc.kind ||
    ours.distinct !== (tlc.distinct ?? 0) ||
    ours.depth !== (tlc.depth ?? 0);
  process.stdout.write(
    differ ? 'The engines DISAGREE on result, distinct states or depth.\n' : 'The engines agree.\n',
  );
  // Agreeing on a violation is still a violation: exit with its code, never 0.
  return differ ? EXIT.failure : exitCode(ours);
}

async function runCheck(specArg: string, flags: CheckFlags): Promise<number> {
  const { spec, config } = files(specArg, flags);
  const say = (line: string) => {
    if (!flags.json) process.stdout.write(line + '\n');
  };
  const stream = flags.json
    ? new CheckStream((line) => process.stdout.write(line), runRequest(spec, config, flags))
    : undefined;
  stream?.start();
  const progress = {
    onProgress: (p: Parameters<typeof formatProgress>[0]) =>
      stream ? stream.progress(p) : say(formatProgress(p) + spillProgress(p.spilled)),
    progressIntervalMs: 3000,
  };
  try {
    // Simulation runs on one thread (as TLC's -simulate with one worker).
    const workers = flags.simulate === undefined ? workerCount(flags.workers) : 1;
    say(
      `Timelock TLA+ engine: checking ${basename(spec)} with ${basename(config)} (${flags.simulate === undefined ? 'breadth-first' : 'random behaviours'}, ${workers} worker${workers === 1 ? '' : 's'})`,
    );
    const seed = Number.parseInt(flags.seed ?? '0', 10) || 0;
    const common = {
      checkDeadlock: flags.deadlock ? false : undefined,
      print: (line: string) => say(line),
    };
    const bfs = {
      ...common,
      run: { mode: 'bfs' as const, workers },
      ...progress,
      maxDepth: flags.depth ? positive(flags.depth, '--depth') : undefined,
      ...fpmemOptions(flags, say),
    };
    if (flags.fpmem !== undefined && workers > 1)
      say('Note: -fpmem applies to one worker; with several, everything stays in memory.');
    const result =
      flags.simulate === undefined
        ? workers === 1
          ? checkModel(spec, config, bfs)
          : await checkModelWithWorkers(spec, config, workers, {
              ...bfs,
              onNote: (note) => say(`Note: ${note}.`),
            })
        : simulateModel(spec, config, {
            ...common,
            ...progress,
            traces:
              flags.simulate === true
                ? 1000
                : positive(String(flags.simulate).replace(/^num=/, ''), '--simulate'),
            depth: flags.depth ? positive(flags.depth, '--depth') : 100,
            seed,
            run: { mode: 'simulate', workers: 1, seed },
          });
    if (stream) stream.result(result);
    else {
      say(flags.full ? formatTlc(result) : formatReadable(result));
      if (result.diagnostic) say('\n' + renderDiagnostic(result.diagnostic));
      if (flags.coverage !== undefined && result.actionStats)
        say(formatCoverage(result.actionStats));
      const spilled = spillSummary(result);
      if (spilled) say(spilled);
    }
    return exitCode(result);
  } catch (e) {
    if (e instanceof InputError) {
      if (stream) stream.inputError(e);
      else process.stderr.write(formatInputError(e, config));
      return e.exitCode;
    }
    throw e;
  }
}

/**
 * An input error as text: for each error (a cfg may have several), the one-line `Error:` and the
 * rendered diagnostic; then, when there are several, how many (`3 errors in M.cfg`).
 */
export function formatInputError(e: InputError, config: string): string {
  const blocks = e.errors.map(
    (x) => `Error: ${x.message}\n${x.diagnostic ? `\n${renderDiagnostic(x.diagnostic)}\n` : ''}`,
  );
  const count = e.errors.length > 1 ? `\n${e.errors.length} errors in ${config}\n` : '';
  return blocks.join('\n') + count;
}

/** The run as the JSON stream's start record describes it (flags not yet validated). */
function runRequest(spec: string, config: string, flags: CheckFlags): RunRequest {
  // Invalid values become null here; the run itself rejects them with an error record.
  const positiveOrNull = (text: string | undefined) => {
    const n = Number(text);
    return Number.isInteger(n) && n > 0 ? n : null;
  };
  const simulate = flags.simulate !== undefined;
  return {
    spec,
    config,
    mode: simulate ? 'simulate' : 'bfs',
    options: {
      checkDeadlock: flags.deadlock ? false : null,
      maxDepth: flags.depth ? positiveOrNull(flags.depth) : simulate ? 100 : null,
      workers: flags.workers ?? null,
      behaviours: !simulate
        ? null
        : flags.simulate === true
          ? 1000
          : positiveOrNull(String(flags.simulate).replace(/^num=/, '')),
      seed: simulate ? Number.parseInt(flags.seed ?? '0', 10) || 0 : null,
      coverage: flags.coverage !== undefined,
    },
  };
}

/** `-workers`: a positive number, or `auto` for one per core. */
function workerCount(text: string | undefined): number {
  if (text === undefined) return 1;
  return text === 'auto' ? availableParallelism() : positive(text, '--workers');
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`${option} needs a positive whole number, not '${text}'`, EXIT.failure);
  return n;
}
