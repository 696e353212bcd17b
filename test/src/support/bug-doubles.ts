/**
 * Faulty protocol rules that reproduce known bug classes, for showing that the simulation's
 * checker catches them. They live here, in test code, and reach the servers only through the
 * rules parameter every server takes.
 */
import { LeadershipChecks } from '../../../src/election/leadership-check.ts';
import { accept, acceptorRules } from '../../../src/paxos/acceptor.ts';
import { LOCK_RULES } from '../../../src/lock/rules.ts';
import { SPEC_RULES, type ServerRules } from '../../../src/server/server.ts';
import { timestampRules, type Tsvc } from '../../../src/timestamp/tsvc.ts';

/**
 * An acceptor that, holding no state for a sequence, acknowledges an accept but records only
 * the promise (the spec's AcceptWithoutStateBug; found in a published Paxos implementation).
 */
export const acceptorAcksWithoutStoring: ServerRules = {
  ...SPEC_RULES,
  acceptor: {
    ...acceptorRules,
    accept: (self, record, m) => {
      const step = accept(self, record, m);
      const noState = record.prom[0] === 0 && record.prom[1] === 0;
      return step !== null && noState
        ? { record: { ...record, prom: m.bal }, reply: step.reply }
        : step;
    },
  },
};

/** A proposer that ignores the values reported in promises and always proposes its own. */
export const proposerIgnoresPromisedValue: ServerRules = {
  ...SPEC_RULES,
  valueFor: (_promises, own) => own,
};

/**
 * Checks that give a request the result of the last check that confirmed the server, even one
 * that started before the request arrived: serving without a fresh leadership check.
 */
class StaleLeadershipChecks extends LeadershipChecks {
  override confirmedAfter(_after: number): number | null {
    return this.confirmed > 0 ? this.confirmed : null;
  }
}

/** Servers that serve without a fresh leadership check. */
export const servesWithoutFreshCheck: ServerRules = {
  ...SPEC_RULES,
  leadershipChecks: (self, quorum) => new StaleLeadershipChecks(self, quorum),
};

/** A new instance that starts counting from zero instead of above the agreed bound. */
const fromZero = (t: Tsvc): Tsvc => ({ ...t, counter: 0 });

/** Servers whose new timestamp-service instances do not start above the agreed bound. */
export const instanceStartsBelowBound: ServerRules = {
  ...SPEC_RULES,
  timestamps: {
    ...timestampRules,
    recover: (t, latest, agreed) => fromZero(timestampRules.recover(t, latest, agreed)),
    finishForcing: (t, agreed) => fromZero(timestampRules.finishForcing(t, agreed)),
  },
};

/** Servers that refresh a lock after any check that confirmed them, however old. */
export const refreshesWithoutFreshCheck: ServerRules = {
  ...SPEC_RULES,
  locks: { ...LOCK_RULES, refreshCheckAfter: () => 0 },
};

/** Servers whose fencing tokens come from a counter of their own, not the namespace's timestamps. */
export const fencesWithOwnCounter: ServerRules = {
  ...SPEC_RULES,
  locks: { ...LOCK_RULES, fencingToken: (_takeTimestamp, grantsHere) => grantsHere + 1 },
};
