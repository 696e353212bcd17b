#!/usr/bin/env node
// Runs the `timelock` command from the TypeScript sources, from any folder, with no build step
// to remember: the sources are bundled with esbuild into .cache/ whenever one of them is newer
// than the bundle (about 0.1 s), and the bundle is run. We bundle rather than run through a
// TypeScript loader because loaders keep function names by wrapping every closure, which costs
// the model checker a quarter of its time.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  timelock: join(root, 'cli', 'main.ts'),
  // The worker threads of `validate --workers` run this bundle (conformance/replay/parallel.ts).
  'replay-worker': join(root, 'conformance', 'replay', 'worker.ts'),
  // The worker threads of `check -workers N` run this one (conformance/tla/check/parallel/).
  'check-worker': join(root, 'conformance', 'tla', 'check', 'parallel', 'worker.ts'),
};
const bundle = join(root, '.cache', 'timelock.mjs');
const bundles = Object.keys(entries).map((name) => join(root, '.cache', `${name}.mjs`));

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleTime() {
  try {
    return Math.min(...bundles.map((b) => statSync(b).mtimeMs));
  } catch {
    return -1;
  }
}

const sources = Math.max(
  ...['cli', 'src', 'conformance', 'campaign', 'report'].map((dir) =>
    newestSource(join(root, dir)),
  ),
);
if (bundleTime() < sources) {
  mkdirSync(dirname(bundle), { recursive: true });
  await build({
    entryPoints: entries,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: dirname(bundle),
    outExtension: { '.js': '.mjs' },
    sourcemap: 'inline',
    logLevel: 'error',
  });
}
await import(pathToFileURL(bundle).href);
