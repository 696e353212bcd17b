/**
 * A space-time diagram of a conformance failure saved by `timelock validate --json`: the run
 * that failed, read again from its trace files, drawn up to the rejected event, which is
 * highlighted with the replay's explanation of why the spec does not allow it.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  formatReport,
  type RunReport,
  type ValidationReport,
} from '../../conformance/replay/index.ts';
import { readTraceFile } from '../../conformance/replay/trace-input.ts';
import { spaceTimeOfTraces } from './from-traces.ts';
import type { SpaceTime } from './model.ts';

/**
 * The diagram of the first failing run of `report` (or of its first run, when every run
 * conforms). `reportFile` is where the report was read from: trace paths that do not exist as
 * written are looked for beside it.
 */
export function spaceTimeOfValidation(report: ValidationReport, reportFile: string): SpaceTime {
  const run: RunReport | undefined = report.runs.find((r) => !r.ok) ?? report.runs[0];
  if (run === undefined) throw new Error(`${reportFile}: the report has no runs`);
  const files = run.files.map((f) => (existsSync(f) ? f : resolve(dirname(reportFile), f)));
  const streams = files.map(readTraceFile);
  const failure = run.failure;
  return spaceTimeOfTraces(streams, {
    title: failure
      ? `Conformance failure at event ${failure.event.index}: ${failure.event.action}`
      : 'Traces that conform',
    source: reportFile,
    ...(failure
      ? {
          upTo: failure.event.index,
          failure: {
            index: failure.event.index,
            summary: failure.reason,
            details: formatReport({ ok: false, runs: [run] }),
          },
        }
      : {}),
  });
}
