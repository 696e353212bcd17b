/**
 * Booting a real server on what a crash left behind: the trace and the data folder are made to
 * agree (an acceptor record the trace holds but the crash kept from the database is redone;
 * fresh numbers taken but never recorded are taken back), a trace that does not belong to the
 * folder is refused, and the trace file continues where it stopped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BootError, bootState, type BootedState } from '../../../src/cluster/boot.ts';
import { SqliteStore } from '../../../src/storage/sqlite-store.ts';
import { TRACE_VERSION, type TraceHeader } from '../../../src/trace/events.ts';
import { readTraceFile, TraceFileError } from '../../../src/trace/trace-file.ts';

const folders: string[] = [];
const booted: BootedState[] = [];
afterEach(() => {
  for (const b of booted.splice(0)) {
    b.trace?.close();
    b.store.close();
  }
});
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'boot-'));
  folders.push(f);
  return f;
}
function boot(dir: string, trace: string, self = 1): BootedState {
  const b = bootState(join(dir, 'data'), self, trace);
  booted.push(b);
  return b;
}

const header: TraceHeader = {
  trace: 'timelock',
  version: TRACE_VERSION,
  server: 1,
  servers: 3,
  step: 5,
};
const line = (o: unknown) => JSON.stringify(o) + '\n';
const event = (action: string, params: object, vc: number[], changes: object = {}) =>
  line({ action, params, server: 1, vc, time: 0, changes });

describe('booting a server on its data folder and trace', () => {
  it('redoes the acceptor record the trace holds, takes back unrecorded fresh numbers, and reports held requests', () => {
    const dir = folder();
    const trace = join(dir, 'trace.ndjson');
    const first = boot(dir, trace);
    first.store.save('leader', 1, { prom: [1, 2], bal: [0, 0], val: null });
    [1, 2, 3, 4].forEach(() => first.store.next());
    first.trace!.close();
    first.store.close();
    booted.length = 0;
    writeFileSync(
      trace,
      line(header) +
        event('Promise', { a: 1, L: 'leader', q: 1, b: [1, 2] }, [1, 0, 0], {
          acc: { leader: { 1: { prom: [1, 2], bal: [0, 0], val: null } } },
        }) +
        event('CheckLeadership', { s: 1 }, [2, 0, 0], { fresh: 2 }) +
        event('Request', { c: 'ns', s: 1, n: 3 }, [3, 0, 0]) +
        // the crash came after this event was written and before its record was stored
        event('Promise', { a: 1, L: 'leader', q: 2, b: [2, 3] }, [4, 1, 0], {
          acc: { leader: { 2: { prom: [2, 3], bal: [0, 0], val: null } } },
        }) +
        '{"action":"Pong","par', // and a write cut off by a power loss
    );

    const second = boot(dir, trace);
    expect(second.store.load('leader', 2)).toEqual({ prom: [2, 3], bal: [0, 0], val: null });
    expect(second.store.last()).toBe(2);
    expect(second.previousRun).toMatchObject({
      events: 4,
      lastClock: [4, 1, 0],
      fresh: 2,
      heldRequests: ['ns'],
      volatileStateSet: false,
    });
    expect(second.previousRun!.droppedTail).toBeGreaterThan(0);
    expect(readFileSync(trace, 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuses a trace that is new for a folder with state, or written for another server', () => {
    const dir = folder();
    const data = join(dir, 'data');
    const store = SqliteStore.open(data, 1);
    store.next();
    store.close();
    expect(() => boot(dir, join(dir, 'new.ndjson'))).toThrow(BootError);
    expect(() => boot(dir, join(dir, 'new.ndjson'))).toThrow(/whole life/);

    const other = join(dir, 'other.ndjson');
    writeFileSync(other, line({ ...header, server: 2 }));
    expect(() => boot(dir, other)).toThrow(/trace of server 2, not of server 1/);
  });

  it('refuses to continue a trace written with another configuration', () => {
    const dir = folder();
    const trace = join(dir, 'trace.ndjson');
    writeFileSync(trace, line(header));
    const b = boot(dir, trace);
    expect(() => b.trace!.header({ ...header, step: 6 })).toThrow(TraceFileError);
    expect(() => b.trace!.header(header)).not.toThrow();
    expect(readFileSync(trace, 'utf8')).toBe(line(header));
  });

  it('names the file and line of a trace line that is not JSON', () => {
    const dir = folder();
    const trace = join(dir, 'trace.ndjson');
    writeFileSync(trace, line(header) + 'not json\n');
    expect(() => readTraceFile(trace)).toThrow(/trace\.ndjson:2: not JSON/);
  });
});
