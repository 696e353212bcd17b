/**
 * Replaying merged trace events on the spec. Starting from the spec's initial states, each
 * event's action (parameters bound from the event) is taken from every candidate state; the
 * successors whose server projection matches what the event logged become the new candidates,
 * and each new one is checked against the spec's invariants. The first event that leaves no
 * candidate is diagnosed.
 */
import { Ctx, EvalError, printValue, type Model, type Value } from '../tla/index.ts';
import { CandidateSet } from './candidate-set.ts';
import { alternativeActions, diagnoseRejection } from './diagnose.ts';
import type { LoggedEvent } from './trace-input.ts';
import { loggedText, matchesLogged } from './projection.ts';
import type {
  CandidateDiagnosis,
  CandidateStats,
  EventPlace,
  Failure,
  SavedTraceStep,
} from './report.ts';
import { SpecActions } from './spec-actions.ts';
import { actionArguments } from './tla-values.ts';

/** The default bound on the candidate set. */
export const DEFAULT_MAX_CANDIDATES = 10_000;

/** How a replay ended. */
export interface ReplayOutcome {
  /** How many events (a prefix of the merged order) conformed. */
  readonly matched: number;
  readonly candidates: CandidateStats;
  readonly failure?: Failure;
}

/** How a replay runs. */
export interface ReplayOptions {
  /** Bound on the candidate set (default {@link DEFAULT_MAX_CANDIDATES}). */
  readonly maxCandidates?: number;
  /**
   * Check the invariants on the states matched after every `invariantEvery`-th event and after
   * the last one (default 1: every matched state; 0: never). Safety quantifies over every
   * message sent, so on long traces it costs far more than the replay itself.
   */
  readonly invariantEvery?: number;
}

/** Replays `events` (already merged) on `model`. */
export function replayEvents(
  model: Model,
  events: readonly LoggedEvent[],
  options: ReplayOptions = {},
): ReplayOutcome {
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const invariantEvery = options.invariantEvery ?? 1;
  const checksInvariantsAfter = (index: number) =>
    invariantEvery > 0 && (index % invariantEvery === 0 || index === events.length);
  const actions = new SpecActions(model);
  let candidates = initialStates(model, maxCandidates);
  const stats = { max: candidates.size, maxAfterEvent: 0, cutAfterEvents: [] as number[] };
  const outcome = (matched: number, failure?: Failure): ReplayOutcome => ({
    matched,
    candidates: { ...stats, final: candidates.size, bound: maxCandidates },
    failure,
  });

  // The candidate sets after the last TRACE_WINDOW events (the first: before any event, or
  // after the event before the window), for the trace leading to a failure.
  const history: Array<{ set: CandidateSet; after: number }> = [{ set: candidates, after: -1 }];
  const fail = (
    i: number,
    fields: Pick<Failure, 'kind' | 'reason' | 'closest'> & Partial<Failure>,
    from: number,
    reached?: Value[],
  ): ReplayOutcome =>
    outcome(i, {
      ...fields,
      event: eventPlace(events[i], i + 1),
      lastMatched: i > 0 ? eventPlace(events[i - 1], i) : undefined,
      candidatesTried: candidates.size,
      trace: traceBefore(
        model,
        events,
        history,
        from,
        reached ? { state: reached, event: i } : undefined,
      ),
    });

  for (let i = 0; i < events.length; i++) {
    const logged = events[i];
    const args = actionArguments(logged.event.action, logged.event.params);
    const expected = loggedText(logged.event.state);
    const next = new CandidateSet(maxCandidates);
    let from = 0;
    try {
      for (; from < candidates.size; from++) {
        const state = candidates.states[from];
        for (const successor of actions.successors(logged.event.action, args, state)) {
          if (!matchesLogged(expected, successor, model.varNames, logged.event.server)) continue;
          if (!next.add(successor, from)) continue;
          const broken = checksInvariantsAfter(i + 1)
            ? violatedInvariant(model, successor)
            : undefined;
          if (broken)
            return fail(
              i,
              {
                kind: 'invariant',
                reason: `the step reaches a state that violates the invariant ${broken}`,
                invariant: broken,
                closest: [],
              },
              from,
              successor,
            );
        }
      }
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      const reason = `the spec cannot evaluate this step: ${e.message}`;
      return fail(i, { kind: 'eval-error', reason, closest: [] }, from);
    }
    if (next.size === 0) {
      const { closest, closestState } = diagnoseRejection(
        actions,
        candidates.states,
        logged.event,
        args,
      );
      return fail(
        i,
        {
          kind: 'rejected',
          reason: rejectionReason(closest),
          closest,
          alternatives: closestState
            ? alternativeActions(actions, closestState, logged.event)
            : undefined,
        },
        closestState ? candidates.states.indexOf(closestState) : 0,
      );
    }
    if (next.cut) stats.cutAfterEvents.push(i + 1);
    if (next.size > stats.max) {
      stats.max = next.size;
      stats.maxAfterEvent = i + 1;
    }
    candidates = next;
    history.push({ set: next, after: i });
    if (history.length > TRACE_WINDOW) history.shift();
  }
  return outcome(events.length);
}

