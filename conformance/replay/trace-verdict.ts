/**
 * What a model check of an emitted trace module says about the trace: the same question the
 * replay answers (does the trace conform, and how long is its longest conforming prefix), read
 * off a TLC run or off our engine's run of the same module. `validate --engine tlc` and
 * `--engine both` use it, and tests use it to hold the two engines to one verdict.
 *
 * The module makes "the trace conforms" an invariant violation ({@link
 * TRACE_ACCEPTED_WHEN_VIOLATED} fails once step `Len(Trace) + 1` is reached); otherwise the
 * search ends early, and its depth, one more than the longest prefix matched, says where.
 */
import { checkModel } from '../tla/index.ts';
import { parseTlcOutput } from '../tlc/output.ts';
import { runTlc } from '../tlc/runner.ts';
import { TRACE_ACCEPTED_WHEN_VIOLATED, type TlcTraceCheck } from './emit-tlc.ts';

/** An engine's verdict on an emitted trace module. */
export interface TraceVerdict {
  readonly engine: 'tlc' | 'ours';
  readonly accepted: boolean;
  /** The longest prefix of the events some behaviour of the spec matched. */
  readonly matched: number;
  readonly events: number;
  /** Why the check stopped without a verdict on the trace (an evaluation error, say). */
  readonly problem?: string;
  /** TLC's whole output, for `--engine tlc`. */
  readonly output?: string;
}

/** What a check reported, in the terms both engines share. */
interface CheckOutcome {
  readonly kind: string;
  readonly property: string | null | undefined;
  readonly depth: number | null;
  readonly message?: string | null;
}

function verdictOf(
  engine: TraceVerdict['engine'],
  events: number,
  outcome: CheckOutcome,
): Omit<TraceVerdict, 'output'> {
  const depth = outcome.depth ?? 0;
  if (outcome.kind === 'invariant' && outcome.property === TRACE_ACCEPTED_WHEN_VIOLATED)
    return { engine, accepted: depth === events + 1, matched: depth - 1, events };
  if (outcome.kind === 'ok')
    return { engine, accepted: false, matched: Math.max(0, depth - 1), events };
  return {
    engine,
    accepted: false,
    matched: Math.max(0, depth - 1),
    events,
    problem:
      outcome.kind === 'invariant'
        ? `the invariant ${outcome.property} is violated`
        : `${outcome.kind}: ${outcome.message ?? 'no message'}`,
  };
}

/** Runs stock TLC on the emitted module (throws TlcUnavailable when there is none). */
export function tlcTraceVerdict(check: TlcTraceCheck, env?: NodeJS.ProcessEnv): TraceVerdict {
  const run = runTlc(check.moduleFile, check.cfgFile, { env });
  return { ...verdictOf('tlc', check.events, run), output: run.output };
}

/** The verdict in the output of a TLC run on a module emitted for `events` events. */
export function tlcOutputVerdict(events: number, output: string): TraceVerdict {
  return { ...verdictOf('tlc', events, parseTlcOutput(output)), output };
}

/** Runs our engine's model checker on the emitted module. */
export function engineTraceVerdict(check: TlcTraceCheck): TraceVerdict {
  const r = checkModel(check.moduleFile, check.cfgFile, { print: () => {} });
  return verdictOf('ours', check.events, {
    kind: r.kind,
    property: r.property,
    depth: r.depth,
    message: r.message,
  });
}
