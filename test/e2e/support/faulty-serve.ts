/**
 * A deliberately broken `timelock serve`, for tests only: the real server with one protocol
 * rule replaced by a faulty one from the bug doubles. Run as
 * `node --import tsx faulty-serve.ts DOUBLE serve ...` where DOUBLE names the rules, or `none`
 * for the correct ones (the same program, to tell the fault from the way it is started).
 */
import { Command } from 'commander';
import { registerServe } from '../../../cli/serve.ts';
import type { ServerRules } from '../../../src/server/server.ts';
import {
  instanceStartsBelowBound,
  servesWithoutFreshCheck,
} from '../../src/support/bug-doubles.ts';

const DOUBLES: Record<string, ServerRules | undefined> = {
  none: undefined,
  'serves-without-fresh-check': servesWithoutFreshCheck,
  'instance-starts-below-bound': instanceStartsBelowBound,
};

const [, , double, ...rest] = process.argv;
if (double === undefined || !(double in DOUBLES)) {
  process.stderr.write(
    `faulty-serve: the first argument names the rules: ${Object.keys(DOUBLES).join(', ')}\n`,
  );
  process.exit(2);
}
const rules = DOUBLES[double];
const program = new Command('timelock');
registerServe(program, rules ? { rules } : {});
await program.parseAsync([process.argv[0]!, process.argv[1]!, ...rest]);
