/**
 * Per-action statistics: how often each sub-action of Next produced a successor and how many
 * distinct states it found first. They tell a user which parts of a spec a run exercised, so
 * that "no error found" can be told apart from "the interesting actions never ran".
 *
 * The explorer bumps plain counters in typed arrays indexed by sub-action; everything else
 * (labels, places, grouping by name) is computed once, after the run.
 */
import type { Loc } from '../syntax/ast.ts';
import { actionLabel, type SubAction } from '../eval/actions.ts';

/** Counters the explorer increments while it runs; one slot per sub-action of `model.actions`. */
export class ActionCounters {
  /** Successors each sub-action produced (duplicates and constraint-cut states included). */
  readonly generated: Float64Array;
  /** States each sub-action reached first (so they sum, with the initial states, to distinct). */
  readonly distinct: Float64Array;
  initialGenerated = 0;
  initialDistinct = 0;

  constructor(actionCount: number) {
    this.generated = new Float64Array(actionCount);
    this.distinct = new Float64Array(actionCount);
  }
}

/** One sub-action's statistics, e.g. `Press(0)`. */
export interface ActionStat {
  /** The label traces print, e.g. `Press(0)`. */
  label: string;
  /** The operator it comes from (`Action` for an anonymous part of Next). */
  name: string;
  loc: Loc;
  /** Successors it produced ("times taken"). */
  generated: number;
  /** New distinct states it found first; undefined in simulation, which keeps no state set. */
  distinct?: number;
}

/**
 * The statistics of the sub-actions that come from one place in the spec, added up: the values
 * of a split `\E` (`Press(1)`, `Press(2)`, ...) or the calls of one operator.
 */
export interface ActionGroupStat {
  name: string;
  loc: Loc;
  /** How many sub-actions (disjuncts, or values of a split `\E`) share the name. */
  disjuncts: number;
  generated: number;
  distinct?: number;
}

export interface ActionStats {
  initial: { generated: number; distinct?: number };
  actions: ActionStat[];
  byName: ActionGroupStat[];
}

/**
 * Sub-actions are grouped by name and place: the same operator body, whatever its arguments.
 * The place matters because disjuncts written inline in Next are all labelled `Next`.
 */
function groupKey(s: ActionStat): string {
  return `${s.name}@${s.loc.file}:${s.loc.line}:${s.loc.col}`;
}

/** Labels and groups the counters of a run; `withDistinct` is false for simulation. */
export function summariseActions(
  actions: readonly SubAction[],
  counters: ActionCounters,
  withDistinct = true,
): ActionStats {
  const distinctOf = (n: number) => (withDistinct ? n : undefined);
  const perAction: ActionStat[] = actions.map((a, i) => ({
    label: actionLabel(a),
    name: a.name ?? 'Action',
    loc: a.loc,
    generated: counters.generated[i],
    distinct: distinctOf(counters.distinct[i]),
  }));
  const groups = new Map<string, ActionGroupStat>();
  for (const s of perAction) {
    const g = groups.get(groupKey(s));
    if (g) {
      g.disjuncts++;
      g.generated += s.generated;
      if (g.distinct !== undefined) g.distinct += s.distinct ?? 0;
    } else {
      groups.set(groupKey(s), {
        name: s.name,
        loc: s.loc,
        disjuncts: 1,
        generated: s.generated,
        distinct: s.distinct,
      });
    }
  }
  return {
    initial: {
      generated: counters.initialGenerated,
      distinct: distinctOf(counters.initialDistinct),
    },
    actions: perAction,
    byName: [...groups.values()],
  };
}

/**
 * Decides when a progress report is due and the rate since the previous one, so that a
 * slowdown shows at once instead of being averaged over the whole run.
 */
export class ProgressMeter {
  private lastAt: number;
  private lastCount = 0;

  constructor(
    startedAt: number,
    private readonly intervalMs: number,
  ) {
    this.lastAt = startedAt;
  }

  due(now: number): boolean {
    return now - this.lastAt >= this.intervalMs;
  }

  /** Per second since the previous report; starts the next interval. */
  perSecond(count: number, now: number): number {
    const rate = Math.round(((count - this.lastCount) * 1000) / Math.max(1, now - this.lastAt));
    this.lastAt = now;
    this.lastCount = count;
    return rate;
  }
}
