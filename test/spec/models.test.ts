/**
 * The spec's models, checked with our engine: every CI-size model of spec/models.json gives its
 * recorded result, and removing a guard that matters makes a model fail.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../conformance/tla/check/run.ts';

const specDir = join(import.meta.dirname, '..', '..', 'spec');

interface ModelEntry {
  name: string;
  module: string;
  cfg: string;
  size: 'ci' | 'large';
  /** Explore only this many BFS levels (for models whose full graph is too large for CI). */
  maxDepth?: number;
  expected: {
    result: string;
    property: string | null;
    distinct: number;
    generated: number;
    depth: number;
    traceLength?: number;
  };
}

const models = JSON.parse(readFileSync(join(specDir, 'models.json'), 'utf8')) as ModelEntry[];

describe('spec/models.json', () => {
  it('lists at least one CI model and the bug-hunting model', () => {
    expect(models.some((m) => m.size === 'ci' && m.expected.result === 'ok')).toBe(true);
    expect(models.some((m) => m.expected.property === 'Agreement')).toBe(true);
  });

  it.each(models.filter((m) => m.size === 'ci'))(
    '$name gives its recorded result',
    (m) => {
      const r = checkModel(join(specDir, m.module), join(specDir, m.cfg), {
        print: () => {},
        maxDepth: m.maxDepth,
      });
      expect(r.kind).toBe(m.expected.result);
      expect(r.property ?? null).toBe(m.expected.property);
      expect(r.distinct).toBe(m.expected.distinct);
      expect(r.generated).toBe(m.expected.generated);
      expect(r.depth).toBe(m.expected.depth);
      if (m.expected.traceLength !== undefined)
        expect(r.trace?.length).toBe(m.expected.traceLength);
    },
    600_000,
  );
});

/**
 * Copies the spec to a temporary folder with `original` replaced by `mutated` in `file`, and
 * checks it with `cfg`, listing `invariants` instead of the cfg's own INVARIANTS line.
 */
function checkMutant(
  file: string,
  original: string,
  mutated: string,
  cfg: string,
  invariants: string[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'timelock-mutant-'));
  mkdirSync(join(dir, 'models'));
  for (const f of readdirSync(specDir).filter((f) => f.endsWith('.tla')))
    copyFileSync(join(specDir, f), join(dir, f));
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text, `the guard to remove is no longer in ${file}`).toContain(original);
  writeFileSync(join(dir, file), text.replace(original, mutated));
  const cfgText = readFileSync(join(specDir, cfg), 'utf8').replace(
    /^INVARIANTS .*$/m,
    `INVARIANTS ${invariants.join(' ')}`,
  );
  writeFileSync(join(dir, cfg), cfgText);
  return checkModel(join(dir, 'Timelock.tla'), join(dir, cfg), { print: () => {} });
}

describe('liveness', () => {
  it('a leader is elected under fairness, and not without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelock-live-'));
    const cfg = readFileSync(join(specDir, 'models', 'LeaderLive.cfg'), 'utf8');
    expect(cfg).toContain('SPECIFICATION FairSpec');
    writeFileSync(
      join(dir, 'NoFairness.cfg'),
      cfg.replace('SPECIFICATION FairSpec', 'SPECIFICATION Spec'),
    );
    const r = checkModel(join(specDir, 'Timelock.tla'), join(dir, 'NoFairness.cfg'), {
      print: () => {},
    });
    expect(r.kind).toBe('temporal');
    expect(r.property).toBe('EventuallyLeader');
    expect(r.lasso).toBeDefined();
  }, 120_000);
});

describe('liveness of serving', () => {
  it('a pending request is answered under fairness, and not without fairness of the timestamp service', () => {
    const r = checkMutant(
      'Timelock.tla',
      '    /\\ \\A s \\in Servers, c \\in Clients : WF_vars(TimestampStep(s, c) /\\ TimestampsFrame)\n',
      '',
      'models/RequestLive.cfg',
      ['TypeOK', 'Safety'],
    );
    expect(r.kind).toBe('temporal');
    expect(r.property).toBe('RequestsAnswered');
  }, 120_000);
});

describe('guards that matter', () => {
  it('a proposer that does not adopt the highest accepted value breaks Agreement', () => {
    const r = checkMutant(
      'Paxos.tla',
      'IN  IF voted = {} THEN own',
      'IN  IF TRUE THEN own',
      'models/PaxosCI.cfg',
      ['TypeOK', 'Agreement', 'Nontriviality'],
    );
    expect(r.kind).toBe('invariant');
    expect(r.property).toBe('Agreement');
  }, 300_000);

  it('an acceptor that accepts below its promise breaks Agreement', () => {
    const r = checkMutant(
      'Paxos.tla',
      '    /\\ AcceptMsg(L, q, b, v) \\in msgs\n    /\\ BallotLeq(acc[a][L][q].prom, b)\n',
      '    /\\ AcceptMsg(L, q, b, v) \\in msgs\n',
      'models/PaxosCI.cfg',
      ['TypeOK', 'Agreement', 'AcceptorSanity'],
    );
    expect(r.kind).toBe('invariant');
    expect(r.property).toBe('Agreement');
  }, 300_000);

  it('a range that runs past the agreed bound (instead of stopping at it) breaks WithinAgreedBound', () => {
    const r = checkMutant(
      'Timestamps.tla',
      'Min(tsvc[s][c].counter + req[c][s].count, tsvc[s][c].limit)',
      'tsvc[s][c].counter + req[c][s].count',
      'models/TimelockRanges.cfg',
      ['TypeOK', 'UniqueTimestamps', 'RealTimeOrder', 'WithinAgreedBound'],
    );
    expect(r.kind).toBe('invariant');
    expect(r.property).toBe('WithinAgreedBound');
  }, 300_000);

  it('a lock grant that takes its fencing token without using up the timestamp breaks UniqueTimestamps', () => {
    const r = checkMutant(
      'Locks.tla',
      "    /\\ tsvc' = [tsvc EXCEPT ![s][c].counter = GrantedToken(s, c)]\n",
      "    /\\ tsvc' = tsvc\n",
      'models/LocksCI.cfg',
      ['TypeOK', 'UniqueTimestamps', 'RealTimeOrder'],
    );
    expect(r.kind).toBe('invariant');
    expect(r.property).toBe('UniqueTimestamps');
  }, 300_000);
});
