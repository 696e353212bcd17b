/**
 * Starting a worker thread that runs the same code as its caller: from the CLI's bundle
 * (`bin/timelock.js` bundles each worker entry next to the main bundle), the bundled worker;
 * from the TypeScript sources (tests, tsx), the worker's source through tsx's loader.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A new worker: `bundled` (a file name, e.g. `check-worker.mjs`) beside the module at
 * `callerUrl` when it exists, else the TypeScript file at `source`.
 */
export function startWorker(
  callerUrl: string,
  bundled: string,
  source: URL,
  options: WorkerOptions = {},
): Worker {
  const bundle = join(dirname(fileURLToPath(callerUrl)), bundled);
  if (existsSync(bundle)) return new Worker(bundle, options);
  // From the sources: register tsx's loader in the thread, then load the worker's source.
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`,
    { ...options, eval: true },
  );
}
