import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../../src/sim/faults.ts';
import { Network } from '../../../src/sim/network.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { Scheduler } from '../../../src/sim/scheduler.ts';

describe('Network', () => {
  it('delivers every message once, 1-5 ms later, when there are no faults', () => {
    const net = new Network(NO_FAULTS, new Prng(1));
    for (let i = 0; i < 1000; i++) {
      const arrivals = net.route(1, 2, 100);
      expect(arrivals).toHaveLength(1);
      expect(arrivals[0]).toBeGreaterThanOrEqual(101);
      expect(arrivals[0]).toBeLessThanOrEqual(105);
    }
  });

  it('loses and duplicates messages at about the configured rates', () => {
    const net = new Network({ ...NO_FAULTS, loss: 0.2, dup: 0.1 }, new Prng(2));
    for (let i = 0; i < 10_000; i++) net.route(1, 2, 0);
    expect(net.counts.lost / 10_000).toBeCloseTo(0.2, 1);
    expect(net.counts.duplicated / 8_000).toBeCloseTo(0.1, 1);
  });

  it('cuts messages between the groups of a partition until it heals', () => {
    const net = new Network(NO_FAULTS, new Prng(3));
    const id = net.partition([[1], [2, 3]]);
    expect(net.route(1, 2, 0)).toEqual([]);
    expect(net.route(2, 3, 0)).toHaveLength(1);
    net.heal(id - 1);
    expect(net.partitioned).toBe(true);
    net.heal(id);
    expect(net.route(1, 2, 0)).toHaveLength(1);
  });

  it('puts servers named in no group together in one more group', () => {
    const net = new Network(NO_FAULTS, new Prng(4));
    net.partition([[1]]);
    expect(net.route(2, 3, 0)).toHaveLength(1);
    expect(net.route(3, 1, 0)).toEqual([]);
  });
});

describe('Scheduler', () => {
  it('pops events by time, and events at the same time in the order scheduled', () => {
    const s = new Scheduler<string>();
    s.at(5, 'c');
    s.at(1, 'a');
    s.at(5, 'd');
    s.at(3, 'b');
    s.at(5, 'e');
    const order: string[] = [];
    for (let e = s.pop(); e !== null; e = s.pop()) order.push(e.event);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
