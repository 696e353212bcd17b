/**
 * Action coverage: over a set of validated traces, how often each spec action was taken, per
 * disjunct of `Next` and per parameter shape (the leader log or a client's log, for actions
 * that take a log), and which were never taken. The actions are read from the spec's `Next`,
 * not from the traces, so that an action no trace mentions is still listed as never taken.
 *
 * Only events that conformed are counted: coverage says which spec behaviour the validated
 * traces exercised, and an event after a run's first rejection was never validated.
 */
import { LEADER_LOG } from '../../src/paxos/types.ts';
import { SPEC_ACTIONS, type ActionName, type TraceEvent } from '../../src/trace/events.ts';
import { validateRun, type ValidateOptions } from './index.ts';
import { mergeCausally } from './merge.ts';
import type { RunReport, ValidationReport } from './report.ts';
import { defaultSpecFile } from './replay-model.ts';
import { loadSpecDefinitions, stepsOfNext } from '../static/spec-steps.ts';
import { sourcePlace, sourceText } from './source-text.ts';
import { branchSitesOf, type ActionBranchSite } from '../static/branch-sites.ts';
import { readTraceFile, runsOf, type TraceStream } from './trace-input.ts';

/** A disjunct of `Next` (after entering the operators it calls) and the action it takes. */
export interface NextDisjunct {
  /** The spec action, e.g. `Promise`. */
  readonly action: string;
  /** Where the disjunct is, e.g. `Timelock.tla:47`. */
  readonly place: string;
  /** Its source text, e.g. `m.type = "prepare" /\ Promise(s, m.log, m.seq, m.bal) /\ PaxosFrame`. */
  readonly text: string;
  /** The branch points in the action's own definition. */
  readonly branches: readonly ActionBranchSite[];
  /** The branch points in the operators it calls (counted for all actions together). */
  readonly calledBranches: readonly ActionBranchSite[];
}

/** An arm of a branch point that no step took. */
export interface UntakenArm {
  readonly site: ActionBranchSite;
  /** `THEN`, `ELSE`, `arm 2`, `OTHER`, `disjunct 1`. */
  readonly arm: string;
  /** The arm's source text. */
  readonly text: string;
  /** One line for reports: `IF at Paxos.tla:127 (in Accept) THEN`. */
  readonly label: string;
}

/** How often each arm of one branch point was taken by one action's steps. */
export interface BranchCount {
  readonly site: ActionBranchSite;
  /** Per arm, in the site's order. */
  readonly taken: readonly number[];
}

/** How often one parameter shape of an action was taken. */
export interface ShapeCount {
  /** The action with its shape, e.g. `Promise(leader log)`; the bare name for shapeless actions. */
  readonly label: string;
  readonly taken: number;
}

/** How often one action (one disjunct of `Next`) was taken. */
export interface ActionCount {
  readonly action: string;
  /** The disjunct of `Next` that takes it. */
  readonly place: string;
  readonly text: string;
  readonly taken: number;
  /** Per parameter shape; a single entry for actions whose parameters have one shape. */
  readonly shapes: readonly ShapeCount[];
  /** Per branch point of the action's own definition (counted only when branches were probed). */
  readonly branches: readonly BranchCount[];
}

/** Coverage of the spec's actions by a set of traces. */
export interface ActionCoverage {
  /** Conforming events counted. */
  readonly events: number;
  /** One entry per disjunct of `Next`, in the spec's order. */
  readonly actions: readonly ActionCount[];
  /** Actions never taken (names), in the spec's order. */
  readonly neverTakenActions: readonly string[];
  /** Shapes never taken (labels), including those of actions never taken. */
  readonly neverTakenShapes: readonly string[];
  /**
   * Per branch point of the operators actions call (`BallotLess`, `Max`): how often any
   * action's step took each arm. An operator's arm that one caller can never take (its guard
   * rules it out) is counted as covered when another caller takes it.
   */
  readonly operatorBranches: readonly BranchCount[];
  /** Whether branch arms were counted (the replays probed branches). */
  readonly branchesProbed: boolean;
  /** Arms of branch points never taken; empty unless {@link branchesProbed}. */
  readonly neverTakenBranches: readonly UntakenArm[];
  /** Actions the traces named that `Next` does not take (should be empty; counted, not covered). */
  readonly outsideNext: readonly ShapeCount[];
}

