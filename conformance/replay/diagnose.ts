/**
 * Explaining a rejected event: for each candidate state (up to a limit), either the conjunct
 * of the action that was false, or, when the action was enabled, how its closest successor
 * differs from what the event logged. Candidates are ranked closest first: enabled ones by how
 * few fields differ, then disabled ones by how far into the action evaluation got.
 */
import type { Value } from '../tla/index.ts';
import type { TraceEvent } from '../../src/trace/events.ts';
import { findFalseConjunct } from './false-conjunct.ts';
import { diffProjections, normaliseLogged, projectServer, type FieldDiff } from './projection.ts';
import type { CandidateDiagnosis } from './report.ts';
import type { SpecActions } from './spec-actions.ts';

/** How many candidates are examined, and how many are reported. */
const EXAMINED = 100;
const REPORTED = 3;

/** The closest candidates' diagnoses, closest first. */
export function diagnoseRejection(
  actions: SpecActions,
  candidates: readonly Value[][],
  event: TraceEvent,
  args: readonly Value[],
): CandidateDiagnosis[] {
  const ranked = candidates
    .slice(0, EXAMINED)
    .map((state) => diagnoseCandidate(actions, state, event, args))
    .sort((x, y) => distance(x) - distance(y));
  const reported: CandidateDiagnosis[] = [];
  const said = new Set<string>();
  for (const d of ranked) {
    const text = JSON.stringify(d); // candidates that fail the same way are reported once
    if (said.has(text)) continue;
    said.add(text);
    reported.push(d);
    if (reported.length === REPORTED) break;
  }
  return reported;
}

function diagnoseCandidate(
  actions: SpecActions,
  state: Value[],
  event: TraceEvent,
  args: readonly Value[],
): CandidateDiagnosis {
  const varNames = actions.model.varNames;
  const logged = normaliseLogged(event.state);
  const diffFrom = (s: readonly Value[]): FieldDiff[] =>
    diffProjections(logged, projectServer(s, varNames, event.server), event.server);
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
