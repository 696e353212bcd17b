/**
 * Breadth-first exploration of a model's state graph, counting as TLC counts:
 * - "generated" is every initial state and every successor any sub-action produced
 *   (duplicates, stuttering steps and states later cut by a constraint included);
 * - successors are produced sub-action by sub-action, in TLC's split order, and each new
 *   state is checked against the invariants as soon as it is produced;
 * - a state is deadlocked when no sub-action produces any successor for it;
 * - depth is the BFS level of the deepest state found, initial states being level 1.
 * What happens to each state is `state-checker.ts`'s; this module stores the states, in one
 * thread (`parallel/` explores with several).
 */
import { EvalError } from '../values/errors.ts';
import type { Value } from '../values/value.ts';
import { type SpillOptions, type SpillStats, type Storage, openStorage } from './spill/storage.ts';
import { MemoryStateStore } from './spill/state-store.ts';
import { type Lasso, findViolation } from './liveness.ts';
import type { Model } from './model.ts';
import { nameSteps } from './step-names.ts';
import { ProgressMeter, summariseActions } from './stats.ts';
import { VacuityWatch, neverEnabledWarnings, reductionWarnings } from './warnings.ts';
import { outcomeDiagnostic } from '../diagnostics/violation.ts';
import type { CheckResult, ResultKind } from './result.ts';
import {
  type ResultBase,
  StateChecker,
  Violation,
  checkAssumptions,
  evalErrorResult,
  noNextResult,
  traceStep,
  violationResult,
} from './state-checker.ts';

export type { CheckResult, ResultKind, TraceStep } from './result.ts';

/** Periodic progress report. */
export interface Progress {
  depth: number;
  generated: number;
  distinct: number;
  queue: number;
  elapsedMs: number;
  /** States generated per second since the previous report. */
  statesPerSecond: number;
  /** Under a memory limit (-fpmem): what went to disk so far. */
  spilled?: SpillStats;
}

/** Also `memoryLimit` (-fpmem): see spill/storage.ts. */
export interface ExploreOptions extends SpillOptions {
  /** Called every `progressIntervalMs` while exploring. */
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  /** Stop after this BFS level (TLC's -depth applies to simulation; here it bounds BFS). */
  maxDepth?: number;
}

/** Explores `model` breadth-first and reports the first violation, or success. */
export function explore(model: Model, opts: ExploreOptions = {}): CheckResult {
  // The state graph's edges, kept only when liveness needs the complete graph.
  const keepEdges = model.liveness.length > 0;
  const storage = openStorage(model.varNames.length, opts, keepEdges);
  try {
    const r = exploreWith(model, opts, storage, keepEdges);
    const spilled = storage.spilled();
    return spilled ? { ...r, spilled } : r;
  } finally {
    storage.close();
  }
}

