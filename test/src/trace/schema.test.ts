import { traceEvents } from '../../../src/trace/ndjson.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/sim/faults.ts';
import { DEFAULT_SIMULATION, runSimulation } from '../../../src/sim/simulation.ts';
import { SPEC_ACTIONS } from '../../../src/trace/events.ts';
import { TRACE_EVENT_SCHEMA } from '../../../src/trace/schema.ts';
import { validate } from '../../../src/trace/validate.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const specText = ['Paxos', 'Election', 'Timestamps', 'Locks', 'Timelock']
  .map((m) => readFileSync(join(root, 'spec', `${m}.tla`), 'utf8'))
  .join('\n');

const sampleEvents = () =>
  runSimulation({
    ...DEFAULT_SIMULATION,
    steps: 3000,
    batch: 3,
    lockClients: 3,
    boundStep: 5,
    faults: parseFaults('loss=0.1,dup=0.05,crash=0.005'),
    trace: true,
  }).traces!.flatMap((lines) => traceEvents(lines) as unknown as Record<string, unknown>[]);

describe('trace events and the spec', () => {
  it.each(Object.entries(SPEC_ACTIONS))(
    '%s has the parameters the spec gives it',
    (name, params) => {
      const definition = new RegExp(`^${name}\\(([^)]*)\\) ==`, 'm').exec(specText);
      expect(definition, `${name} is not defined in spec/*.tla`).not.toBeNull();
      expect(definition![1]!.split(',').map((p) => p.trim())).toEqual(Object.keys(params));
    },
  );

  it("covers every action of the spec's Next", () => {
    const timelock = readFileSync(join(root, 'spec', 'Timelock.tla'), 'utf8');
    const next = timelock.slice(
      timelock.indexOf('HandleMessage(s, m) =='),
      timelock.indexOf('Spec =='),
    );
    const called = new Set([...next.matchAll(/\b([A-Z][A-Za-z]*)\(/g)].map((m) => m[1]!));
    for (const wrapper of ['HandleMessage', 'TimestampStep']) called.delete(wrapper);
    expect([...called].sort()).toEqual(Object.keys(SPEC_ACTIONS).sort());
  });
});

describe('trace event schema', () => {
  it('accepts every event the simulator writes, and the run uses every action', () => {
    const events = sampleEvents();
    for (const e of events) expect(validate(TRACE_EVENT_SCHEMA, e)).toEqual([]);
    const used = new Set(events.map((e) => e.action));
    expect([...used].sort()).toEqual(Object.keys(SPEC_ACTIONS).sort());
  });

  it('rejects events that break it, saying where', () => {
    const valid = sampleEvents().find((e) => e.action === 'Promise')!;
    const broken = (patch: Record<string, unknown>) =>
      validate(TRACE_EVENT_SCHEMA, { ...valid, ...patch });
    expect(broken({ action: 'Prepare' })).toEqual([
      { path: '/', message: 'matches none of the alternatives' },
    ]);
    expect(broken({ params: { a: 1, L: 'leader', q: 0, b: [1, 1] } })).toEqual([
      { path: '/params/q', message: '0 is below 1' },
    ]);
    expect(broken({ params: { a: 1, L: 'leader', q: 1 } })).toEqual([
      { path: '/params', message: 'missing "b"' },
    ]);
    expect(broken({ vc: [1.5, 0, 0] })[0]?.path).toBe('/vc/0');
    expect(broken({ vc: [] })[0]?.path).toBe('/vc');
    expect(broken({ clock: 1 })).toEqual([{ path: '/clock', message: 'not allowed here' }]);
    expect(broken({ extra: true })).toEqual([{ path: '/extra', message: 'not allowed here' }]);
    expect(broken({ reset: ['learned'] })).toEqual([
      { path: '/reset', message: 'not allowed here' },
    ]);
    const badAcc = { acc: { leader: { x: { prom: [1, 1], bal: [0, 0], val: null } } } };
    expect(broken({ changes: badAcc })[0]?.path).toBe('/changes/acc/leader/x');
    expect(broken({ changes: { learned: { leader: { 1: 2 } } } })[0]?.path).toBe(
      '/changes/learned/leader/1',
    );
    expect(broken({ changes: { fresh: -1 } })[0]?.path).toBe('/changes/fresh');
    expect(broken({ changes: { state: {} } })[0]?.path).toBe('/changes/state');
    expect(broken({ changes: {} })).toEqual([]);
  });

  it('gives reset to Restart events alone, naming the variables a restart loses', () => {
    const events = sampleEvents();
    const restarts = events.filter((e) => e.action === 'Restart');
    expect(restarts.length).toBeGreaterThan(0);
    for (const e of restarts) expect(e.reset).toEqual(['learned', 'tsvc', 'locks']);
    expect(events.filter((e) => 'reset' in e)).toHaveLength(restarts.length);
    const restart = restarts[0]!;
    expect(validate(TRACE_EVENT_SCHEMA, { ...restart, reset: ['acc'] })[0]?.path).toBe('/reset/0');
  });

  it('is checked in as trace-event.schema.json, generated from the event types', async () => {
    const file = join(root, 'src', 'trace', 'trace-event.schema.json');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    const text = await prettier.format(JSON.stringify(TRACE_EVENT_SCHEMA), options);
    await expect(text).toMatchFileSnapshot(file);
  });
});
