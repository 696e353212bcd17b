import { describe, expect, it } from 'vitest';
import {
  FaultSyntaxError,
  formatFaults,
  formatSchedule,
  NO_FAULTS,
  parseFaults,
  parseSchedule,
} from '../../../src/sim/faults.ts';

describe('--faults', () => {
  it('reads kind=probability pairs; kinds not named are off', () => {
    expect(parseFaults('loss=0.1,dup=0.05,crash=0.01,partition=0.01')).toEqual({
      loss: 0.1,
      dup: 0.05,
      delay: 0,
      crash: 0.01,
      partition: 0.01,
    });
  });

  it('reads "none" as no faults, and writes no faults as "none"', () => {
    expect(parseFaults('none')).toEqual(NO_FAULTS);
    expect(formatFaults(NO_FAULTS)).toBe('none');
  });

  it('writes what it reads', () => {
    const text = 'loss=0.25,delay=0.5,partition=0.001';
    expect(formatFaults(parseFaults(text))).toBe(text);
  });

  it.each([
    ['loss', /kind=probability pairs/],
    ['drop=0.1', /unknown fault kind "drop".*loss, dup, delay, crash, partition/],
    ['loss=1.5', /from 0 to 1/],
    ['loss=x', /kind=probability/],
  ])('rejects %s with a message that says what to write', (text, message) => {
    expect(() => parseFaults(text)).toThrow(FaultSyntaxError);
    expect(() => parseFaults(text)).toThrow(message);
  });
});

describe('--schedule', () => {
  it('reads crashes and partitions and writes them back the same', () => {
    const text = 'crash:2@100+50;partition:1,2/3@200+300';
    const schedule = parseSchedule(text, 3);
    expect(schedule).toEqual([
      { kind: 'crash', server: 2, at: 100, duration: 50 },
      { kind: 'partition', groups: [[1, 2], [3]], at: 200, duration: 300 },
    ]);
    expect(formatSchedule(schedule)).toBe(text);
    expect(parseSchedule('', 3)).toEqual([]);
  });

  it.each([
    ['crash:4@1+2', /"4" is not a server; servers are 1..3/],
    ['crash:1@1', /crash:S@T\+D/],
    ['partition:1/1,2@0+5', /names a server in two groups/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSchedule(text, 3)).toThrow(message);
  });
});
