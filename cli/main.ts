/**
 * The `timelock` command. Thin by design: it parses arguments and calls the libraries.
 */
import { Command, Option } from 'commander';
import { registerChaos } from './chaos.ts';
import { registerCheck } from './check.ts';
import { registerCluster } from './cluster.ts';
import { registerExplain } from './explain.ts';
import { registerLock } from './lock.ts';
import { registerParity } from './parity.ts';
import { registerPipeline } from './pipeline.ts';
import { registerReport } from './report.ts';
import { registerServe } from './serve.ts';
import { registerSimulate } from './simulate.ts';
import { registerTs } from './ts.ts';
import { registerValidate } from './validate.ts';

/** TLC spells its long options with one dash (`-config`); accept that spelling too. */
export function normaliseTlcFlags(argv: string[]): string[] {
  const tlcFlags = new Set([
    '-config',
    '-deadlock',
    '-workers',
    '-depth',
    '-simulate',
    '-seed',
    '-coverage',
    '-fpmem',
  ]);
  return argv.map((a) => (tlcFlags.has(a) ? `-${a}` : a));
}

const program = new Command('timelock')
  .description(
    'AtlasDB Timelock Paxos: TLA+ specification, reference implementation and a TLC-compatible model checker.',
  )
  .showHelpAfterError()
  .addOption(new Option('--no-color', 'plain output').hideHelp());

registerChaos(program);
registerCheck(program);
registerCluster(program);
registerExplain(program);
registerLock(program);
registerParity(program);
registerPipeline(program);
registerReport(program);
registerServe(program);
registerSimulate(program);
registerTs(program);
registerValidate(program);

program.parseAsync(normaliseTlcFlags(process.argv)).catch((e: unknown) => {
  process.stderr.write(`timelock: ${(e as Error).message}\n`);
  process.exit(1);
});