/** How many states the trace of a failure shows, at most: the last ones before it. */
const TRACE_WINDOW = 10;

/**
 * The states that led to candidate `index` of the last set in `history` (and then `reached`,
 * a state that was not kept), oldest first, as `check --json` writes a trace.
 */
function traceBefore(
  model: Model,
  events: readonly LoggedEvent[],
  history: ReadonlyArray<{ set: CandidateSet; after: number }>,
  index: number,
  reached?: { state: Value[]; event: number },
): SavedTraceStep[] {
  const path: Array<{ state: Value[]; event: number }> = [];
  let k = index;
  for (let h = history.length - 1; h >= 0 && k >= 0 && k < history[h].set.size; h--) {
    const { set, after } = history[h];
    path.unshift({ state: set.states[k], event: after });
    k = set.parents[k];
  }
  if (reached) path.push(reached);
  return path.map(({ state, event }, i) => ({
    index: i + 1,
    action: event < 0 ? 'Initial predicate' : eventPlace(events[event], event + 1).action,
    location: event < 0 ? null : `${events[event].file}:${events[event].line}`,
    state: Object.fromEntries(model.varNames.map((name, v) => [name, printValue(state[v])])),
  }));
}

function initialStates(model: Model, bound: number): CandidateSet {
  const set = new CandidateSet(bound);
  const n = model.varNames.length;
  model.init(
    null,
    new Ctx(new Array<Value | undefined>(n).fill(undefined), null, model.runtime),
    (ctx) => {
      set.add(ctx.cur as Value[]);
      return false;
    },
  );
  return set;
}

function violatedInvariant(model: Model, state: Value[]): string | undefined {
  const ctx = new Ctx(state, null, model.runtime);
  return model.invariants.find((inv) => inv.fn(null, ctx) !== true)?.name;
}

function eventPlace(logged: LoggedEvent, index: number): EventPlace {
  const { event } = logged;
  const args = actionArguments(event.action, event.params);
  return {
    index,
    file: logged.file,
    line: logged.line,
    action: `${event.action}(${args.map(printValue).join(', ')})`,
    logged: logged.text,
  };
}

/** One line summarising the closest candidate's diagnosis. */
function rejectionReason(closest: readonly CandidateDiagnosis[]): string {
  const best = closest[0];
  if (!best) return 'no candidate state';
  if (best.enabled) {
    const fields = best.diff.map((d) => d.path).join(', ');
    return `the action is enabled, but the spec's successor differs from the logged state at ${fields}`;
  }
  const fc = best.falseConjunct;
  if (!fc) return 'the action is not enabled';
  const text = fc.text.length > 120 ? fc.text.slice(0, 117) + '...' : fc.text;
  return `the action is not enabled: in ${fc.within.join(' > ')}, ${text} (${fc.place}) is FALSE`;
}
