/**
 * `timelock check`: TLC's command line (`-config`, `-deadlock`, `-workers`, `-depth`) on our
 * engine, with TLC's summary lines, progress and exit codes, plus `--json`.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { checkModel, InputError, simulateModel } from '../../conformance/tla/check/run.ts';
import { TlcUnavailable, runTlc } from '../../conformance/tlc/runner.ts';
import {
  exitCode,
  formatProgress,
  formatTlc,
  resultJson,
} from '../../conformance/tla/check/report.ts';

interface CheckFlags {
  config?: string;
  deadlock?: boolean;
  workers?: string;
  depth?: string;
  json?: boolean;
  simulate?: string | boolean;
  seed?: string;
  engine?: string;
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
    .option('--workers <n>', 'accepted for TLC compatibility; the engine explores with one thread')
    .option('--depth <n>', 'stop exploring below this BFS level')
    .option('--json', 'print the result as one JSON object instead of TLC-style text')
    .option(
      '--simulate [num]',
      'instead of exhausting the state graph, check num random behaviours (default 1000); TLC spelling -simulate',
    )
    .option('--seed <n>', 'seed for --simulate (same seed, same behaviours)', '0')
    .option(
      '--engine <name>',
      'ours (default), tlc (real TLC: needs TLA2TOOLS_JAR and java), or both (run both, fail if result, distinct states or depth differ)',
      'ours',
    )
    .addHelpText(
      'after',
      `
Exit codes follow TLC: 0 no error, 10 assumption false, 11 deadlock, 12 invariant violated,
14 Assert failed, 75 evaluation error, 255 integer overflow, 150 spec error, 151 cfg error.

Example:
  timelock check -config spec/examples/BoundedCounter.cfg spec/examples/BoundedCounter.tla`,
    )
    .action((spec: string, flags: CheckFlags) => {
      if (flags.engine === 'ours') process.exitCode = runCheck(spec, flags);
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
      return 1;
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
  return differ ? 1 : 0;
}

function runCheck(specArg: string, flags: CheckFlags): number {
  const { spec, config } = files(specArg, flags);
  const say = (line: string) => {
    if (!flags.json) process.stdout.write(line + '\n');
  };
  say(
    `Timelock TLA+ engine: checking ${basename(spec)} with ${basename(config)} (breadth-first, 1 worker)`,
  );
  if (flags.workers && flags.workers !== '1' && flags.workers !== 'auto') {
    say(`Note: -workers ${flags.workers} accepted; this engine explores with one thread.`);
  }
  try {
    const common = {
      checkDeadlock: flags.deadlock ? false : undefined,
      print: (line: string) => say(line),
    };
    const result =
      flags.simulate === undefined
        ? checkModel(spec, config, {
            ...common,
            maxDepth: flags.depth ? positive(flags.depth, '--depth') : undefined,
            onProgress: (p) => say(formatProgress(p)),
            progressIntervalMs: 3000,
          })
        : simulateModel(spec, config, {
            ...common,
            traces:
              flags.simulate === true
                ? 1000
                : positive(String(flags.simulate).replace(/^num=/, ''), '--simulate'),
            depth: flags.depth ? positive(flags.depth, '--depth') : 100,
            seed: Number.parseInt(flags.seed ?? '0', 10) || 0,
          });
    if (flags.json) process.stdout.write(JSON.stringify(resultJson(result), null, 2) + '\n');
    else say(formatTlc(result));
    return exitCode(result);
  } catch (e) {
    if (e instanceof InputError) {
      if (flags.json)
        process.stdout.write(
          JSON.stringify({
            version: 1,
            result: 'input-error',
            message: e.message,
            exitCode: e.exitCode,
          }) + '\n',
        );
      else process.stderr.write(`Error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`${option} needs a positive whole number, not '${text}'`, 1);
  return n;
}
