/** Helpers of the threshold-0 differential tests. */
import type { CheckResult } from '../../../../conformance/tla/check/explorer.ts';
import { formatTlc } from '../../../../conformance/tla/check/report.ts';
import { persistentSetOptions } from '../../../../conformance/tla/values/pset.ts';

/** The report without its timing line. */
export function report(r: CheckResult): string {
  return formatTlc(r).replace(/^Finished in .*$/m, '');
}

/** Runs `f` with the ordinary engine (no persistent sets). */
export function ordinary<T>(f: () => T): T {
  persistentSetOptions.threshold = Number.MAX_SAFE_INTEGER;
  try {
    return f();
  } finally {
    persistentSetOptions.threshold = 0;
  }
}
