/**
 * What a step hands out, checked against what the spec says it hands out. A `Serve` event logs
 * the range of timestamps the server answered with (`served`); the spec's `ServedRange(s, c)`
 * is the range its `Serve(s, c, k)` adds to `served`. The replay requires the two to be equal,
 * so a server that answers with a repeated or skipped range is rejected even when its counters
 * look right. This table is the one place that pairs an event field with a spec operator; the
 * replay and the TLC trace module both read it.
 */
import { equals, printValue, TupleValue, type Value } from '../tla/index.ts';
import { plainJson } from './projection.ts';
import type { ActionName, TraceEvent } from '../../src/trace/events.ts';
import type { FieldDiff } from './projection.ts';
import type { SpecActions } from './spec-actions.ts';

/** An event field the replay checks against a spec operator evaluated before the step. */
export interface StepOutput {
  /** The event's field, e.g. `served`. */
  readonly field: 'served';
  /** The spec operator giving the value, applied to the action's parameters of the same names. */
  readonly operator: string;
  /** Those parameters, in the operator's order. */
  readonly params: readonly string[];
}

/** Outputs by action. */
export const STEP_OUTPUTS: Partial<Record<ActionName, StepOutput>> = {
  Serve: { field: 'served', operator: 'ServedRange', params: ['s', 'c'] },
};

/**
 * Where the event's outputs differ from the spec's in `state` (the state the step starts
 * from). `args` are the action's arguments as TLA+ values, by parameter name.
 */
export function outputDiffs(
  actions: SpecActions,
  event: TraceEvent,
  args: ReadonlyMap<string, Value>,
  state: readonly Value[],
): FieldDiff[] {
  const output = STEP_OUTPUTS[event.action];
  if (output === undefined) return [];
  const logged = (event as { served?: readonly number[] })[output.field];
  const spec = actions.evaluate(
    output.operator,
    output.params.map((p) => args.get(p)!),
    state,
  );
  const loggedValue = logged === undefined ? undefined : new TupleValue([...logged]);
  if (loggedValue !== undefined && equals(loggedValue, spec)) return [];
  return [
    {
      variable: output.field,
      path: `${output.operator}(${output.params.map((p) => printValue(args.get(p)!)).join(', ')})`,
      logged: logged === undefined ? 'absent' : JSON.stringify(logged),
      spec: JSON.stringify(plainJson(spec)),
    },
  ];
}
