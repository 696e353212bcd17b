/**
 * General temporal properties, checked by TLC's method (tlc2.tool.liveness.Liveness): the
 * property is negated and put in disjunctive normal form; in each branch, conjuncts `<>[]A`
 * and `[]<>A` (A without temporal operators, maybe an action) are conditions on the loop of a
 * counterexample, and the rest, which may not mention actions, becomes a tableau. A behaviour
 * violates the property iff, for some branch, the product of the state graph with the
 * branch's tableau has a fair loop meeting the conditions and fulfilling the tableau's promises.
 *
 * The spec's own fairness is not put into the formula (TLC does, and its DNF then has a branch
 * per combination of SF disjuncts): it is checked on each candidate component the way the fast
 * checker does, with the same verdicts.
 */
import type { Loc } from '../../syntax/ast.ts';
import type { Runtime } from '../../eval/runtime.ts';
import type { Fairness, Lasso, StateGraph } from '../temporal-types.ts';
import { type Ltl, type LtlFactory, dnf, subformulas } from './formula.ts';
import { refuse } from './normalise.ts';
import { buildTableau } from './tableau.ts';
import { type Branch, searchBranch } from './product.ts';

/** A temporal formula compiled for the tableau checker. */
export interface TableauProperty {
  branches: Branch[];
}

/** Compiles `prop` (built by `f`) into the branches of its negation. */
export function compileTableau(f: LtlFactory, prop: Ltl, name: string, loc: Loc): TableauProperty {
  const branches: Branch[] = [];
  for (const conjuncts of dnf(f.not(prop))) {
    const always: Ltl[] = [];
    const infinitelyOften: Ltl[] = [];
    const rest: Ltl[] = [];
    for (const x of conjuncts) {
      if (x.k === 'eventually' && x.x.k === 'always' && !x.x.x.temporal) always.push(x.x.x);
      else if (x.k === 'always' && x.x.k === 'eventually' && !x.x.x.temporal)
        infinitelyOften.push(x.x.x);
      else if (x.action) {
        const culprit = subformulas(x).find((y) => y.k === 'atom' && y.action);
        refuse(
          culprit?.k === 'atom' ? culprit.atom.loc : loc,
          `PROPERTY ${name}: Temporal formulas containing actions must be of forms <>[]A or []<>A (TLC refuses this one too).`,
        );
      } else rest.push(x);
    }
    branches.push({ tableau: buildTableau(f.and(rest)), always, infinitelyOften });
  }
  return { branches };
}

/** A fair behaviour violating the property, or undefined. */
export function findTableauViolation(
  graph: StateGraph,
  prop: TableauProperty,
  fairness: Fairness[],
  rt: Runtime,
): Lasso | undefined {
  for (const b of prop.branches) {
    const lasso = searchBranch(graph, b, fairness, rt);
    if (lasso) return lasso;
  }
  return undefined;
}
