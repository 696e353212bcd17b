/**
 * Simulation (TLC's -simulate): random behaviours from the initial states, each step chosen
 * uniformly among all successors the constraints allow, every state checked against the
 * invariants. For models too large to exhaust; a seed makes every run reproducible.
 */
import { EvalError } from '../values/errors.ts';
import type { Value } from '../values/value.ts';
import { Ctx, type PartialState } from '../eval/runtime.ts';
import { actionLabel } from '../eval/actions.ts';
import { expectBool } from '../eval/builtins.ts';
import type { CheckResult, Progress } from './explorer.ts';
import { outcomeDiagnostic } from '../diagnostics/violation.ts';
import type { Model, NamedPredicate } from './model.ts';
import { traceStep } from './state-checker.ts';
import { nameSteps } from './step-names.ts';
import { ActionCounters, ProgressMeter, summariseActions } from './stats.ts';

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same behaviours. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulateOptions {
  seed: number;
  /** Length of each behaviour, in states (TLC's -depth; its default is 100). */
  depth: number;
  /** How many behaviours to generate. */
  traces: number;
  /** Called at most every `progressIntervalMs`, between behaviours. */
  onProgress?: (p: Progress & { behaviours: number }) => void;
  progressIntervalMs?: number;
}

interface Step {
  state: Value[];
  action: number; // -1 for an initial state
}

/** Generates random behaviours of `model`; stops at the first violation. */
export function simulate(model: Model, opts: SimulateOptions): CheckResult {
  const started = Date.now();
  const random = seededRandom(opts.seed);
  const n = model.varNames.length;
  const rt = model.runtime;
  let generated = 0;
  let maxDepth = 0;
  const counters = new ActionCounters(model.actions.length);

  const holds = (preds: NamedPredicate[], ctx: Ctx): boolean =>
    preds.every((p) => expectBool(p.fn(null, ctx), () => `The constraint ${p.name}`));
  const violated = (s: Value[]): string | undefined =>
    model.invariants.find(
      (inv) => !expectBool(inv.fn(null, new Ctx(s, null, rt)), () => `The invariant ${inv.name}`),
    )?.name;

  let behaviours = 0;
  const finish = (
    kind: CheckResult['kind'],
    path: Step[],
    extra: Partial<CheckResult> = {},
    cause?: EvalError,
  ): CheckResult => ({
    kind,
    mode: 'simulate',
    behaviours,
    seed: opts.seed,
    generated,
    distinct: 0,
    queueLeft: 0,
    depth: maxDepth,
    varNames: model.varNames,
    elapsedMs: Date.now() - started,
    trace:
      path.length > 0
        ? nameSteps(
            model,
            path.map((s) => traceStep(model, s.state, s.action)),
          )
        : undefined,
    actionStats: summariseActions(model.actions, counters, false),
    diagnostic:
      kind === 'ok' || kind === 'assume'
        ? undefined
        : outcomeDiagnostic(model, {
            kind,
            property: extra.property,
            cause,
            state: path.at(-1)?.state,
            actionIdx: path.at(-1)?.action ?? -1,
          }),
    ...extra,
  });
  const complete = (s: PartialState): s is Value[] => s.every((v) => v !== undefined);

  const inits: Value[][] = [];
  try {
    model.init(null, new Ctx(new Array(n).fill(undefined), null, rt), (ctx) => {
      const s = ctx.cur!;
      generated++;
      counters.initialGenerated++;
      if (complete(s) && holds(model.constraints, new Ctx(s, null, rt))) inits.push(s);
      return false;
    });
  } catch (e) {
    if (e instanceof EvalError)
      return finish('eval-error', [], { message: e.message, errorKind: e.kind }, e);
    throw e;
  }
  if (inits.length === 0) return finish('ok', []);

  const meter = new ProgressMeter(started, opts.progressIntervalMs ?? 5000);
  const reportProgress = (): void => {
    const now = Date.now();
    if (!opts.onProgress || !meter.due(now)) return;
    opts.onProgress({
      behaviours,
      depth: maxDepth,
      generated,
      distinct: 0,
      queue: 0,
      elapsedMs: now - started,
      statesPerSecond: meter.perSecond(generated, now),
    });
  };

  for (let t = 0; t < opts.traces; t++) {
    behaviours = t + 1;
    const path: Step[] = [{ state: inits[Math.floor(random() * inits.length)], action: -1 }];
    try {
      const bad = violated(path[0].state);
      if (bad) return finish('invariant', path, { property: bad, initialState: true });
      while (path.length < opts.depth) {
        const cur = path[path.length - 1].state;
        const options: Step[] = [];
        let any = false;
        for (let a = 0; a < model.actions.length; a++) {
          const action = model.actions[a];
          action.act(action.env, new Ctx(cur, new Array(n).fill(undefined), rt), (ctx) => {
            const s = ctx.nxt!;
            generated++;
            counters.generated[a]++;
            any = true;
            if (!complete(s)) {
              throw new EvalError(
                `Successor state is not completely specified by action ${actionLabel(action)}.`,
                'unspecified',
              );
            }
            if (
              holds(model.constraints, new Ctx(s, null, rt)) &&
              holds(model.actionConstraints, new Ctx(cur, s, rt))
            ) {
              options.push({ state: s, action: a });
            }
            return false;
          });
        }
        if (!any && model.checkDeadlock)
          return finish('deadlock', path, { message: 'Deadlock reached.' });
        if (options.length === 0) break;
        const next = options[Math.floor(random() * options.length)];
        path.push(next);
        if (path.length > maxDepth) maxDepth = path.length;
        const v = violated(next.state);
        if (v) return finish('invariant', path, { property: v });
      }
    } catch (e) {
      if (e instanceof EvalError) {
        return finish(
          'eval-error',
          path,
          { message: e.message, errorKind: e.kind, errorTrail: [] },
          e,
        );
      }
      throw e;
    }
    reportProgress();
  }
  return finish('ok', []);
}