function exploreWith(
  model: Model,
  opts: ExploreOptions,
  storage: Storage,
  keepEdges: boolean,
): CheckResult {
  const started = Date.now();
  const rt = model.runtime;
  const { seen, store } = storage;
  const succ: number[][] = [];
  const succAction: number[][] = [];
  const initial: number[] = [];
  let head = 0;
  let maxLevel = 0;
  /** The level of the states being generated. */
  let nextLevel = 1;
  // Warnings about actions never taken or premises never true need the complete graph.
  let cutByDepth = false;
  const vacuity = new VacuityWatch(model);

  /** Stores a state not seen before; with edges, also records the step that reached it. */
  const admit = (s: Value[], from: number, actionIdx: number, h1: number, h2: number): number => {
    const existing = seen.putIfAbsent(h1, h2, store.count);
    const isNew = existing === -1;
    if (isNew) {
      if (keepEdges) {
        succ.push([]);
        succAction.push([]);
      }
      store.add(s, from, actionIdx, nextLevel, h1, h2);
      if (nextLevel > maxLevel) maxLevel = nextLevel;
      vacuity.observe(s);
    }
    if (keepEdges) {
      const target = isNew ? store.count - 1 : existing;
      if (from >= 0) {
        succ[from].push(target);
        succAction[from].push(actionIdx);
      } else if (!initial.includes(target)) initial.push(target);
    }
    return isNew ? store.count - 1 : -1;
  };
  const checker = new StateChecker(model, admit);
  const counters = checker.counters;

  const base = (): ResultBase => ({
    generated: checker.generated,
    distinct: seen.size,
    queueLeft: store.count - head,
    depth: maxLevel,
    varNames: model.varNames,
    elapsedMs: Date.now() - started,
    actionStats: summariseActions(model.actions, counters),
    warnings: reductionWarnings(model),
  });
  const result = (kind: ResultKind, extra: Partial<CheckResult> = {}): CheckResult => ({
    kind,
    ...base(),
    ...extra,
  });

  const failedAssumption = checkAssumptions(model, base);
  if (failedAssumption) return failedAssumption;

  const meter = new ProgressMeter(started, opts.progressIntervalMs ?? 5000);
  try {
    for (const s of checker.initialStates()) checker.considerInitial(s);
    if (model.noNext) return noNextResult(model, base());

    // Breadth-first search; the queue is the tail of the stored states.
    while (head < store.count) {
      const idx = head++;
      const cur = store.state(idx);
      const level = store.level(idx);
      const stats = rt.stats;
      stats.level = level;
      stats.distinct = seen.size;
      stats.generated = checker.generated;
      stats.queue = store.count - head;
      stats.diameter = maxLevel;
      if (opts.maxDepth !== undefined && level >= opts.maxDepth) {
        cutByDepth = true;
        store.explored(idx);
        continue;
      }
      nextLevel = level + 1;
      checker.expand(cur, idx);
      store.explored(idx);
      if (opts.onProgress && (idx & 1023) === 0) {
        const now = Date.now();
        if (meter.due(now)) {
          opts.onProgress({
            depth: maxLevel,
            generated: checker.generated,
            distinct: seen.size,
            queue: store.count - head,
            elapsedMs: now - started,
            statesPerSecond: meter.perSecond(checker.generated, now),
            spilled: storage.spilled(),
          });
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Violation)) throw e;
    const path: number[] = [];
    for (let i = e.at; i >= 0; i = store.parent(i)) path.push(i);
    path.reverse();
    const states = store.keepsExplored
      ? path.map((i) => store.state(i))
      : checker.rebuildPath(
          path.map((i) => ({ fp: store.fingerprint(i), action: store.action(i) })),
        );
    const trace = path.map((i, k) => traceStep(model, states[k], store.action(i)));
    return violationResult(model, e, trace, base());
  }
  // A run with liveness keeps every state in memory (spill/storage.ts), so this is never [].
  const states = store instanceof MemoryStateStore ? store.states : [];
  for (const prop of model.liveness) {
    let lasso: Lasso | undefined;
    try {
      lasso = findViolation({ states, succ, initial }, prop, model.fairness, rt);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return evalErrorResult(base(), e);
    }
    if (lasso) {
      const trace = lasso.path.map((idx, k) => {
        if (k === 0) return traceStep(model, states[idx], -1);
        const from = lasso!.path[k - 1];
        const edge = succ[from].indexOf(idx);
        return traceStep(model, states[idx], edge >= 0 ? succAction[from][edge] : -1);
      });
      nameSteps(model, trace);
      return result('temporal', {
        property: prop.name,
        message: `Temporal property ${prop.name} was violated.`,
        diagnostic: outcomeDiagnostic(model, {
          kind: 'temporal',
          property: prop.name,
          actionIdx: -1,
        }),
        trace,
        lasso: lasso.loopStart < 0 ? { stuttering: true } : { backTo: lasso.loopStart + 1 },
      });
    }
  }
  const ok = result('ok');
  if (!cutByDepth) {
    ok.warnings!.push(...neverEnabledWarnings(ok.actionStats!, ok.distinct), ...vacuity.warnings());
  }
  return ok;
}
