import { describe, expect, it } from 'vitest';
import type { CampaignResult } from '../../campaign/result.ts';
import { checkTimestampHistory, type TimestampOperation } from '../../conformance/history/index.ts';
import { campaignSummary } from '../../report/campaign-summary.ts';
import { duration, percent, thousands } from '../../report/format.ts';
import { campaignFixture } from './campaign-fixture.ts';

/** The summary's lines, keyed by their label (continuation lines belong to the label above). */
function lines(summary: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let label = '';
  for (const line of summary.trimEnd().split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m) out.set((label = m[1]!), [m[2]!]);
    else out.get(label)!.push(line.trim());
  }
  return out;
}

const ALL_OK =
  'WellFormed ok, UniqueTimestamps ok, CallerOrder ok, RealTimeOrder ok, ' +
  'OneLeaderPerTerm ok, LeaderChangeOrder ok';

describe('campaignSummary', () => {
  it('summarises a passing campaign, one labelled line per part', () => {
    const summary = campaignSummary(campaignFixture({ violation: false }));
    expect(summary.endsWith('\n')).toBe(true);
    expect(Object.fromEntries(lines(summary))).toEqual({
      campaign: ['3 servers, 3 clients, 10 s, seed 7, faults kill,partition'],
      started: ['2025-01-02T03:04:05.000Z, files in /tmp/campaign-7'],
      operations: ['9 (7 ok, 1 failed, 1 unknown), 9 timestamps, 2 namespaces'],
      faults: ['2 injected: kill 1, partition 1'],
      checkers: [ALL_OK],
      availability: [
        '77.8% answered, longest gap 2.31 s (from 1.0 s), failover median 915 ms, max 1.32 s',
      ],
      replay: ['3 traces, 123,456 events conform'],
      verdict: ['PASS'],
    });
  });

  it('aligns the values after the labels', () => {
    const summary = campaignSummary(campaignFixture({ violation: false }));
    const starts = summary
      .trimEnd()
      .split('\n')
      .map((l) => /^\S+\s+/.exec(l)![0].length);
    expect(new Set(starts).size).toBe(1);
  });

  it('names a violated property, lists its first violation, and fails the verdict on it', () => {
    const result = campaignFixture();
    const out = lines(campaignSummary(result));
    expect(out.get('checkers')![0]).toBe(
      ALL_OK.replace('RealTimeOrder ok', 'RealTimeOrder VIOLATED'),
    );
    expect(out.get('checkers')!.slice(1)).toEqual([
      `RealTimeOrder: ${result.history.violations[0]!.message}`,
    ]);
    expect(out.get('verdict')).toEqual(['FAIL: RealTimeOrder']);
  });

  it('shows a failed replay with its report, and fails the verdict on it', () => {
    const failure = 'server 2, event 17: no action explains it\n  leader = 1\n';
    const out = lines(
      campaignSummary(campaignFixture({ violation: false, replayFailure: failure })),
    );
    expect(out.get('replay')).toEqual([
      'FAIL (3 traces, 123,456 events)',
      'server 2, event 17: no action explains it',
      'leader = 1',
    ]);
    expect(out.get('verdict')).toEqual(['FAIL: replay']);
  });

  it('names every failing part in the verdict', () => {
    const out = lines(campaignSummary(campaignFixture({ replayFailure: 'bad trace' })));
    expect(out.get('verdict')).toEqual(['FAIL: RealTimeOrder, replay']);
  });

  it('shows the first three violations of a property and says how many more there are', () => {
    // Caller "a" goes backwards nine times; the checker lists five and counts the rest.
    const ops: TimestampOperation[] = Array.from({ length: 10 }, (_, i) => ({
      caller: 'a',
      namespace: 'ns',
      invokedAt: i * 10,
      completedAt: i * 10 + 1,
      outcome: { kind: 'ok', lower: 100 - i, upper: 100 - i },
    }));
    const history = checkTimestampHistory(ops, { maxPerProperty: 5 });
    const result: CampaignResult = { ...campaignFixture(), history, ok: false };
    const caller = lines(campaignSummary(result))
      .get('checkers')!
      .filter((l) => l.startsWith('CallerOrder:'));
    expect(caller).toHaveLength(5);
    expect(caller.slice(0, 3)).toEqual(
      history.violations
        .filter((v) => v.property === 'CallerOrder')
        .slice(0, 3)
        .map((v) => `CallerOrder: ${v.message}`),
    );
    expect(caller[3]).toBe('CallerOrder: ... 2 more in the report');
    expect(caller[4]).toBe('CallerOrder: ... and 4 more CallerOrder violations not listed');
  });

  it('keeps control characters in recorded text from reaching the terminal', () => {
    const summary = campaignSummary(
      campaignFixture({ violation: false, replayFailure: 'event \u001b[2Jcleared' }),
    );
    expect(summary).not.toContain('\u001b');
    expect(lines(summary).get('replay')![1]).toBe('event ?[2Jcleared');
  });

  it('says when nothing was asked and a fault was never recovered from', () => {
    const result = campaignFixture({ violation: false });
    const failovers = result.availability.failovers.map((f, i) => ({
      ...f,
      ms: i === 0 ? null : 40,
    }));
    const availability = { ...result.availability, share: 1, longestGap: null, failovers };
    const out = lines(campaignSummary({ ...result, availability }));
    expect(out.get('availability')).toEqual([
      '100.0% answered, failover median 40 ms, max 40 ms, 1 fault(s) without an answer after them',
    ]);
  });
});

describe('report formatting', () => {
  it('separates thousands', () => {
    expect(thousands(61234)).toBe('61,234');
    expect(thousands(1234567)).toBe('1,234,567');
    expect(thousands(12)).toBe('12');
  });

  it('humanises durations in the unit they read best in', () => {
    expect(duration(0)).toBe('0 ms');
    expect(duration(410)).toBe('410 ms');
    expect(duration(6.94)).toBe('6.94 ms');
    expect(duration(999.7)).toBe('1 s');
    expect(duration(1840)).toBe('1.84 s');
    expect(duration(1900)).toBe('1.9 s');
    expect(duration(300_000)).toBe('300 s');
    expect(duration(725_000)).toBe('12 min 5 s');
    expect(duration(3_599_700)).toBe('1 h 0 min');
    expect(duration(3_780_000)).toBe('1 h 3 min');
  });

  it('never rounds a shortfall up to 100%', () => {
    expect(percent(0.947)).toBe('94.7%');
    expect(percent(0.99999)).toBe('99.9%');
    expect(percent(1)).toBe('100.0%');
  });
});