/**
 * The disjuncts of `Next` in `specFile`, each with the one spec action it takes, as
 * {@link stepsOfNext} reads them from the syntax tree (the same derivation the replay and the
 * TLC trace module use).
 */
export function nextDisjuncts(specFile: string): NextDisjunct[] {
  const spec = loadSpecDefinitions(specFile);
  return stepsOfNext(spec).map((step) => ({
    action: step.action.name,
    place: sourcePlace(step.disjunct),
    text: sourceText(step.disjunct),
    ...splitSites(step.action.name, branchSitesOf(spec, step.action)),
  }));
}

function splitSites(action: string, sites: readonly ActionBranchSite[]) {
  return {
    branches: sites.filter((s) => s.within === action),
    calledBranches: sites.filter((s) => s.within !== action),
  };
}

/** Counts of the arms of operators' branch points are kept under this action name. */
const ANY_ACTION = '*';

const disjunctsOfFile = new Map<string, readonly NextDisjunct[]>();

/**
 * The disjuncts of `Next` in `specFile` (default: this repository's `spec/Timelock.tla`),
 * read once per file.
 */
export function specNextDisjuncts(specFile = defaultSpecFile()): readonly NextDisjunct[] {
  let found = disjunctsOfFile.get(specFile);
  if (!found) {
    found = nextDisjuncts(specFile);
    disjunctsOfFile.set(specFile, found);
  }
  return found;
}

/** The parameter shapes an action can take: by log kind when it has a log parameter. */
function shapesOf(action: string): readonly string[] {
  const kinds = SPEC_ACTIONS[action as ActionName] as Record<string, string> | undefined;
  const takesLog = kinds !== undefined && Object.values(kinds).includes('log');
  return takesLog ? [`${action}(leader log)`, `${action}(client log)`] : [action];
}

/** The shape label of one event (see {@link shapesOf}). */
function shapeOf(event: TraceEvent): string {
  const kinds = SPEC_ACTIONS[event.action] as Record<string, string>;
  const logParam = Object.keys(kinds).find((name) => kinds[name] === 'log');
  if (logParam === undefined) return event.action;
  const log = (event.params as Record<string, unknown>)[logParam];
  return `${event.action}(${log === LEADER_LOG ? 'leader' : 'client'} log)`;
}

/** Counts as plain data, to pass between threads. */
export interface TallyCounts {
  /** By shape label. */
  readonly shapes: Record<string, number>;
  /** By `action|key#arm`. */
  readonly branches: Record<string, number>;
  readonly branchesProbed: boolean;
}

/**
 * Counts actions (and the branch arms their steps took) as runs are validated, so that a
 * pipeline need not keep the traces: spread {@link CoverageTally.replayOptions} into the
 * replay's options, and read {@link CoverageTally.coverage} at the end.
 */
export class CoverageTally {
  private readonly byShape = new Map<string, number>();
  private readonly byArm = new Map<string, number>();
  private events = 0;
  private probed = false;

  /** @param disjuncts the spec's actions (default: those of `spec/Timelock.tla`). */
  constructor(private readonly disjuncts: readonly NextDisjunct[] = specNextDisjuncts()) {}

  /** Counts `events`, each a step that conformed (without its branches). */
  addEvents(events: Iterable<TraceEvent>): void {
    for (const event of events) this.counter(event, []);
  }

