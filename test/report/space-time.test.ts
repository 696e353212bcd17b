/**
 * What the space-time diagrams are built from, without a browser: lanes, arrows read off the
 * vector clocks, client lanes, the lanes of a spec trace, and the errors for inputs that
 * cannot be drawn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTraceFile } from '../../conformance/replay/trace-input.ts';
import { spaceTimeOfViolation } from '../../report/space-time/from-check.ts';
import { spaceTimeOfTraces } from '../../report/space-time/from-traces.ts';
import { spaceTimeHtml } from '../../report/space-time/html.ts';
import { loadSpaceTime, ReportInputError } from '../../report/space-time/load.ts';

const root = join(import.meta.dirname, '..', '..');
const knownRun = join(import.meta.dirname, 'fixtures', 'known-run');
const dir = mkdtempSync(join(tmpdir(), 'space-time-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `timelock ARGS` and returns its result (status, stdout, stderr). */
const timelock = (args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

const streams = () =>
  ['server-1.ndjson', 'server-2.ndjson'].map((f) => readTraceFile(join(knownRun, f)));

describe('space-time diagrams of traces', () => {
  it('draws each delivery that brought news as an arrow from its send', () => {
    const d = spaceTimeOfTraces(streams());
    expect(d.lanes).toEqual(['server 1', 'server 2']);
    expect(d.steps.map((s) => s.label)).toEqual([
      'ProposeLeadership(1, 1, 1)',
      'Promise(1, "leader", 1, <<1, 1>>)',
      'Promise(2, "leader", 1, <<1, 1>>)',
      'SendLeaderAccept(1, 1, <<1, 1>>)',
      'Accept(2, "leader", 1, <<1, 1>>, [leader |-> 1])',
      'Learn(1, "leader", 1, [leader |-> 1])',
    ]);
    // ProposeLeadership -> Promise at 2 -> SendLeaderAccept -> Accept at 2 -> Learn at 1.
    expect(d.arrows).toEqual([
      { from: 0, to: 2 },
      { from: 2, to: 3 },
      { from: 3, to: 4 },
      { from: 4, to: 5 },
    ]);
    expect(d.steps[1]!.changes).toEqual([
      'acc[leader][1] = [prom |-> <<1, 1>>, bal |-> <<0, 0>>, val |-> null]',
    ]);
  });

  it('stops at the failing event and marks it', () => {
    const d = spaceTimeOfTraces(streams(), {
      upTo: 5,
      failure: { index: 5, summary: 'not enabled', details: 'why' },
    });
    expect(d.steps).toHaveLength(5);
    expect(d.failure).toEqual({ step: 4, summary: 'not enabled', details: 'why' });
  });

  it('gives clients lanes, with their requests and answers as messages', () => {
    const traces = join(dir, 'sim');
    const r = timelock([
      'simulate',
      '--seed',
      '3',
      '--servers',
      '2',
      '--clients',
      '1',
      '--steps',
      '400',
      '--trace-dir',
      traces,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const d = loadSpaceTime([traces]);
    expect(d.lanes).toEqual(['server 1', 'server 2', 'client c1']);
    const client = 2;
    const asks = d.steps.filter((s) => s.lane === client && s.label.startsWith('asks for'));
    const requests = d.steps.filter((s) => s.label.startsWith('Request('));
    expect(asks.length).toBe(requests.length);
    // Every client step is joined to a server step by an arrow.
    const joined = new Set(d.arrows.flatMap((a) => [a.from, a.to]));
    d.steps.forEach((s, i) => {
      if (s.lane === client) expect(joined.has(i)).toBe(true);
    });
  });
});

describe('faults beside the traces', () => {
  it('shades the crashes and partitions a simulated run wrote beside its traces', () => {
    const traces = join(dir, 'faulty');
    const r = timelock([
      'simulate',
      '--seed',
      '4',
      '--servers',
      '3',
      '--steps',
      '3000',
      '--schedule',
      'crash:1@500+200;partition:1/2,3@1000+300',
      '--trace-dir',
      traces,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const d = loadSpaceTime([traces]);
    expect(d.periods.map((p) => p.label)).toEqual(['server 1 down', 'partition {1} | {2,3}']);
    for (const p of d.periods) expect(p.fromStep).toBeLessThanOrEqual(p.toStep);
    // The crash's restart is inside its period.
    const restart = d.steps.findIndex((s) => s.crash);
    expect(restart).toBeGreaterThanOrEqual(d.periods[0]!.fromStep);
    expect(restart).toBeLessThanOrEqual(d.periods[0]!.toStep + 1);
  });
});

describe('space-time diagrams of spec traces', () => {
  const step = (name: string | undefined, index: number) => ({
    index,
    action: 'Next',
    location: null,
    ...(name ? { name } : {}),
    state: { x: '0' },
    changes: [],
  });
  const violation = (names: Array<string | undefined>) => ({
    type: 'violation' as const,
    kind: 'invariant',
    property: 'Inv',
    message: null,
    diagnostic: { summary: 'invariant Inv is violated', values: [{ name: 'x', value: '2' }] },
    trace: [step(undefined, 1), ...names.map((n, i) => step(n, i + 2))],
  });

  it('lanes the steps by their first argument when it names a process', () => {
    const d = spaceTimeOfViolation(
      violation([
        'Promise(a1, [type |-> "1a", bal |-> 1])',
        'Accept(a2, <<1, 2>>)',
        'Promise(a1, 2)',
      ]),
      'run.ndjson',
    );
    expect(d.lanes).toEqual(['initial state', 'a1', 'a2']);
    expect(d.steps.map((s) => s.lane)).toEqual([0, 1, 2, 1]);
    expect(d.failure).toMatchObject({ step: 3, summary: 'invariant Inv is violated' });
    expect(d.failure!.details).toContain('x = 2');
  });

  it('keeps one lane when a step names no process', () => {
    const d = spaceTimeOfViolation(violation(['Send("leader", 1)', 'Tick']), 'run.ndjson');
    expect(d.lanes).toEqual(['behaviour']);
  });
});

describe('inputs that cannot be drawn', () => {
  it('name the file and what was expected', () => {
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello\n');
    expect(() => loadSpaceTime([notJson])).toThrow(ReportInputError);
    expect(() => loadSpaceTime([notJson])).toThrow(
      /notes\.txt: not something to draw: expected the output of "timelock check --json"/,
    );
    const passing = join(dir, 'ok.ndjson');
    writeFileSync(
      passing,
      '{"type":"start","version":1}\n{"type":"end","version":1,"result":"ok"}\n',
    );
    expect(() => loadSpaceTime([passing])).toThrow(/found no error, so there is no trace to draw/);
    expect(() => loadSpaceTime([join(dir, 'missing.json')])).toThrow(
      /missing\.json: no such file or folder/,
    );
  });

  it('exit 2 from the command, and the page escapes what it shows', () => {
    const r = timelock(['report', join(dir, 'missing.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('missing.json: no such file or folder');
    const html = spaceTimeHtml({
      title: 'a </script><script>alert(1)</script>',
      source: 'x',
      lanes: ['s'],
      steps: [{ lane: 0, label: '</script><b>', changes: [] }],
      arrows: [],
      periods: [],
      notes: [],
    });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).not.toContain('</script><b>');
  });
});
