/**
 * `check --json`: the run as NDJSON, one record per line, for tools. The records and their
 * fields are published in docs/schema/check-stream.v1.schema.json and described in
 * docs/output.md; every record carries `version`, which changes only when a field is removed,
 * renamed or changes meaning (adding fields or record types keeps it).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { printValue } from '../values/print.ts';
import type { CheckResult, Progress, ResultKind, TraceStep } from './explorer.ts';
import { exitCode } from './report.ts';
import type { InputError } from './run.ts';
import type { ActionStats } from './stats.ts';
import { type Change, diffStates } from './trace-diff.ts';
import { locationText } from './trace-text.ts';

export const STREAM_VERSION = 1;

/** What was asked for: the start record repeats it so a stream can be read on its own. */
export interface RunRequest {
  /** Spec and cfg paths exactly as given on the command line. */
  spec: string;
  config: string;
  mode: 'bfs' | 'simulate';
  options: {
    checkDeadlock: boolean | null;
    maxDepth: number | null;
    workers: string | null;
    behaviours: number | null;
    seed: number | null;
    coverage: boolean;
  };
}

export interface TraceStepRecord {
  index: number;
  action: string;
  location: string | null;
  /** The innermost action that took the step, with its arguments (absent when none does). */
  name?: string;
  nameLocation?: string;
  state: Record<string, string>;
  changes: Change[];
}

export type StreamRecord =
  | ({ type: 'start'; engine: string; startTime: string } & RunRequest)
  | {
      type: 'progress';
      elapsedMs: number;
      generated: number;
      distinct: number;
      queue: number;
      depth: number;
      statesPerSecond: number;
      behaviours?: number;
    }
  | { type: 'warning'; diagnostic: Diagnostic }
  | {
      type: 'violation';
      kind: Exclude<ResultKind, 'ok'>;
      property: string | null;
      message: string | null;
      errorKind: string | null;
      errorTrail: string[] | null;
      diagnostic?: Diagnostic;
      trace: TraceStepRecord[];
      lasso: { loopStart: number } | { stuttering: true } | null;
    }
  | {
      type: 'coverage';
      initial: { generated: number; distinct: number | null };
      actions: Array<{
        label: string;
        name: string;
        location: string;
        generated: number;
        distinct: number | null;
      }>;
      byName: Array<{
        name: string;
        location: string;
        disjuncts: number;
        generated: number;
        distinct: number | null;
      }>;
    }
  | { type: 'error'; message: string; exitCode: number; diagnostic?: Diagnostic }
  | {
      type: 'end';
      result: ResultKind | 'input-error';
      exitCode: number;
      generated: number;
      distinct: number;
      queueLeft: number;
      depth: number;
      elapsedMs: number;
      peakRssMiB: number;
      behaviours?: number;
      seed?: number;
    };

/** A trace as the stream carries it: every state in full, and what each step changed. */
export function traceJson(
  varNames: readonly string[],
  trace: readonly TraceStep[],
): TraceStepRecord[] {
  return trace.map((s, i) => ({
    index: i + 1,
    action: s.action,
    location: s.loc ? locationText(s.loc) : null,
    ...(s.name !== undefined && s.nameLoc !== undefined
      ? { name: s.name, nameLocation: locationText(s.nameLoc) }
      : {}),
    state: Object.fromEntries(varNames.map((n, v) => [n, printValue(s.state[v])])),
    changes: i === 0 ? [] : diffStates(varNames, trace[i - 1].state, s.state),
  }));
}

function coverageRecord(stats: ActionStats): StreamRecord {
  const orNull = (n: number | undefined) => n ?? null;
  return {
    type: 'coverage',
    initial: { generated: stats.initial.generated, distinct: orNull(stats.initial.distinct) },
    actions: stats.actions.map((a) => ({
      label: a.label,
      name: a.name,
      location: locationText(a.loc),
      generated: a.generated,
      distinct: orNull(a.distinct),
    })),
    byName: stats.byName.map((g) => ({
      name: g.name,
      location: locationText(g.loc),
      disjuncts: g.disjuncts,
      generated: g.generated,
      distinct: orNull(g.distinct),
    })),
  };
}

function violationRecord(r: CheckResult, kind: Exclude<ResultKind, 'ok'>): StreamRecord {
  return {
    type: 'violation',
    kind,
    property: r.property ?? null,
    message: r.message ?? null,
    errorKind: r.errorKind ?? null,
    errorTrail: r.errorTrail ?? null,
    ...(r.diagnostic ? { diagnostic: r.diagnostic } : {}),
    trace: traceJson(r.varNames, r.trace ?? []),
    lasso: !r.lasso
      ? null
      : r.lasso.stuttering
        ? { stuttering: true }
        : { loopStart: r.lasso.backTo! },
  };
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Writes one run's records. The caller reports what happens (start, progress, the result or
 * an input error); this decides which records that makes and in what order.
 */
export class CheckStream {
  private readonly started = Date.now();

  constructor(
    private readonly write: (line: string) => void,
    private readonly request: RunRequest,
  ) {}

  private emit(record: StreamRecord): void {
    const { type, ...fields } = record;
    this.write(JSON.stringify({ type, version: STREAM_VERSION, ...fields }) + '\n');
  }

  start(): void {
    this.emit({
      type: 'start',
      engine: 'timelock-tla',
      startTime: new Date(this.started).toISOString(),
      ...this.request,
    });
  }

  progress(p: Progress & { behaviours?: number }): void {
    this.emit({
      type: 'progress',
      elapsedMs: p.elapsedMs,
      generated: p.generated,
      distinct: p.distinct,
      queue: p.queue,
      depth: p.depth,
      statesPerSecond: p.statesPerSecond,
      ...(p.behaviours !== undefined ? { behaviours: p.behaviours } : {}),
    });
  }

  /** The outcome: the violation if any, warnings, coverage, then the end record. */
  result(r: CheckResult): void {
    if (r.kind !== 'ok') this.emit(violationRecord(r, r.kind));
    for (const diagnostic of r.warnings ?? []) this.emit({ type: 'warning', diagnostic });
    if (r.actionStats) this.emit(coverageRecord(r.actionStats));
    this.emit({
      type: 'end',
      result: r.kind,
      exitCode: exitCode(r),
      generated: r.generated,
      distinct: r.distinct,
      queueLeft: r.queueLeft,
      depth: r.depth,
      elapsedMs: r.elapsedMs,
      peakRssMiB: peakRssMiB(),
      ...(r.mode === 'simulate' ? { behaviours: r.behaviours, seed: r.seed } : {}),
    });
  }

  /** A spec or cfg that could not be checked: the error, then the end record. */
  inputError(e: InputError): void {
    this.emit({
      type: 'error',
      message: e.message,
      exitCode: e.exitCode,
      ...(e.diagnostic ? { diagnostic: e.diagnostic } : {}),
      // A cfg with several mistakes: all of them, the first being `message` and `diagnostic`.
      ...(e.errors.length > 1 ? { errors: e.errors } : {}),
    });
    this.emit({
      type: 'end',
      result: 'input-error',
      exitCode: e.exitCode,
      generated: 0,
      distinct: 0,
      queueLeft: 0,
      depth: 0,
      elapsedMs: Date.now() - this.started,
      peakRssMiB: peakRssMiB(),
    });
  }
}
