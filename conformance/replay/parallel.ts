/**
 * Validating several runs at once, one per worker thread (`validate --workers N`). Each run is
 * independent, so runs are handed to the next free worker and their reports come back in the
 * order of the runs. One run never spans workers: its events must be replayed in order.
 *
 * Workers run the same code as the caller (see `../threads.ts`).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads.ts';
import { CoverageTally, type ActionCoverage, type TallyCounts } from './coverage.ts';
import type { ValidateOptions } from './index.ts';
import type { RunReport, ValidationReport } from './report.ts';
import { TraceInputError } from './trace-input.ts';

/** What a worker is asked: one run. */
export interface WorkerTask {
  readonly id: number;
  readonly files: readonly string[];
  /** The options that cross threads (no callbacks). */
  readonly options: Omit<ValidateOptions, 'onMatched' | 'progress'>;
  readonly coverage: boolean;
}

/** What a worker answers. */
export type WorkerAnswer =
  | { readonly id: number; readonly report: RunReport; readonly counts?: TallyCounts }
  | { readonly id: number; readonly error: { readonly message: string; readonly input: boolean } };

/** How many workers to use by default: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** A new worker thread running the worker's code. */
function startReplayWorker(): Worker {
  return startWorker(import.meta.url, 'replay-worker.mjs', new URL('./worker.ts', import.meta.url));
}

/**
 * Validates `runs` (each a list of trace files) on up to `workers` threads; with `coverage`,
 * also the action coverage of their conforming events. Throws {@link TraceInputError} for the
 * first run whose input cannot be read, as the sequential validation does.
 */
export async function validateInParallel(
  runs: readonly (readonly string[])[],
  options: Omit<ValidateOptions, 'onMatched' | 'progress'>,
  workers = defaultWorkers(),
  coverage = false,
): Promise<{ report: ValidationReport; coverage?: ActionCoverage }> {
  const pool = Array.from(
    { length: Math.max(1, Math.min(workers, runs.length)) },
    startReplayWorker,
  );
  const answers: WorkerAnswer[] = new Array(runs.length);
  try {
    let next = 0;
    await Promise.all(
      pool.map(async (worker) => {
        while (next < runs.length) {
          const id = next++;
          answers[id] = await ask(worker, {
            id,
            files: runs[id],
            options,
            coverage,
          });
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const tally = coverage ? new CoverageTally() : undefined;
  const reports = answers.map((a) => {
    if ('error' in a) {
      if (a.error.input) throw new TraceInputError(a.error.message);
      throw new Error(a.error.message);
    }
    if (tally && a.counts) tally.addCounts(a.counts);
    return a.report;
  });
  return {
    report: { ok: reports.every((r) => r.ok), runs: reports },
    coverage: tally?.coverage(),
  };
}

function ask(worker: Worker, task: WorkerTask): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: WorkerAnswer) => {
      cleanup();
      resolve(answer);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(task);
  });
}
