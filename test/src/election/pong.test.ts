import { describe, expect, it } from 'vitest';
import { PongMemory } from '../../../src/election/pong.ts';
import type { PingMsg } from '../../../src/election/messages.ts';

const ping: PingMsg = { type: 'ping', from: 2, log: 'c1', id: 7 };

describe('PongMemory', () => {
  it('answers a check with the latest sequence touched', () => {
    expect(new PongMemory().answer(3, 4, ping)).toEqual({
      type: 'pong',
      to: 2,
      log: 'c1',
      id: 7,
      from: 3,
      latest: 4,
    });
  });

  it('answers a repeated ping again while the answer is unchanged', () => {
    const memory = new PongMemory();
    memory.answer(3, 4, ping);
    expect(memory.answer(3, 4, ping)?.latest).toBe(4);
  });

  it('stays silent on a repeated ping once the answer would differ', () => {
    const memory = new PongMemory();
    memory.answer(3, 4, ping);
    expect(memory.answer(3, 5, ping)).toBeNull();
    expect(memory.answer(3, 5, { ...ping, id: 8 })?.latest).toBe(5);
  });
});
