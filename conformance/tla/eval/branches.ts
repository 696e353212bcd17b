/**
 * Branch probes: which arm of each IF, CASE and action-level disjunction a step went through.
 *
 * Trace replay reports, beside each action, how often each of its branches was taken, so that
 * a simulation that never exercises a branch (a bound round lost to another instance, a
 * recovery that finds a value already chosen) shows up. A model built with a probe compiles
 * every branch point to record the arm it takes on a trail. Evaluation backtracks (an action
 * enumerates its successors depth-first), so choice points in actions mark the trail before an
 * arm and cut it back after; whoever collects a successor reads the trail at that moment: the
 * arms on the path that led to it, value-level branches included.
 *
 * A model built without a probe compiles none of this and pays nothing.
 */
import { basename } from 'node:path';
import type { Expr, Loc } from '../syntax/ast.ts';

/** What kind of branch point a site is. */
export type BranchKind = 'IF' | 'CASE' | '\\/';

/** A branch point in the spec's source, and its arms. */
export interface BranchSite {
  readonly id: number;
  readonly kind: BranchKind;
  readonly loc: Loc;
  /** Each arm's name: THEN/ELSE, a CASE guard's position or OTHER, a disjunct's position. */
  readonly arms: readonly string[];
  /** Where each arm starts. */
  readonly armLocs: readonly Loc[];
}

/** Bits of a trail entry that hold the arm (the rest is the site id). */
const ARM_BITS = 8;

/** Sites by their source range, and the trail of arms taken on the current evaluation path. */
export class BranchProbe {
  private readonly byLoc = new Map<Loc, BranchSite>();
  private readonly list: BranchSite[] = [];
  private trail: number[] = [];

  /** Every site registered so far, in registration order. */
  get sites(): readonly BranchSite[] {
    return this.list;
  }

  /** The site of branch point `e` (registered on first use). */
  site(e: BranchPoint): BranchSite {
    let found = this.byLoc.get(e.loc);
    if (found === undefined) {
      const { kind, arms } = describeBranchPoint(e);
      if (arms.length >= 1 << ARM_BITS)
        throw new Error(`a ${kind} with ${arms.length} arms is more than branch probes track`);
      found = {
        id: this.list.length,
        kind,
        loc: e.loc,
        arms: arms.map((a) => a.name),
        armLocs: arms.map((a) => a.loc),
      };
      this.byLoc.set(e.loc, found);
      this.list.push(found);
    }
    return found;
  }

  /** Records that evaluation took `arm` of `site`. */
  take(site: BranchSite, arm: number): void {
    this.trail.push((site.id << ARM_BITS) | arm);
  }

  /** The trail's length, to cut back to after trying one arm of a choice. */
  mark(): number {
    return this.trail.length;
  }

  cut(mark: number): void {
    this.trail.length = mark;
  }

  /** The arms taken on the current path, as (site, arm) pairs. */
  path(): Array<readonly [BranchSite, number]> {
    return this.trail.map((x) => [this.list[x >>> ARM_BITS], x & ((1 << ARM_BITS) - 1)] as const);
  }
}

/** An expression that chooses among arms. */
export type BranchPoint = Expr & { k: 'if' | 'case' | 'or' };

/** A branch point's kind and its arms, each named and placed. */
export function describeBranchPoint(e: BranchPoint): {
  kind: BranchKind;
  arms: Array<{ name: string; loc: Loc }>;
} {
  switch (e.k) {
    case 'if':
      return {
        kind: 'IF',
        arms: [
          { name: 'THEN', loc: e.then.loc },
          { name: 'ELSE', loc: e.else.loc },
        ],
      };
    case 'case':
      return {
        kind: 'CASE',
        arms: [
          ...e.arms.map((a, i) => ({ name: `arm ${i + 1}`, loc: a.guard.loc })),
          ...(e.other ? [{ name: 'OTHER', loc: e.other.loc }] : []),
        ],
      };
    case 'or':
      return {
        kind: '\\/',
        arms: e.items.map((x, i) => ({ name: `disjunct ${i + 1}`, loc: x.loc })),
      };
  }
}

/**
 * A name for a branch point that holds across parses of the same file (`Paxos.tla:127:12`),
 * so that counts from several models (one per replayed run) add up.
 */
export function branchKey(loc: Loc): string {
  return `${basename(loc.file)}:${loc.line}:${loc.col}`;
}
