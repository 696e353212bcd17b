/**
 * Error traces as people read them: state 1 in full, then only what each step changed, with
 * the action and its place; lassos marked where the loop starts. `--full` keeps TLC's text.
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReadable, formatTlc } from '../../../../conformance/tla/check/report.ts';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { expectGolden } from '../../../support/golden.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const fixtures = relative(process.cwd(), join(import.meta.dirname, '..', 'fixtures', 'output'));

function check(name: string) {
  return checkModel(join(fixtures, `${name}.tla`), join(fixtures, `${name}.cfg`), {
    print: () => {},
  });
}

/** Elapsed time is the only part of a report that varies between runs. */
const stable = (text: string) => text.replace(/^Finished in .*$/m, 'Finished in <elapsed>');

describe('readable error traces', () => {
  it('shows an invariant violation as state 1 and then only the changes', () => {
    const r = check('Ballots');
    expect(r.kind).toBe('invariant');
    expectGolden('trace-output/invariant.txt', stable(formatReadable(r)));
  });

  it('reports a set element added as one +{...}, although it sorts before the others', () => {
    const text = formatReadable(check('Ballots'));
    const state2 = text.slice(text.indexOf('State 2:'), text.indexOf('State 3:'));
    // The new message prints first in the set, so a line diff of TLC's text would show
    // the whole set as changed; by value, one element was added.
    expect(state2).toContain('  msgs: +{[type |-> "1a", bal |-> 1]}\n');
    expect(state2).not.toContain('2a');
  });

  it('follows functions and records to the field that changed', () => {
    const text = formatReadable(check('Ballots'));
    const state4 = text.slice(text.indexOf('State 4:'));
    expect(state4).toContain('  acc[a1].promised: 0 -> 2\n');
    expect(state4).toContain('  acc[a1].voted: +{2}\n');
    expect(state4).not.toContain('a2');
  });

  it('names each action with its parameters and file:line:col', () => {
    const text = formatReadable(check('Ballots'));
    expect(text).toContain(`State 4: <Promise(a1, 2) ${join(fixtures, 'Ballots.tla')}:21:3>`);
  });

  it('marks where a liveness loop starts and says where the behaviour returns', () => {
    const r = check('Cycle');
    expect(r.lasso?.backTo).toBe(2);
    expectGolden('trace-output/lasso.txt', stable(formatReadable(r)));
  });

  it('marks a behaviour that ends by stuttering forever', () => {
    const r = check('Stutter');
    expect(r.lasso?.stuttering).toBe(true);
    expectGolden('trace-output/stuttering.txt', stable(formatReadable(r)));
  });

  it('keeps the TLC-style text, every variable of every state, for --full', () => {
    expectGolden('trace-output/full.txt', stable(formatTlc(check('Ballots'))));
    expectGolden('trace-output/full-lasso.txt', stable(formatTlc(check('Cycle'))));
  });
});

describe('timelock check', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), 'check', ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
  const ballots = ['--config', join(fixtures, 'Ballots.cfg'), join(fixtures, 'Ballots.tla')];

  it('prints the readable trace by default and the TLC text with --full', () => {
    const readable = run(...ballots);
    expect(readable.status).toBe(12);
    // Everything but the elapsed time, which differs between the two runs.
    const [report] = formatReadable(check('Ballots')).split('Finished in');
    expect(readable.stdout).toContain(report);

    const full = run('--full', ...ballots);
    expect(full.status).toBe(12);
    expect(full.stdout).toContain(
      'State 4: <Promise(a1,2) line 21, col 3 to line 25, col 20 of module Ballots>\n' +
        '/\\ msgs = {[type |-> "1a", bal |-> 1], [type |-> "1b", bal |-> 2], [type |-> "2a", bal |-> 9]}\n',
    );
    expect(full.stdout).not.toContain('acc[a1].promised');
  });
});
