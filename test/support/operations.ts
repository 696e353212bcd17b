/**
 * Hand-made client operations, for the tests of the history checkers and of the reports drawn
 * from them.
 */
import type { TimestampOperation } from '../../conformance/history/index.ts';

/** Where an answered call was served: its namespace, and the server and term, when known. */
export interface Served {
  readonly namespace?: string;
  readonly server?: number;
  readonly term?: number;
}

/** A call that got `lower..upper`. */
export function answered(
  caller: string,
  invokedAt: number,
  completedAt: number,
  lower: number,
  upper = lower,
  { namespace = 'ns', server, term }: Served = {},
): TimestampOperation {
  return {
    caller,
    namespace,
    invokedAt,
    completedAt,
    outcome: {
      kind: 'ok',
      lower,
      upper,
      ...(server !== undefined ? { server } : {}),
      ...(term !== undefined ? { term } : {}),
    },
  };
}

/** A call that was refused (`failed`) or whose outcome is `unknown`. */
export function unanswered(
  caller: string,
  invokedAt: number,
  completedAt: number,
  kind: 'failed' | 'unknown' = 'failed',
  error = 'timeout',
  namespace = 'ns',
): TimestampOperation {
  return { caller, namespace, invokedAt, completedAt, outcome: { kind, error } };
}
