import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');

function timelock(args: string[], cwd = root, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('timelock check', () => {
  it('accepts TLC flags and prints TLC summary lines on success', () => {
    const r = timelock([
      'check',
      '-workers',
      '1',
      '-config',
      'spec/examples/BoundedCounter.cfg',
      'spec/examples/BoundedCounter.tla',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Model checking completed. No error has been found.');
    expect(r.out).toMatch(
      /^\d+ states generated, \d+ distinct states found, 0 states left on queue\.$/m,
    );
    expect(r.out).toMatch(/^The depth of the complete state graph search is \d+\.$/m);
  });

  it('runs from another folder, finding the cfg next to the spec', () => {
    const r = timelock(['check', '--full', join(fixtures, 'Lamp.tla')], tmpdir());
    expect(r.code).toBe(12);
    expect(r.out).toContain('Error: Invariant Small is violated.');
    expect(r.out).toContain('State 4: <Next line 6, col 9 to line 6, col 18 of module Lamp>');
    expect(r.out).toContain('n = 3');
  });

  it('reports a deadlock unless -deadlock is given', () => {
    expect(timelock(['check', join(fixtures, 'Stuck.tla')]).code).toBe(11);
    const r = timelock(['check', '-deadlock', join(fixtures, 'Stuck.tla')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 states generated, 3 distinct states found');
  });

  it('writes NDJSON records with --json, and nothing else on stdout', () => {
    const r = timelock(['check', join(fixtures, 'Lamp.tla'), '--json']);
    expect(r.code).toBe(12);
    const records = r.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((x) => x.type)).toEqual(['start', 'violation', 'coverage', 'end']);
    expect(records.find((x) => x.type === 'violation')).toMatchObject({
      version: 1,
      kind: 'invariant',
      property: 'Small',
    });
    expect(records.at(-1)).toMatchObject({
      result: 'invariant',
      distinct: 4,
      depth: 4,
      exitCode: 12,
    });
    const trace = records.find((x) => x.type === 'violation').trace;
    expect(trace.map((s: { state: { n: string } }) => s.state.n)).toEqual(['0', '1', '2', '3']);
  });

  it('names file, line and column of an unknown identifier, without a stack trace', () => {
    const r = timelock(['check', join(fixtures, 'Typo.tla')]);
    expect(r.code).toBe(150);
    expect(r.err).toContain(`${join(fixtures, 'Typo.tla')}:5:14: unknown identifier 'm'`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('refuses a temporal formula TLC refuses too, saying so (never a false success)', () => {
    const r = timelock(['check', join(fixtures, 'Live.tla')]);
    expect(r.code).toBe(151);
    expect(r.err).toContain(
      'PROPERTY Stable: Temporal formulas containing actions must be of forms <>[]A or []<>A',
    );
  });

  it('explains a missing cfg file', () => {
    const r = timelock([
      'check',
      join(fixtures, 'Lamp.tla'),
      '--config',
      join(fixtures, 'Nope.cfg'),
    ]);
    expect(r.code).toBe(151);
    expect(r.err).toContain('Nope.cfg');
  });
});

describe('timelock check --engine', () => {
  const diners = join(
    root,
    'test',
    'conformance',
    'tla',
    'fixtures',
    'parity',
    '30-deadlock',
    'Diners.tla',
  );
  const tlcOutputs = join(root, 'test', 'conformance', 'tlc', 'fixtures');

  /** A stand-in for java that prints a recorded TLC run. */
  function fakeTlc(recorded: string): NodeJS.ProcessEnv {
    const dir = mkdtempSync(join(tmpdir(), 'fake-tlc-'));
    const java = join(dir, 'java');
    writeFileSync(
      java,
      `#!/bin/sh\nif [ "$1" = "-version" ]; then exit 0; fi\ncat ${join(tlcOutputs, recorded)}\nexit 11\n`,
    );
    chmodSync(java, 0o755);
    writeFileSync(join(dir, 'tla2tools.jar'), '');
    return { ...process.env, JAVA: java, TLA2TOOLS_JAR: join(dir, 'tla2tools.jar') };
  }

  it('says how to get TLC when there is none', () => {
    const r = timelock(['check', '--engine', 'tlc', diners], root, {
      ...process.env,
      TLA2TOOLS_JAR: '/nonexistent/tla2tools.jar',
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('TLA2TOOLS_JAR points at /nonexistent/tla2tools.jar');
  });

  it('both: agrees with TLC on the deadlock case, and fails when TLC says otherwise', () => {
    const agree = timelock(['check', '--engine', 'both', diners], root, fakeTlc('30-deadlock.txt'));
    expect(agree.out).toMatch(/^distinct states\s+ours 14\s+TLC 14$/m);
    expect(agree.out).toContain('The engines agree.');
    expect(agree.code, 'agreeing on a deadlock still exits with its code').toBe(11);
    const disagree = timelock(
      ['check', '--engine', 'both', diners],
      root,
      fakeTlc('01-arith-naturals.txt'),
    );
    expect(disagree.out).toContain('The engines DISAGREE');
    expect(disagree.code).toBe(1);
  });
});

describe('timelock parity', () => {
  it('prints a row per case and the closing counts, failing on a mismatch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-'));
    cpSync(fixtures, join(dir, 'lamp'), { recursive: true });
    cpSync(fixtures, join(dir, 'lamp-wrong'), { recursive: true });
    cpSync(fixtures, join(dir, 'live'), { recursive: true });
    const base = {
      module: 'Lamp.tla',
      config: 'Lamp.cfg',
      tlcArgs: [],
      result: 'invariant',
      property: 'Small',
      generated: 4,
      traceLength: 4,
      scope: 'safety',
    };
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([
        { ...base, case: 'lamp', distinct: 4, depth: 4 },
        { ...base, case: 'lamp-wrong', distinct: 5, depth: 4 },
        {
          ...base,
          case: 'live',
          module: 'Live.tla',
          config: 'Live.cfg',
          result: 'ok',
          property: null,
          scope: 'temporal',
          distinct: 4,
          depth: 4,
        },
      ]),
    );
    const r = timelock(['parity', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^PASS\s+lamp\s/m);
    expect(r.out).toMatch(/^FAIL\s+lamp-wrong\s+distinct 4 \(TLC: 5\)/m);
    expect(r.out).toMatch(/^FAIL\s+live\s+.*Temporal formulas containing actions/m);
    expect(r.out).toMatch(/^1 passed, 2 failed, 0 skipped$/m);
  });
});
