/**
 * Replaying merged trace events on the spec. Starting from the spec's initial states, each
 * event's action (parameters bound from the event) is taken from every candidate state; the
 * successors that write exactly what the event logged (and hand out what it logged) become
 * the new candidates, and each new one is checked against the spec's invariants. The first
 * event that leaves no candidate is diagnosed.
 *
 * Events stream through: the replay keeps the candidate states and, for a failure report, the
 * last few events and candidate sets, never the trace.
 */
import { Ctx, EvalError, printValue, type Model, type Value } from '../tla/index.ts';
import type { ActionName, TraceEvent } from '../../src/trace/events.ts';
import { CandidateSet } from './candidate-set.ts';
import { alternativeActions, diagnoseRejection } from './diagnose.ts';
import { outputDiffs } from './outputs.ts';
import { matchesChanges, variableSlots, type VariableSlots } from './projection.ts';
import type {
  CandidateDiagnosis,
  CandidateStats,
  EventPlace,
  Failure,
  SavedTraceStep,
} from './report.ts';
import { SpecActions } from './spec-actions.ts';
import { actionArguments, namedArguments } from './tla-values.ts';
import type { LoggedEvent } from './trace-input.ts';

/** The default bound on the candidate set. */
export const DEFAULT_MAX_CANDIDATES = 10_000;

/** How a replay ended. */
export interface ReplayOutcome {
  /** How many events (a prefix of the merged order) conformed. */
  readonly matched: number;
  /** How many events were read (all of them, unless the replay stopped at a failure). */
  readonly events: number;
  readonly candidates: CandidateStats;
  readonly failure?: Failure;
}

/** How a replay runs. */
export interface ReplayOptions {
  /** Bound on the candidate set (default {@link DEFAULT_MAX_CANDIDATES}). */
  readonly maxCandidates?: number;
  /**
   * Check the invariants on the states matched after every `invariantEvery`-th event and after
   * the last one (default 1: every matched state; 0: never).
   */
  readonly invariantEvery?: number;
  /** Told how many events were replayed so far, now and then (for progress lines). */
  readonly progress?: (events: number) => void;
  /**
   * Told of every event that conformed, in the merged order (for coverage), with the branch
   * arms the steps that matched it went through (`key#arm`, each once; empty unless
   * {@link probeBranches}).
   */
  readonly onMatched?: (event: TraceEvent, branches: readonly string[]) => void;
  /**
   * Build the model with branch probes, so that {@link onMatched} learns the arms each step
   * took (costs time: operator applications are no longer memoised).
   */
  readonly probeBranches?: boolean;
}

/**
 * How many events before a failure its report shows the states of: with the state before
 * them, ten states (as `check --json` traces are read by `timelock explain`).
 */
const TRACE_WINDOW = 9;

/** How often, in events, {@link ReplayOptions.progress} is told. */
const PROGRESS_EVERY = 10_000;

/** One event replayed, with the candidate set it left, kept for failure reports. */
interface Replayed {
  readonly event: LoggedEvent;
  /** 0-based position in the merged order. */
  readonly index: number;
  readonly set: CandidateSet;
}

