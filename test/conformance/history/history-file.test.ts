import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  availability,
  HistoryFileError,
  parseHistory,
  readHistoryFile,
} from '../../../conformance/history/index.ts';
import { HistoryLog } from '../../../src/cluster/history-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'history-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = JSON.stringify({ type: 'history', version: 1, startedAt: 'x', settings: {} });
const lines = (...records: object[]) =>
  [header, ...records.map((r) => JSON.stringify(r))].join('\n') + '\n';

describe('history files', () => {
  it('reads back what the campaign wrote: operations, outcomes and faults', () => {
    const path = join(dir, 'h.ndjson');
    const log = new HistoryLog(path, {
      startedAt: '2026-12-07T00:00:00.000Z',
      settings: { servers: 3 },
    });
    log.write({ type: 'invoke', op: 1, caller: 'c1', namespace: 'a', n: 1, at: 1 });
    log.write({ type: 'invoke', op: 2, caller: 'c2', namespace: 'a', n: 5, at: 2 });
    log.write({
      type: 'nemesis',
      phase: 'start',
      fault: 0,
      kind: 'kill',
      description: 'kill -9 server 1',
      targets: [1],
      at: 3,
    });
    log.write({ type: 'ok', op: 1, at: 4, lower: 7, upper: 7, server: 1, term: 2 });
    log.write({ type: 'unknown', op: 2, at: 9, error: 'no answer' });
    log.write({
      type: 'nemesis',
      phase: 'end',
      fault: 0,
      kind: 'kill',
      description: 'kill -9 server 1',
      targets: [1],
      at: 10,
    });
    log.write({ type: 'invoke', op: 3, caller: 'c1', namespace: 'b', n: 1, at: 11 });
    log.write({ type: 'fail', op: 3, at: 12, error: '503 from server 2' });
    log.close();

    const read = readHistoryFile(path);
    expect(read.header.settings).toEqual({ servers: 3 });
    expect(read.operations).toEqual([
      {
        caller: 'c1',
        namespace: 'a',
        invokedAt: 1,
        completedAt: 4,
        outcome: { kind: 'ok', lower: 7, upper: 7, server: 1, term: 2 },
      },
      {
        caller: 'c2',
        namespace: 'a',
        invokedAt: 2,
        completedAt: 9,
        outcome: { kind: 'unknown', error: 'no answer' },
      },
      {
        caller: 'c1',
        namespace: 'b',
        invokedAt: 11,
        completedAt: 12,
        outcome: { kind: 'failed', error: '503 from server 2' },
      },
    ]);
    expect(read.faults).toEqual([
      {
        index: 0,
        kind: 'kill',
        description: 'kill -9 server 1',
        targets: [1],
        startMs: 3,
        endMs: 10,
      },
    ]);
    expect(read.endMs).toBe(12);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(9);
  });

  it('reads an operation the campaign never saw complete as unknown, and a cut-off last line as absent', () => {
    const text =
      lines(
        { type: 'invoke', op: 1, caller: 'c', namespace: 'a', n: 1, at: 5 },
        {
          type: 'nemesis',
          phase: 'start',
          fault: 0,
          kind: 'pause',
          description: 'p',
          targets: [2],
          at: 8,
        },
      ) + '{"type":"ok","op":1,"at":';
    const read = parseHistory(text);
    expect(read.operations[0]).toMatchObject({ completedAt: 8, outcome: { kind: 'unknown' } });
    expect(read.faults[0]!.endMs).toBeNull();
  });

  it('names the file and line of what is wrong', () => {
    const broken = lines({ type: 'ok', op: 4, at: 1, lower: 1, upper: 1, server: 1 });
    expect(() => parseHistory(broken, 'h.ndjson')).toThrow(HistoryFileError);
    expect(() => parseHistory(broken, 'h.ndjson')).toThrow(
      'h.ndjson:2: operation 4 completes before it is invoked',
    );
    expect(() => parseHistory('{"type":"invoke"}\n', 'h.ndjson')).toThrow(
      'h.ndjson:1: expected the header',
    );
    expect(() =>
      parseHistory(
        lines({ type: 'invoke', op: 1, caller: 'c', namespace: 'a', n: 1, at: 'soon' }) + '\n\n',
        'h',
      ),
    ).toThrow('h:2: "at" must be a finite number');
    expect(() => parseHistory(header + '\nnot json\n{}\n', 'h')).toThrow('h:2: not JSON');
  });
});

describe('availability', () => {
  const op = (invokedAt: number, completedAt: number, ok = true) => ({
    caller: 'c',
    namespace: 'a',
    invokedAt,
    completedAt,
    outcome: ok
      ? { kind: 'ok' as const, lower: 1, upper: 1 }
      : { kind: 'unknown' as const, error: 't' },
  });

  it('measures the share answered, the longest gap and the failover after each fault', () => {
    const ops = [
      op(0, 5),
      op(6, 10),
      op(11, 1000, false),
      op(12, 900, false),
      op(950, 1200),
      op(1201, 1210),
    ];
    const a = availability(ops, { startMs: 0, endMs: 1300 }, [
      { index: 0, kind: 'kill', startMs: 11 },
      { index: 1, kind: 'pause', startMs: 1205 },
    ]);
    expect(a.operations).toBe(6);
    expect(a.answered).toBe(4);
    expect(a.share).toBeCloseTo(4 / 6);
    expect(a.longestGap).toEqual({ fromMs: 10, toMs: 1200 });
    // After the kill the first answer to a call made after it came at 1200; nothing was asked
    // after the pause began.
    expect(a.failovers.map((f) => f.ms)).toEqual([1189, null]);
  });

  it('takes the earliest answer after a fault, not the first call made after it', () => {
    const ops = [op(100, 900), op(101, 150), op(500, 510)];
    const a = availability(ops, { startMs: 0, endMs: 1000 }, [
      { index: 0, kind: 'loss', startMs: 100 },
    ]);
    expect(a.failovers[0]!.ms).toBe(50);
  });

  it('counts from the start and to the end when nothing was answered', () => {
    const a = availability([op(0, 50, false)], { startMs: 0, endMs: 500 });
    expect(a).toMatchObject({ answered: 0, share: 0, longestGap: { fromMs: 0, toMs: 500 } });
  });
});
