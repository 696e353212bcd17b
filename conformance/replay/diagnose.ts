/**
 * Explaining a rejected event: for each candidate state (up to a limit), either the conjunct
 * of the action that was false, or, when the action was enabled, how its closest successor
 * differs from what the event logged. Candidates are ranked closest first: enabled ones by how
 * few fields differ, then disabled ones by how far into the action evaluation got.
 */
import { printValue, type Value } from '../tla/index.ts';
import {
  SPEC_ACTIONS,
  type ActionName,
  type ParamKind,
  type TraceEvent,
} from '../../src/trace/events.ts';
import { findFalseConjunct } from './false-conjunct.ts';
import { outputDiffs } from './outputs.ts';
import { diffChanges, matchesChanges, type FieldDiff, type VariableSlots } from './projection.ts';
import type { AlternativeAction, CandidateDiagnosis } from './report.ts';
import type { SpecActions } from './spec-actions.ts';
import { namedArguments, paramValue } from './tla-values.ts';

/** What comparing a step with an event needs besides the states. */
export interface ComparisonContext {
  readonly slots: VariableSlots;
  /** The spec's initial state (a Restart resets to it). */
  readonly initial: readonly Value[];
}

/** How many candidates are examined, and how many are reported. */
const EXAMINED = 100;
const REPORTED = 3;

/** The closest candidates' diagnoses, closest first, and the closest candidate state. */
export function diagnoseRejection(
  actions: SpecActions,
  candidates: readonly Value[][],
  event: TraceEvent,
  args: readonly Value[],
  context: ComparisonContext,
): { closest: CandidateDiagnosis[]; closestState: Value[] | undefined } {
  const ranked = candidates
    .slice(0, EXAMINED)
    .map((state) => ({
      state,
      diagnosis: diagnoseCandidate(actions, state, event, args, context),
    }))
    .sort((x, y) => distance(x.diagnosis) - distance(y.diagnosis));
  const reported: CandidateDiagnosis[] = [];
  const said = new Set<string>();
  for (const { diagnosis } of ranked) {
    const text = JSON.stringify(diagnosis); // candidates that fail the same way are reported once
    if (said.has(text)) continue;
    said.add(text);
    reported.push(diagnosis);
    if (reported.length === REPORTED) break;
  }
  return { closest: reported, closestState: ranked[0]?.state };
}

function diagnoseCandidate(
  actions: SpecActions,
  state: Value[],
  event: TraceEvent,
  args: readonly Value[],
  context: ComparisonContext,
): CandidateDiagnosis {
  const outputs = outputDiffs(actions, event, namedArguments(event.action, args), state);
  const diffFrom = (after: readonly Value[]): FieldDiff[] => [
    ...outputs,
    ...diffChanges(event, { ...context, before: state, after }),
  ];
  const successors = actions.successors(event.action, args, state);
  if (successors.length > 0) {
    const diffs = successors.map(diffFrom).sort((x, y) => x.length - y.length);
    return { enabled: true, diff: diffs[0] };
  }
  const { def } = actions.action(event.action);
  const falseConjunct =
    findFalseConjunct(actions, def, actions.bindParameters(def, args), state) ?? undefined;
  return { enabled: false, falseConjunct, diff: diffFrom(state) };
}

/** Smaller is closer: enabled candidates before disabled ones, then by evaluation progress. */
function distance(d: CandidateDiagnosis): number {
  if (d.enabled) return d.diff.length;
  const fc = d.falseConjunct;
  const progress = fc ? fc.within.length * 100 + fc.position : 0;
  return 1_000_000 - progress;
}

/**
 * The other actions the event's server could have taken, with parameters taken from the event,
 * tried from `state`: one whose successor matches what the event logged means the event names
 * the wrong action (or an event before it was lost); the others say why they do not fit.
 */
export function alternativeActions(
  actions: SpecActions,
  state: readonly Value[],
  event: TraceEvent,
  context: ComparisonContext,
): AlternativeAction[] {
  const out: AlternativeAction[] = [];
  for (const name of Object.keys(SPEC_ACTIONS) as ActionName[]) {
    if (name === event.action) continue;
    const args = argumentsFromEvent(name, event);
    if (!args) continue;
    const label = `${name}(${args.map(printValue).join(', ')})`;
    let successors: Value[][];
    try {
      successors = actions.successors(name, args, state);
    } catch {
      continue; // parameters of the wrong type for this action: not a candidate explanation
    }
    if (successors.length > 0) {
      const explains = successors.some((after) =>
        matchesChanges(event, { ...context, before: state, after }),
      );
      out.push({ action: label, enabled: true, explains });
      continue;
    }
    const { def } = actions.action(name);
    const falseConjunct = findFalseConjunct(actions, def, actions.bindParameters(def, args), state);
    out.push({
      action: label,
      enabled: false,
      explains: false,
      falseConjunct: falseConjunct ?? undefined,
    });
  }
  // Explanations first, then enabled actions, then the rest by how far their guard got.
  const rank = (a: AlternativeAction) =>
    a.explains ? 0 : a.enabled ? 1 : 2 + 1 / (1 + (a.falseConjunct?.within.length ?? 0));
  return out.sort((x, y) => rank(x) - rank(y)).slice(0, ALTERNATIVES_REPORTED);
}

const ALTERNATIVES_REPORTED = 5;

/**
 * Arguments for `action` from the event: each parameter from the event's parameter of the same
 * name and kind; the acting server (the action's first server parameter) is the event's server;
 * a client's log is the client. Undefined when a parameter has no value in the event.
 */
function argumentsFromEvent(action: ActionName, event: TraceEvent): Value[] | undefined {
  const given = event.params as Record<string, unknown>;
  const givenKinds = SPEC_ACTIONS[event.action] as Record<string, ParamKind>;
  const wanted = SPEC_ACTIONS[action] as Record<string, ParamKind>;
  const byKind = (kind: ParamKind) => Object.keys(givenKinds).find((p) => givenKinds[p] === kind);
  const args: Value[] = [];
  let actingServerBound = false;
  for (const [param, kind] of Object.entries(wanted)) {
    let json: unknown;
    if (givenKinds[param] === kind) json = given[param];
    else if (kind === 'server' && !actingServerBound) json = event.server;
    else if (kind === 'log' && byKind('client') !== undefined) json = given[byKind('client')!];
    else if (kind === 'client' && byKind('log') !== undefined && given[byKind('log')!] !== 'leader')
      json = given[byKind('log')!];
    else return undefined;
    if (kind === 'server') actingServerBound = true;
    args.push(paramValue(kind, json));
  }
  return args;
}