/** Replays `events` (already merged) on `model`. */
export function replayEvents(
  model: Model,
  events: Iterable<LoggedEvent>,
  options: ReplayOptions = {},
): ReplayOutcome {
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const invariantEvery = options.invariantEvery ?? 1;
  const actions = new SpecActions(model);
  const slots = variableSlots(model.varNames);
  let candidates = initialStates(model, maxCandidates, (state) => actions.causal.seed(state));
  const initial = candidates.states[0];
  const stats = { max: candidates.size, maxAfterEvent: 0, cutAfterEvents: [] as number[] };
  // The last TRACE_WINDOW events replayed, and the one before them (null: the initial states).
  const window: Replayed[] = [];
  let start: Replayed | { event: null; index: -1; set: CandidateSet } = {
    event: null,
    index: -1,
    set: candidates,
  };
  let matched = 0;
  let lastPlace: EventPlace | undefined;

  const outcome = (failure?: Failure): ReplayOutcome => {
    actions.observe(undefined);
    return {
      matched,
      events: failure ? matched + 1 : matched,
      candidates: { ...stats, final: candidates.size, bound: maxCandidates },
      failure,
    };
  };
  const fail = (
    logged: LoggedEvent,
    fields: Pick<Failure, 'kind' | 'reason' | 'closest'> & Partial<Failure>,
    from: number,
    reached?: Value[],
  ): ReplayOutcome =>
    outcome({
      ...fields,
      event: eventPlace(logged, matched + 1),
      lastMatched: lastPlace,
      candidatesTried: candidates.size,
      trace: traceBefore(
        model,
        start,
        window,
        from,
        reached ? { state: reached, logged } : undefined,
      ),
    });

  const iterator = events[Symbol.iterator]();
  let pending = iterator.next();
  while (!pending.done) {
    const logged = pending.value;
    pending = iterator.next();
    const isLast = pending.done === true;
    const { event } = logged;
    const action = event.action as ActionName;
    const args = actionArguments(action, event.params);
    const named = namedArguments(action, args);
    const checkInvariants = invariantEvery > 0 && ((matched + 1) % invariantEvery === 0 || isLast);
    const next = new CandidateSet(maxCandidates);
    let from = 0;
    // The arms of every step that matched the event: each could be the one the server took.
    const branches = new Set<string>();
    actions.observe(event);
    try {
      for (; from < candidates.size; from++) {
        const state = candidates.states[from];
        const successors = actions.successors(action, args, state);
        if (successors.length === 0) continue;
        if (outputDiffs(actions, event, named, state).length > 0) continue;
        for (let i = 0; i < successors.length; i++) {
          const successor = successors[i];
          if (!matchesChanges(event, { slots, before: state, after: successor, initial })) continue;
          for (const arm of actions.branchPaths[i] ?? []) branches.add(arm);
          if (!next.add(successor, from)) continue;
          const broken = checkInvariants ? violatedInvariant(model, successor) : undefined;
          if (broken)
            return fail(
              logged,
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
      return fail(logged, { kind: 'eval-error', reason, closest: [] }, from);
    }
    if (next.size === 0) {
      const context = { slots, initial };
      const { closest, closestState } = diagnoseRejection(
        actions,
        candidates.states,
        event,
        args,
        context,
      );
      return fail(
        logged,
        {
          kind: 'rejected',
          reason: rejectionReason(closest),
          closest,
          alternatives: closestState
            ? alternativeActions(actions, closestState, event, context)
            : undefined,
        },
        closestState ? candidates.states.indexOf(closestState) : 0,
      );
    }
    matched++;
    options.onMatched?.(event, [...branches]);
    if (next.cut) stats.cutAfterEvents.push(matched);
    if (next.size > stats.max) {
      stats.max = next.size;
      stats.maxAfterEvent = matched;
    }
    candidates = next;
    lastPlace = eventPlace(logged, matched);
    window.push({ event: logged, index: matched - 1, set: next });
    if (window.length > TRACE_WINDOW) start = window.shift()!;
    if (options.progress && matched % PROGRESS_EVERY === 0) options.progress(matched);
  }
  return outcome();
}

/**
 * The states that led to candidate `index` of the last set in `window` (and then `reached`,
 * a state that was not kept), oldest first, as `check --json` writes a trace. The first is a
 * state of `start`: the initial states, or the set the event before the window left.
 */
function traceBefore(
  model: Model,
  start: { event: LoggedEvent | null; index: number; set: CandidateSet },
  window: readonly Replayed[],
  index: number,
  reached?: { state: Value[]; logged: LoggedEvent },
): SavedTraceStep[] {
  const path: Array<{ state: Value[]; event: LoggedEvent | null; index: number }> = [];
  let k = index;
  for (const entry of [...window].reverse()) {
    if (k < 0 || k >= entry.set.size) return [];
    path.unshift({ state: entry.set.states[k], event: entry.event, index: entry.index });
    k = entry.set.parents[k];
  }
  if (k >= 0 && k < start.set.size)
    path.unshift({ state: start.set.states[k], event: start.event, index: start.index });
  if (reached) path.push({ state: reached.state, event: reached.logged, index: -1 });
  return path.map(({ state, event, index: at }, i) => ({
    index: i + 1,
    action: event === null ? 'Initial predicate' : eventPlace(event, at + 1).action,
    location: event === null ? null : `${event.file}:${event.line}`,
    state: Object.fromEntries(model.varNames.map((name, v) => [name, printValue(state[v])])),
  }));
}

function initialStates(
  model: Model,
  bound: number,
  prepare: (state: Value[]) => Value[],
): CandidateSet {
  const set = new CandidateSet(bound);
  const n = model.varNames.length;
  model.init(
    null,
    new Ctx(new Array<Value | undefined>(n).fill(undefined), null, model.runtime),
    (ctx) => {
      set.add(prepare(ctx.cur as Value[]));
      return false;
    },
  );
  return set;
}

function violatedInvariant(model: Model, state: Value[]): string | undefined {
  const ctx = new Ctx(state, null, model.runtime);
  return model.invariants.find((inv) => inv.fn(null, ctx) !== true)?.name;
}

/** An event as reports name it; `index` is its 1-based position in the merged order. */
export function eventPlace(logged: LoggedEvent, index: number): EventPlace {
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
    return `the action is enabled, but the spec's step differs from what the event logged at ${fields}`;
  }
  const fc = best.falseConjunct;
  if (!fc) return 'the action is not enabled';
  const text = fc.text.length > 120 ? fc.text.slice(0, 117) + '...' : fc.text;
  return `the action is not enabled: in ${fc.within.join(' > ')}, ${text} (${fc.place}) is FALSE`;
}

export type { VariableSlots };
