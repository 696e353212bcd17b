/**
 * The branch points of each spec action, read from its syntax tree: every IF and CASE the
 * action evaluates (in its own body or in an operator of the spec it calls) and every
 * disjunction it takes as a choice of steps. Replay coverage lists these beside the action,
 * with how often each arm was taken (the engine's branch probes count them, `eval/branches.ts`),
 * so that an arm no run reaches is listed as never taken rather than silently missing.
 *
 * The walk follows the engine's compilation: in an action, conjunctions, disjunctions, IF and
 * CASE arms, LET bodies, existential bodies, implications' consequents and calls of the spec's
 * operators stay actions; everything else (conditions, guards, the right side of `x' = e`) is
 * a value, where only IF and CASE choose among arms.
 */
import {
  branchKey,
  childExprs,
  describeBranchPoint,
  type BranchKind,
  type Expr,
} from '../tla/index.ts';
import { sourcePlace, sourceText } from '../tla/diagnostics/source.ts';
import type { SpecDefinitions, SpecOperator } from './spec-steps.ts';

/** One branch point an action goes through, and its arms. */
export interface ActionBranchSite {
  /** {@link branchKey} of the branch point, as probes report it. */
  readonly key: string;
  readonly kind: BranchKind;
  /** Where it is, e.g. `Paxos.tla:127`. */
  readonly place: string;
  /** The operator of the spec it is written in. */
  readonly within: string;
  /** The arms: `THEN`/`ELSE`, `arm 1`... and `OTHER`, or `disjunct 1`..., each with its text. */
  readonly arms: ReadonlyArray<{ readonly name: string; readonly text: string }>;
}

/** Arms' texts are cut to this many characters in reports. */
const ARM_TEXT = 60;

/** The branch points `action` goes through, in the order of its text (callees where called). */
export function branchSitesOf(spec: SpecDefinitions, action: SpecOperator): ActionBranchSite[] {
  const sites = new Map<string, ActionBranchSite>();
  const entered = new Set<string>();
  const walk = (e: Expr, within: string, asAction: boolean): void => {
    if (e.k === 'if' || e.k === 'case' || (asAction && e.k === 'or')) {
      const key = branchKey(e.loc);
      if (!sites.has(key)) {
        const { kind, arms } = describeBranchPoint(e);
        sites.set(key, {
          key,
          kind,
          place: sourcePlace(e.loc),
          within,
          arms: arms.map((a) => ({ name: a.name, text: shortText(e, a.loc) })),
        });
      }
    }
    if (e.k === 'ident' || e.k === 'apply') {
      const callee = spec.operators.get(e.name);
      const key = `${e.name}/${asAction}`;
      if (callee && !entered.has(key)) {
        entered.add(key);
        walk(callee.body, callee.name, asAction);
      }
      if (e.k === 'apply') {
        const consequentIsAction = asAction && e.name === '$implies';
        e.args.forEach((arg, i) => walk(arg, within, consequentIsAction && i === 1));
      }
      return;
    }
    const keepsAction = asAction && ACTION_FORMS.has(e.k) && !(e.k === 'quant' && e.q !== 'E');
    for (const child of childExprs(e)) walk(child, within, keepsAction && staysAction(e, child));
  };
  walk(action.body, action.name, true);
  return [...sites.values()];
}

/** Forms whose parts (some of them) are actions when the form is. */
const ACTION_FORMS = new Set<Expr['k']>(['and', 'or', 'if', 'case', 'let', 'quant']);

/** Whether `child` of action `e` is compiled as an action (the rest are values). */
function staysAction(e: Expr, child: Expr): boolean {
  switch (e.k) {
    case 'and':
    case 'or':
      return true;
    case 'if':
      return child !== e.cond;
    case 'case':
      return !e.arms.some((a) => a.guard === child);
    case 'let':
    case 'quant':
      return child === e.body;
    default:
      return false;
  }
}

/** An arm's source text on one line, cut short. */
function shortText(e: Expr, armLoc: Expr['loc']): string {
  let text: string;
  try {
    text = sourceText(armLoc).replace(/\s+/g, ' ').trim();
  } catch {
    text = sourcePlace(e.loc);
  }
  return text.length > ARM_TEXT ? text.slice(0, ARM_TEXT - 3) + '...' : text;
}