  /** Counts one event that conformed and the arms its step took; the replay's `onMatched`. */
  readonly counter = (event: TraceEvent, branches: readonly string[]): void => {
    const shape = shapeOf(event);
    this.byShape.set(shape, (this.byShape.get(shape) ?? 0) + 1);
    this.events++;
    for (const arm of branches)
      for (const key of [`${event.action}|${arm}`, `${ANY_ACTION}|${arm}`])
        this.byArm.set(key, (this.byArm.get(key) ?? 0) + 1);
  };

  /** The replay options that feed this tally, branch probes on. */
  replayOptions(): { onMatched: CoverageTally['counter']; probeBranches: true } {
    this.probed = true;
    return { onMatched: this.counter, probeBranches: true };
  }

  /** The counts so far, as plain data (to pass between threads). */
  counts(): TallyCounts {
    return {
      shapes: Object.fromEntries(this.byShape),
      branches: Object.fromEntries(this.byArm),
      branchesProbed: this.probed,
    };
  }

  /** Adds counts taken by another tally ({@link counts}). */
  addCounts(counts: TallyCounts): void {
    for (const [shape, n] of Object.entries(counts.shapes)) {
      this.byShape.set(shape, (this.byShape.get(shape) ?? 0) + n);
      this.events += n;
    }
    for (const [arm, n] of Object.entries(counts.branches))
      this.byArm.set(arm, (this.byArm.get(arm) ?? 0) + n);
    this.probed ||= counts.branchesProbed;
  }

  /** The coverage so far. */
  coverage(): ActionCoverage {
    const inNext = new Set<string>();
    const actions = this.disjuncts.map((d): ActionCount => {
      const shapes = shapesOf(d.action).map((label) => {
        inNext.add(label);
        return { label, taken: this.byShape.get(label) ?? 0 };
      });
      const branches = d.branches.map((site) => this.branchCount(d.action, site));
      return { ...d, taken: shapes.reduce((sum, s) => sum + s.taken, 0), shapes, branches };
    });
    const called = new Map<string, ActionBranchSite>();
    for (const d of this.disjuncts) for (const site of d.calledBranches) called.set(site.key, site);
    const operatorBranches = [...called.values()]
      .sort((x, y) => x.place.localeCompare(y.place, 'en', { numeric: true }))
      .map((site) => this.branchCount(ANY_ACTION, site));
    const untaken = (b: BranchCount): UntakenArm[] =>
      b.site.arms
        .filter((_, arm) => b.taken[arm] === 0)
        .map((arm) => ({
          site: b.site,
          arm: arm.name,
          text: arm.text,
          label: `${branchLabel(b.site)} ${arm.name}`,
        }));
    return {
      events: this.events,
      actions,
      operatorBranches,
      neverTakenActions: actions.filter((a) => a.taken === 0).map((a) => a.action),
      neverTakenShapes: actions
        .flatMap((a) => a.shapes.filter((s) => s.taken === 0))
        .map((s) => s.label),
      branchesProbed: this.probed,
      neverTakenBranches: this.probed
        ? [
            ...actions.flatMap((a) => a.branches.flatMap(untaken)),
            ...operatorBranches.flatMap(untaken),
          ]
        : [],
      outsideNext: [...this.byShape]
        .filter(([label]) => !inNext.has(label))
        .map(([label, taken]) => ({ label, taken })),
    };
  }

  private branchCount(action: string, site: ActionBranchSite): BranchCount {
    return {
      site,
      taken: site.arms.map((_, arm) => this.byArm.get(`${action}|${site.key}#${arm}`) ?? 0),
    };
  }
}

/** A branch point as reports name it: `IF at Paxos.tla:127 (in Accept)`. */
export function branchLabel(site: ActionBranchSite): string {
  return `${site.kind} at ${site.place} (in ${site.within})`;
}

/**
 * The coverage of runs already validated: each run's streams with its report (only the
 * conforming prefix counts).
 */
