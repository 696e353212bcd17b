/**
 * Steps of an error trace named by the action that took them, with its arguments, rather than
 * by TLC's sub-action of Next (`<Next line 29, ...>`); `--full` keeps TLC's labels.
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReadable, formatTlc } from '../../../../conformance/tla/check/report.ts';
import { checkModel } from '../../../../conformance/tla/check/run.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const fixtures = relative(process.cwd(), join(import.meta.dirname, '..', 'fixtures', 'step-names'));
const spec = join(fixtures, 'Dispatch.tla');
const cfg = join(fixtures, 'Dispatch.cfg');

const result = () => checkModel(spec, cfg, { print: () => {} });

describe('naming the steps of an error trace', () => {
  it('names the innermost guarded action that made every change, with its arguments', () => {
    const r = result();
    expect(r.kind).toBe('invariant');
    expect(r.trace!.map((s) => s.name)).toEqual([
      undefined,
      // Not Send([type |-> "prepare", bal |-> 1]): a helper without a guard of its own.
      'Propose(1)',
      // Not Handle(2, [...]): the dispatcher's changes all come from Promise.
      'Promise(2, 1)',
      // TLC's split entered Tick already: its own name, not that of its guard Ready.
      'Tick',
    ]);
    // Where each is defined.
    expect(r.trace!.slice(1).map((s) => s.nameLoc?.line)).toEqual([17, 12, 25]);
  });

  it('prints the names in the readable trace and keeps TLC labels with --full', () => {
    const r = result();
    const readable = formatReadable(r);
    expect(readable).toContain(`State 3: <Promise(2, 1) ${spec}:12:1>`);
    const tlc = formatTlc(r);
    expect(tlc).toContain('State 3: <Next line 30, col 6 to line 30, col 47 of module Dispatch>');
    expect(tlc).not.toContain('Promise(2, 1)');
  });

  it('gives each step its name in the --json stream, beside TLC’s label', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin', 'timelock.js'), 'check', '--json', '-config', cfg, spec],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const violation = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; trace?: Array<Record<string, unknown>> })
      .find((r) => r.type === 'violation');
    expect(violation?.trace?.[2]).toMatchObject({
      action: 'Next',
      name: 'Promise(2, 1)',
      nameLocation: `${spec}:12:1`,
    });
  });

  it('names a Paxos step of the Timelock spec as the issue asks: Promise(a, L, q, b)', () => {
    const r = checkModel(
      join(root, 'spec', 'Timelock.tla'),
      join(root, 'spec', 'models', 'PaxosBug.cfg'),
      { print: () => {} },
    );
    const names = r.trace!.map((s) => s.name);
    expect(names).toContain('Promise(1, "leader", 1, <<1, 1>>)');
    expect(names).toContain('Accept(1, "leader", 1, <<1, 1>>, [leader |-> 1])');
    // TLC's label is all of Next for these steps.
    expect(r.trace![2]!.action).toBe('Next');
  });
});
