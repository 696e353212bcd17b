/**
 * A space-time diagram of an error trace saved by `timelock check --json`. A spec trace has
 * no processes or messages of its own; when every step is named by an action whose first
 * argument is a number or a model value (a server, an acceptor), that argument is the lane, so
 * a Paxos counterexample reads as one lane per acceptor. Otherwise the steps share one lane.
 */
import { formatChanges } from '../../conformance/tla/check/trace-text.ts';
import type { Change } from '../../conformance/tla/check/trace-diff.ts';
import type { DiagramStep, SpaceTime } from './model.ts';

/** A step of the saved trace, as the stream writes it. */
interface SavedStep {
  readonly index: number;
  readonly action: string;
  readonly location: string | null;
  readonly name?: string;
  readonly nameLocation?: string;
  readonly state: Record<string, string>;
  readonly changes: readonly Change[];
}

/** The stream's violation record, as far as the diagram reads it. */
export interface ViolationRecord {
  readonly type: 'violation';
  readonly kind: string;
  readonly property: string | null;
  readonly message: string | null;
  readonly diagnostic?: {
    readonly summary?: string;
    readonly hint?: string;
    readonly values?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  } | null;
  readonly trace: readonly SavedStep[];
  readonly lasso?: { readonly loopStart?: number; readonly stuttering?: boolean } | null;
}

/** The diagram of `violation`, found in `source`. */
export function spaceTimeOfViolation(violation: ViolationRecord, source: string): SpaceTime {
  const byArgument = violation.trace.slice(1).map((s) => processArgument(s.name));
  const laned = byArgument.length > 0 && byArgument.every((a) => a !== undefined);
  const laneNames = laned ? [...new Set(byArgument as string[])] : ['behaviour'];
  const lanes = laned ? ['initial state', ...laneNames] : laneNames;
  const steps: DiagramStep[] = violation.trace.map((s, i) => ({
    lane: laned ? (i === 0 ? 0 : lanes.indexOf(byArgument[i - 1]!)) : 0,
    label: i === 0 ? 'Initial predicate' : (s.name ?? s.action),
    ...((s.nameLocation ?? s.location) ? { place: (s.nameLocation ?? s.location)! } : {}),
    changes:
      i === 0
        ? Object.entries(s.state).map(([k, v]) => `${k} = ${v}`)
        : formatChanges(s.changes).map((l) => l.trim()),
  }));
  const d = violation.diagnostic;
  const summary =
    d?.summary ??
    violation.message ??
    `${violation.kind}${violation.property ? ` ${violation.property}` : ''} violated`;
  const details = [
    ...(d?.values ?? []).map((v) => `${v.name} = ${v.value}`),
    ...(d?.hint ? [`hint: ${d.hint}`] : []),
    ...(violation.lasso?.loopStart
      ? [`the behaviour loops back to state ${violation.lasso.loopStart}`]
      : []),
    ...(violation.lasso?.stuttering ? ['the behaviour then stutters forever'] : []),
  ].join('\n');
  return {
    title: `Error trace: ${summary}`,
    source,
    lanes,
    steps,
    arrows: [],
    periods: [],
    failure: { step: steps.length - 1, summary, details },
    notes: [
      laned
        ? 'Lanes are the first argument of each step’s action. A spec trace logs no messages, so no arrows are drawn.'
        : 'A spec trace names no processes and logs no messages: the steps share one lane.',
    ],
  };
}

/** The first argument of `Op(a, ...)` when it is a number or a bare name (a model value). */
function processArgument(name: string | undefined): string | undefined {
  const open = name?.indexOf('(') ?? -1;
  if (name === undefined || open < 0) return undefined;
  const first = firstArgument(name.slice(open + 1, -1));
  return /^(-?\d+|[A-Za-z_][A-Za-z0-9_]*)$/.test(first) ? first : undefined;
}

/** The text before the first comma that is not inside brackets, braces or a string. */
function firstArgument(args: string): string {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    // The > of |->, -> and :> closes nothing.
    else if (c === '>' && (args[i - 1] === '-' || args[i - 1] === ':')) continue;
    else if ('([{<'.includes(c)) depth++;
    else if (')]}>'.includes(c)) depth--;
    else if (c === ',' && depth === 0) return args.slice(0, i).trim();
  }
  return args.trim();
}
