/**
 * What validation reports: per run, how far the trace conformed, how large the set of spec
 * states consistent with it grew, and for a run that does not conform, the first event no
 * candidate state accepts and why (plain data, so `--json` prints it as is).
 */
import type { FalseConjunct } from './false-conjunct.ts';
import type { FieldDiff } from './projection.ts';
import type { ReplayConstants } from './replay-model.ts';

/** An event as a report names it. */
export interface EventPlace {
  /** 1-based position in the merged order. */
  readonly index: number;
  readonly file: string;
  readonly line: number;
  /** The spec action with its parameters, e.g. `Promise(1, "leader", 1, <<1, 2>>)`. */
  readonly action: string;
  /** The line as logged. */
  readonly logged: string;
}

/** How one candidate state fails to explain the event. */
export interface CandidateDiagnosis {
  /** Whether the action is enabled in the candidate (then the logged state is what differs). */
  readonly enabled: boolean;
  /** For a disabled action: the conjunct that was false. */
  readonly falseConjunct?: FalseConjunct;
  /**
   * Where the logged state differs from what the spec allows: from the closest successor when
   * the action is enabled, else from the candidate's own state (what the step would change).
   */
  readonly diff: readonly FieldDiff[];
}

/** Another action of the event's server, tried from the closest candidate state. */
export interface AlternativeAction {
  /** The action with the parameters taken from the event, e.g. `Learn(2, "leader", 1, 1)`. */
  readonly action: string;
  readonly enabled: boolean;
  /** Enabled, and a successor matches what the event logged. */
  readonly explains: boolean;
  /** For a disabled action: the conjunct that was false. */
  readonly falseConjunct?: FalseConjunct;
}

/**
 * One state of the trace before a failure, in the shape `timelock check --json` writes traces,
 * so that `timelock explain` reads both.
 */
export interface SavedTraceStep {
  readonly index: number;
  /** The event's action with its parameters, or `Initial predicate`. */
  readonly action: string;
  /** The event's `file:line`. */
  readonly location: string | null;
  /** Every spec variable, in TLA+ syntax. */
  readonly state: Readonly<Record<string, string>>;
}

/** Why a run does not conform. */
export type FailureKind =
  /** No candidate state has a successor by the event's action that matches what it logged. */
  | 'rejected'
  /** A matched state violates an invariant of the spec. */
  | 'invariant'
  /** The spec could not be evaluated on the event (e.g. a value outside its domain). */
  | 'eval-error';

/** The first event the spec does not accept. */
export interface Failure {
  readonly kind: FailureKind;
  readonly event: EventPlace;
  /** The last event that conformed (none when the first event fails). */
  readonly lastMatched?: EventPlace;
  /** One line: what went wrong. */
  readonly reason: string;
  /** For `invariant`: its name. */
  readonly invariant?: string;
  /** For `rejected`: the closest candidates, closest first. */
  readonly closest: readonly CandidateDiagnosis[];
  /** For `rejected`: other actions of the event's server, tried from the closest candidate. */
  readonly alternatives?: readonly AlternativeAction[];
  /** How many candidate states the event was tried from. */
  readonly candidatesTried: number;
  /** The last states (at most 10) of one way the spec explains the trace up to the failure. */
  readonly trace: readonly SavedTraceStep[];
}

/** Candidate-set sizes over a run. */
export interface CandidateStats {
  /** The largest candidate set, and the 1-based event after which it was reached. */
  readonly max: number;
  readonly maxAfterEvent: number;
  /** The size after the last matched event. */
  readonly final: number;
  /** Events after which the bound cut the set (the replay may then reject a good trace). */
  readonly cutAfterEvents: readonly number[];
  /** The bound. */
  readonly bound: number;
}

/** The outcome for one run (the traces of one cluster, merged). */
export interface RunReport {
  readonly ok: boolean;
  readonly files: readonly string[];
  readonly events: number;
  /** The longest prefix of the merged events that conforms. */
  readonly matched: number;
  readonly constants: ReplayConstants;
  /** The spec replayed, and the model's cfg (as text: its constants come from the trace). */
  readonly spec: string;
  readonly configText: string;
  readonly candidates: CandidateStats;
  readonly elapsedMs: number;
  readonly failure?: Failure;
}

/** The outcome of validating several runs. */
export interface ValidationReport {
  readonly ok: boolean;
  readonly runs: readonly RunReport[];
}

/** A report for people. */
export function formatReport(report: ValidationReport): string {
  return report.runs.map(formatRun).join('\n');
}

function formatRun(run: RunReport): string {
  const c = run.candidates;
  const lines = [
    `${run.ok ? 'OK  ' : 'FAIL'} ${run.files.join(', ')}`,
    `  events      ${run.matched} of ${run.events} conform (${(run.elapsedMs / 1000).toFixed(2)} s)`,
    `  candidates  max ${c.max} (after event ${c.maxAfterEvent}), final ${c.final}, bound ${c.bound}` +
      (c.cutAfterEvents.length > 0
        ? `; the bound cut candidates after ${c.cutAfterEvents.length} event(s), first ${c.cutAfterEvents[0]}`
        : ''),
  ];
  const f = run.failure;
  if (!f) return lines.join('\n');
  if (f.lastMatched)
    lines.push(
      `  after       #${f.lastMatched.index} at ${f.lastMatched.file}:${f.lastMatched.line}: ${f.lastMatched.action} (the last event that conforms)`,
    );
  lines.push(
    `  event       #${f.event.index} at ${f.event.file}:${f.event.line}: ${f.event.action}`,
    `  logged      ${f.event.logged}`,
    `  reason      ${f.reason}`,
  );
  f.closest.forEach((d, i) => {
    lines.push(`  candidate ${i + 1} (of ${f.candidatesTried} tried):`);
    if (d.falseConjunct) lines.push(...formatFalseConjunct(d.falseConjunct, '    '));
    if (d.diff.length > 0)
      lines.push(
        d.enabled ? "    logged vs the spec's successor:" : '    logged vs the state before:',
      );
    for (const x of d.diff) lines.push(`      ${x.path}: logged ${x.logged}, spec ${x.spec}`);
  });
  if (f.trace.length > 0)
    lines.push(
      `  trace       the ${f.trace.length} states before it are in --json output: \`timelock explain REPORT --eval EXPR\` evaluates expressions over them`,
    );
  if (f.alternatives && f.alternatives.length > 0) {
    lines.push("  other actions of the event's server, from the closest candidate:");
    for (const a of f.alternatives) lines.push(...formatAlternative(a));
  }
  return lines.join('\n');
}

function formatFalseConjunct(fc: FalseConjunct, indent: string): string[] {
  return [
    `${indent}false conjunct ${fc.position} of ${fc.of} in ${fc.within.join(' > ')} (${fc.place}): ${fc.text}`,
    ...fc.values.map((v) => `${indent}  ${v.expr} = ${v.value}`),
  ];
}

function formatAlternative(a: AlternativeAction): string[] {
  if (a.explains)
    return [
      `    ${a.action}: EXPLAINS what was logged; the event may name the wrong action, or an event before it is missing`,
    ];
  if (a.enabled)
    return [`    ${a.action}: enabled, but its successors differ from what was logged`];
  if (!a.falseConjunct) return [`    ${a.action}: not enabled`];
  return [`    ${a.action}: not enabled:`, ...formatFalseConjunct(a.falseConjunct, '      ')];
}
