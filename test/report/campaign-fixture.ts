/**
 * A small hand-made campaign for the report tests: a few answered calls, one refused, one
 * unknown, two faults, and (unless asked otherwise) one pair of calls that breaks RealTimeOrder.
 * Strings the campaign records carry markup, so the tests can see it escaped.
 */
import type { CampaignResult, InjectedFault } from '../../campaign/result.ts';
import {
  availability,
  checkTimestampHistory,
  type TimestampOperation,
} from '../../conformance/history/index.ts';
import { answered, unanswered } from '../support/operations.ts';

/** A refusal whose message would run a script if put on the page unescaped. */
export const HOSTILE_ERROR = 'no quorum <script>alert("error")</script>';
/** A namespace that would end a `<script>` element and open another. */
export const HOSTILE_NAMESPACE = 'ns</script><script>alert("ns")</script>';
/** A fault description, embedded in the chart data, that would end the `<script>` it is in. */
export const HOSTILE_DESCRIPTION = 'partition {0} | {1,2} </script><script>alert("fault")</script>';

export interface FixtureOptions {
  /** Include the pair of calls that breaks RealTimeOrder (default true). */
  readonly violation?: boolean;
  /** Make the replay fail with this report. */
  readonly replayFailure?: string;
}

const ok = (
  caller: string,
  invokedAt: number,
  completedAt: number,
  lower: number,
  upper: number,
  server: number,
  term: number,
  namespace = 'default',
) => answered(caller, invokedAt, completedAt, lower, upper, { namespace, server, term });

export const FAULTS: readonly InjectedFault[] = [
  {
    index: 0,
    kind: 'kill',
    description: 'kill -9 server 0 (the leader)',
    targets: [0],
    startMs: 2000,
    endMs: 4000,
  },
  {
    index: 1,
    kind: 'partition',
    description: HOSTILE_DESCRIPTION,
    targets: [1, 2],
    startMs: 5000,
    endMs: 7000,
  },
];

/**
 * The operations: in HOSTILE_NAMESPACE, caller c gets 10 at 5.510 s and caller b, asking after
 * that, gets 8 (or 12 when there is to be no violation).
 */
export function fixtureOperations(violation = true): TimestampOperation[] {
  return [
    ok('a', 100, 110, 1, 1, 0, 1),
    ok('b', 500, 520, 2, 3, 0, 1),
    ok('a', 1000, 1015, 4, 4, 0, 1),
    unanswered('c', 2100, 2900, 'failed', HOSTILE_ERROR, 'default'),
    unanswered('b', 2200, 3200, 'unknown', 'timed out after 1000 ms', 'default'),
    ok('a', 3300, 3320, 5, 6, 1, 2),
    ok('c', 5500, 5510, 10, 10, 1, 2, HOSTILE_NAMESPACE),
    ok('b', 6000, 6020, violation ? 8 : 12, violation ? 8 : 12, 1, 2, HOSTILE_NAMESPACE),
    ok('a', 8000, 8010, 20, 20, 1, 2),
  ];
}

/** The campaign over {@link fixtureOperations} and {@link FAULTS}. */
export function campaignFixture(options: FixtureOptions = {}): CampaignResult {
  const operations = fixtureOperations(options.violation ?? true);
  const durationMs = 10_000;
  const history = checkTimestampHistory(operations);
  const replay =
    options.replayFailure === undefined
      ? { ok: true, traces: 3, events: 123_456 }
      : { ok: false, traces: 3, events: 123_456, failure: options.replayFailure };
  return {
    settings: {
      servers: 3,
      clients: 3,
      durationMs,
      seed: 7,
      faultKinds: ['kill', 'partition'],
      dir: '/tmp/campaign-7',
    },
    startedAt: '2025-01-02T03:04:05.000Z',
    operations,
    faults: FAULTS,
    history,
    availability: availability(operations, { startMs: 0, endMs: durationMs }, FAULTS),
    replay,
    ok: history.ok && replay.ok,
  };
}
