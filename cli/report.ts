/**
 * `timelock report FILE...`: a self-contained HTML page with the space-time diagram of an
 * error trace, a conformance failure, or a run's traces (report/space-time/).
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { TraceInputError } from '../conformance/replay/trace-input.ts';
import { spaceTimeHtml } from '../report/space-time/html.ts';
import { loadSpaceTime, ReportInputError } from '../report/space-time/load.ts';

/** Exit codes: written, the input cannot be drawn. */
export const REPORT_EXIT = { written: 0, badInput: 2 } as const;

/** Adds `report` to the `timelock` program. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write an HTML page with the space-time diagram of an error trace (check --json), a conformance failure (validate --json), or traces (simulate --trace-dir, a cluster run)',
    )
    .argument('<files...>', 'one saved report, or the trace files or folder of one run')
    .option('-o, --output <file>', 'where to write the page (default: the input’s name with .html)')
    .addHelpText(
      'after',
      `
Examples:
  timelock check --json -config M.cfg Spec.tla > run.ndjson; timelock report run.ndjson
  timelock validate --json traces > failure.json;            timelock report failure.json
  timelock simulate --seed 7 --trace-dir traces;              timelock report traces

The page needs no network. One lane per server (and per client), one arrow per delivered
message, crashes marked, the failing step in red; ↓/↑ (or j/k) move between steps and the
panel shows what the selected step changed.

Exit codes: ${REPORT_EXIT.written} written, ${REPORT_EXIT.badInput} the input cannot be drawn.`,
    )
    .action((files: string[], flags: { output?: string }) => {
      try {
        const model = loadSpaceTime(files);
        const first = files[0]!;
        const output = resolve(
          flags.output ?? `${basename(first, extname(first)) || 'report'}.html`,
        );
        writeFileSync(output, spaceTimeHtml(model));
        process.stdout.write(
          `${output}: ${model.lanes.length} lanes, ${model.steps.length} steps, ${model.arrows.length} messages` +
            (model.failure ? `, failing step ${model.failure.step + 1}` : '') +
            '\n',
        );
      } catch (e) {
        if (!(
          e instanceof ReportInputError ||
          e instanceof TraceInputError ||
          e instanceof SyntaxError
        ))
          throw e;
        process.stderr.write(`timelock report: ${e.message}\n`);
        process.exit(REPORT_EXIT.badInput);
      }
    });
}
