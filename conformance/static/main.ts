/**
 * `npm run check:actions`: checks that the implementation's `specAction(...)` calls and the
 * steps of spec/Timelock.tla's `Next` agree ({@link checkActions}). Prints one line per
 * problem (`file:line: ...`) and exits 1 when there is any.
 */
import { checkActions, REPOSITORY_CHECK } from './check-actions.ts';

const report = checkActions(REPOSITORY_CHECK);
for (const problem of report.problems) process.stderr.write(problem + '\n');
process.stdout.write(
  report.ok
    ? `check:actions: OK, ${report.sites.length} emitting sites in src/ cover the ${report.specActions.length} steps of Next\n`
    : `check:actions: ${report.problems.length} problem(s)\n`,
);
process.exitCode = report.ok ? 0 : 1;
