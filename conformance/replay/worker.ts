/**
 * A worker thread that validates runs for {@link validateInParallel}: it receives a run's
 * files and the options, replays them, and answers with the report (and the action counts
 * for coverage). It holds nothing between runs but the parsed spec.
 */
import { parentPort } from 'node:worker_threads';
import { CoverageTally } from './coverage.ts';
import { validateRun, type ValidateOptions } from './index.ts';
import { readTraceFile, TraceInputError } from './trace-input.ts';
import type { WorkerAnswer, WorkerTask } from './parallel.ts';

const port = parentPort;
if (port === null) throw new Error('conformance/replay/worker.ts runs as a worker thread only');

port.on('message', (task: WorkerTask) => {
  let answer: WorkerAnswer;
  try {
    const tally = task.coverage ? new CoverageTally() : undefined;
    const options: ValidateOptions = { ...task.options, ...tally?.replayOptions() };
    const report = validateRun(task.files.map(readTraceFile), options);
    answer = { id: task.id, report, counts: tally?.counts() };
  } catch (e) {
    const error = e as Error;
    answer = {
      id: task.id,
      error: { message: error.message, input: e instanceof TraceInputError },
    };
  }
  port.postMessage(answer);
});