export function coverageOfRuns(
  runs: ReadonlyArray<{ readonly streams: readonly TraceStream[]; readonly report: RunReport }>,
  disjuncts?: readonly NextDisjunct[],
): ActionCoverage {
  const tally = new CoverageTally(disjuncts);
  for (const { streams, report } of runs) {
    let left = report.matched;
    for (const logged of mergeCausally(streams)) {
      if (left-- <= 0) break;
      tally.counter(logged.event, []);
    }
  }
  return tally.coverage();
}

/**
 * Validates the runs named by `paths` as `validateTraces` does, and also returns the
 * action coverage of their conforming events. Throws {@link TraceInputError} as it does.
 */
export function validateTracesWithCoverage(
  paths: readonly string[],
  options: ValidateOptions = {},
): { readonly report: ValidationReport; readonly coverage: ActionCoverage } {
  const tally = new CoverageTally(specNextDisjuncts(options.specFile));
  const reports = runsOf(paths).map((files) => {
    const streams = files.map(readTraceFile);
    return validateRun(streams, { ...options, ...tally.replayOptions() });
  });
  return {
    report: { ok: reports.every((r) => r.ok), runs: reports },
    coverage: tally.coverage(),
  };
}

/** Coverage for people: one line per action (and per shape when it has several). */
export function formatCoverage(coverage: ActionCoverage): string {
  // Shapes are indented two more than actions; their counts line up with the actions'.
  const width = Math.max(
    ...coverage.actions.flatMap((a) => [
      a.action.length,
      ...a.shapes.map((s) => s.label.length + 2),
    ]),
  );
  const count = (n: number) => String(n).padStart(8);
  const lines = [`action coverage (${coverage.events} conforming events)`];
  for (const a of coverage.actions) {
    lines.push(`  ${a.action.padEnd(width)} ${count(a.taken)}  ${a.place}`);
    if (a.shapes.length > 1)
      for (const s of a.shapes) lines.push(`    ${s.label.padEnd(width - 2)} ${count(s.taken)}`);
    if (coverage.branchesProbed) lines.push(...a.branches.map((b) => branchLines(b, '    ')));
  }
  if (coverage.branchesProbed && coverage.operatorBranches.length > 0) {
    lines.push('  branches of the operators actions call (all actions together)');
    lines.push(...coverage.operatorBranches.map((b) => branchLines(b, '    ')));
  }
  const total = coverage.actions.length;
  const taken = total - coverage.neverTakenActions.length;
  lines.push(
    `  taken: ${taken} of ${total} actions of Next` +
      (coverage.neverTakenActions.length > 0
        ? `; never taken: ${coverage.neverTakenActions.join(', ')}`
        : ''),
  );
  const shapesOnly = coverage.neverTakenShapes.filter(
    (label) => !coverage.neverTakenActions.includes(label.replace(/\(.*$/, '')),
  );
  if (shapesOnly.length > 0) lines.push(`  shapes never taken: ${shapesOnly.join(', ')}`);
  if (coverage.branchesProbed) {
    const arms = [...coverage.actions.flatMap((a) => a.branches), ...coverage.operatorBranches]
      .map((b) => b.site.arms.length)
      .reduce((n, m) => n + m, 0);
    lines.push(
      `  branch arms taken: ${arms - coverage.neverTakenBranches.length} of ${arms}` +
        (coverage.neverTakenBranches.length > 0 ? '; never taken:' : ''),
    );
    for (const arm of coverage.neverTakenBranches) lines.push(`    ${arm.label}`);
  }
  if (coverage.outsideNext.length > 0)
    lines.push(
      `  not actions of Next: ${coverage.outsideNext.map((s) => `${s.label} (${s.taken})`).join(', ')}`,
    );
  return lines.join('\n');
}

/** A branch point and its arms' counts, one line each. */
function branchLines(b: BranchCount, indent: string): string {
  return [
    `${indent}${branchLabel(b.site)}`,
    ...b.site.arms.map(
      (arm, i) =>
        `${indent}  ${arm.name.padEnd(10)} ${String(b.taken[i]).padStart(8)}  ${arm.text}`,
    ),
  ].join('\n');
}
