/**
 * `timelock parity DIR`: runs a manifest of TLC results and prints a row per case.
 */
import type { Command } from 'commander';
import { DEFAULT_CASE_TIMEOUT_MS, runParity } from '../conformance/tla/check/parity.ts';
import { wholeNumber } from './simulate.ts';
import { LIBRARY_HELP, useLibrary } from './check.ts';

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description('run every case of DIR/manifest.json (TLC results) with our engine and compare')
    .argument('<dir>', 'a folder shaped like the shared tlc-parity suite')
    .option('--library <paths>', LIBRARY_HELP)
    .option(
      '--timeout <seconds>',
      'stop a case that explores longer than this and count it as failed',
      wholeNumber('--timeout', 1),
      DEFAULT_CASE_TIMEOUT_MS / 1000,
    )
    .action((dir: string, flags: { library?: string; timeout: number }) => {
      useLibrary(flags.library);
      let passed = 0,
        failed = 0,
        unsupported = 0;
      runParity(
        dir,
        (r) => {
          if (r.status === 'pass') passed++;
          else if (r.status === 'fail') failed++;
          else unsupported++;
          const tag = r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'UNSUPPORTED';
          process.stdout.write(
            `${tag.padEnd(12)}${r.name.padEnd(28)}${r.detail}  (${r.ms} ms${r.tlcSeconds === undefined ? '' : `; TLC ${r.tlcSeconds} s`})\n`,
          );
        },
        flags.timeout * 1000,
      );
      process.stdout.write(`${passed} passed, ${failed} failed, ${unsupported} skipped\n`);
      if (unsupported > 0)
        process.stdout.write(
          `(${unsupported} cases use features this engine does not support yet; they are not counted as passed)\n`,
        );
      process.exitCode = failed > 0 ? 1 : 0;
    });
}
