/**
 * `timelock explain TRACE --eval EXPR...`: evaluates expressions over each state of a trace
 * saved with `check --json` or `validate --json`.
 */
import type { Command } from 'commander';
import {
  ExplainError,
  type StateExplanation,
  explainTrace,
  formatExplanation,
} from '../conformance/tla/check/explain.ts';
import { SavedTraceError, readSavedTrace } from '../conformance/tla/check/saved-trace.ts';
import { InputError, loadModel } from '../conformance/tla/check/run.ts';

/** Exit codes: evaluated (even if some states gave errors), or the input could not be used. */
export const EXPLAIN_EXIT = { ok: 0, badInput: 2 } as const;

interface ExplainFlags {
  eval: string[];
  spec?: string;
  config?: string;
  json?: boolean;
}

/** Adds `explain` to the `timelock` program. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('evaluate TLA+ expressions over each state of a saved trace')
    .argument('<trace>', 'a file written by "timelock check --json" or "timelock validate --json"')
    .requiredOption(
      '--eval <expr>',
      "a TLA+ expression; repeat for several. Primed variables are the next state's",
      (e: string, all: string[]) => [...all, e],
      [],
    )
    .option('--spec <file>', 'the spec to evaluate in (default: the one named in the trace file)')
    .option('--config <file>', 'its model configuration (default: the one named in the trace file)')
    .option('--json', 'print one JSON object per state')
    .addHelpText(
      'after',
      `
Exit code: ${EXPLAIN_EXIT.ok} when the expressions were evaluated (an error in one state is reported
for that state), ${EXPLAIN_EXIT.badInput} when the trace, the spec or an expression cannot be used.

Example:
  timelock check --json spec/Paxos.tla > trace.ndjson
  timelock explain trace.ndjson --eval "Cardinality(msgs)" --eval "acc' = acc"`,
    )
    .action((traceFile: string, flags: ExplainFlags) => {
      process.exitCode = runExplain(traceFile, flags);
    });
}

function runExplain(traceFile: string, flags: ExplainFlags): number {
  try {
    const trace = readSavedTrace(traceFile);
    const spec = flags.spec ?? trace.spec;
    // A conformance report carries its replay model's cfg as text (its constants come from the
    // trace); a --config given on the command line wins.
    const cfgText = flags.config === undefined ? trace.configText : undefined;
    const config =
      flags.config ??
      trace.config ??
      (cfgText !== undefined ? `${traceFile} (replay cfg)` : spec?.replace(/\.tla$/, '.cfg'));
    if (!spec || !config) {
      throw new ExplainError(`${traceFile} names no spec: pass --spec FILE (and --config FILE)`);
    }
    const model = loadModel(spec, config, { print: () => {} }, cfgText);
    const states = explainTrace(model, trace, flags.eval);
    // `timelock explain ... | head` closes the pipe early: that ends the output, not in error.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(EXPLAIN_EXIT.ok);
    });
    const format = flags.json ? (s: StateExplanation) => JSON.stringify(s) : formatExplanation;
    process.stdout.write(states.map((s) => format(s) + '\n').join(''));
    return EXPLAIN_EXIT.ok;
  } catch (e) {
    if (e instanceof ExplainError || e instanceof SavedTraceError || e instanceof InputError) {
      // A cfg with several mistakes: one line for each.
      for (const { message } of e instanceof InputError ? e.errors : [e])
        process.stderr.write(`Error: ${message}\n`);
      return EXPLAIN_EXIT.badInput;
    }
    throw e;
  }
}
