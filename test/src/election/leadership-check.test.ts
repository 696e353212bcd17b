import { describe, expect, it } from 'vitest';
import { LeadershipChecks } from '../../../src/election/leadership-check.ts';
import type { PongMsg } from '../../../src/election/messages.ts';

const pong = (from: number, id: number, latest: number): PongMsg => ({
  type: 'pong',
  to: 1,
  log: 'leader',
  id,
  from,
  latest,
});

describe('LeadershipChecks', () => {
  it('confirms once a quorum answered with nothing beyond what the server learned', () => {
    const checks = new LeadershipChecks(1, 2);
    expect(checks.start(5, 100)).toEqual({ type: 'ping', from: 1, log: 'leader', id: 5 });
    expect(checks.receive(pong(1, 5, 3), 3)).toBe(false);
    expect(checks.receive(pong(2, 5, 3), 3)).toBe(true);
    expect(checks.confirmedAfter(4)).toBe(5);
  });

  it('does not confirm on answers that show a later sequence (a newer leader may exist)', () => {
    const checks = new LeadershipChecks(1, 2);
    checks.start(5, 100);
    checks.receive(pong(1, 5, 3), 3);
    expect(checks.receive(pong(2, 5, 4), 3)).toBe(false);
    expect(checks.receive(pong(3, 5, 3), 3)).toBe(true);
  });

  it('does not count a duplicate pong twice', () => {
    const checks = new LeadershipChecks(1, 2);
    checks.start(5, 100);
    checks.receive(pong(2, 5, 1), 1);
    expect(checks.receive(pong(2, 5, 1), 1)).toBe(false);
    expect(checks.confirmedAfter(0)).toBeNull();
  });

  it('ignores pongs of a check that is not running (stale or for another server)', () => {
    const checks = new LeadershipChecks(1, 1);
    expect(checks.receive(pong(2, 5, 0), 0)).toBe(false);
    checks.start(6, 100);
    expect(checks.receive(pong(2, 5, 0), 0)).toBe(false);
    expect(checks.receive({ ...pong(2, 6, 0), to: 3 }, 0)).toBe(false);
  });

  it('gives a request only the result of a check that started after it arrived', () => {
    const checks = new LeadershipChecks(1, 2);
    // A request arrived when the last id handed out was 0; check 1 starts for it.
    expect(checks.needsCheck(0)).toBe(true);
    checks.start(1, 100);
    // A second request arrives while check 1 runs (last id is now 1): check 1 is not enough.
    expect(checks.needsCheck(1)).toBe(true);
    expect(checks.canStart()).toBe(false);
    checks.receive(pong(1, 1, 0), 0);
    checks.receive(pong(2, 1, 0), 0);
    expect(checks.confirmedAfter(0)).toBe(1);
    expect(checks.confirmedAfter(1)).toBeNull();
    // The next check serves the second request, and every request that arrived before it.
    checks.start(2, 100);
    checks.receive(pong(1, 2, 0), 0);
    checks.receive(pong(2, 2, 0), 0);
    expect(checks.confirmedAfter(1)).toBe(2);
    expect(checks.confirmedAfter(0)).toBe(2);
  });

  it('abandons a check that takes too long, so another can start', () => {
    const checks = new LeadershipChecks(1, 2);
    checks.start(1, 100);
    expect(checks.expire(99)).toBe(false);
    expect(checks.expire(100)).toBe(true);
    expect(checks.canStart()).toBe(true);
    expect(checks.receive(pong(1, 1, 0), 0)).toBe(false);
  });
});
