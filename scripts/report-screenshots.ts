/**
 * The pictures of `timelock report` in docs/images/: one per kind of input, drawn from inputs
 * this script makes (a simulated run with a partition and crashes, the known run of the report tests rejected
 * by `validate --json`, the PaxosBug counterexample saved by `check --json`), opened in the
 * system's headless chromium. Run with `npm run docs:screenshots` after changing the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, noBrowserReason } from '../test/support/browser.ts';

const root = join(import.meta.dirname, '..');
const images = join(root, 'docs', 'images');

function timelock(args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return r.stdout;
}

const why = noBrowserReason();
if (why) {
  process.stderr.write(`report-screenshots: ${why}\n`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'report-screenshots-'));
try {
  const traces = join(dir, 'traces');
  timelock([
    'simulate',
    '--seed',
    '11',
    '--servers',
    '3',
    '--clients',
    '1',
    '--steps',
    '160',
    '--schedule',
    'partition:3/1,2@150+60',
    '--faults',
    'crash=0.01',
    '--trace-dir',
    traces,
  ]);
  timelock(['report', traces, '-o', join(dir, 'traces.html')]);
  const failure = join(dir, 'failure.json');
  writeFileSync(
    failure,
    timelock(['validate', '--json', join(root, 'test', 'report', 'fixtures', 'known-run')]),
  );
  timelock(['report', failure, '-o', join(dir, 'conformance.html')]);
  const check = join(dir, 'check.ndjson');
  writeFileSync(
    check,
    timelock([
      'check',
      '--json',
      '-config',
      join(root, 'spec', 'models', 'PaxosBug.cfg'),
      join(root, 'spec', 'Timelock.tla'),
    ]),
  );
  timelock(['report', check, '-o', join(dir, 'check.html')]);

  const browser = await launchBrowser();
  try {
    for (const kind of ['traces', 'conformance', 'check']) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1300, height: 820 });
      await page.goto(`file://${join(dir, `${kind}.html`)}`);
      await page.waitForFunction(() => 'spaceTime' in window);
      const out = join(images, `report-${kind}.png`);
      await page.screenshot({ path: out as `${string}.png` });
      process.stdout.write(`${out}\n`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
