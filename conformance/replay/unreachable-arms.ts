/**
 * The arms of the spec's branch points that no trace of a correct implementation can take, each
 * with the reason. Branch coverage over many runs (the property test's) must take every other
 * arm: an arm missing from both is a part of the protocol the simulation never exercised.
 *
 * An entry names the arm by the operator it is written in, the kind of branch point, the arm
 * and the arm's source text, not by line: when the spec's text there changes, the entry stops
 * matching and the arm has to be reconsidered.
 */
import type { UntakenArm } from './coverage.ts';

/** An arm no correct run takes, and why. */
export interface UnreachableArm {
  readonly within: string;
  readonly kind: UntakenArm['site']['kind'];
  readonly arm: string;
  readonly text: string;
  readonly because: string;
}

export const UNREACHABLE_ARMS: readonly UnreachableArm[] = [
  {
    within: 'Accept',
    kind: 'IF',
    arm: 'THEN',
    text: '[acc EXCEPT ![a][L][q].prom = b]',
    because:
      'taken only with AcceptWithoutStateBug = TRUE, the deliberate bug of the PaxosBug model; replay binds it FALSE',
  },
  {
    within: 'Max',
    kind: 'IF',
    arm: 'ELSE',
    text: 'x',
    because:
      "Max's callers are Serve and LockGrant, as Max(returned[c], the last timestamp handed out): the ELSE arm means a client got a timestamp (or a fencing token) not above what it already had, which UniqueTimestamps and RealTimeOrder forbid",
  },
];

/** Whether `arm` is one of {@link UNREACHABLE_ARMS}. */
export function isUnreachable(arm: UntakenArm): boolean {
  return UNREACHABLE_ARMS.some(
    (u) =>
      u.within === arm.site.within &&
      u.kind === arm.site.kind &&
      u.arm === arm.arm &&
      u.text === arm.text,
  );
}

/** The arms never taken that a correct run could have taken: they should be empty. */
export function unexpectedlyUntaken(untaken: readonly UntakenArm[]): string[] {
  return untaken.filter((arm) => !isUnreachable(arm)).map((arm) => arm.label);
}
