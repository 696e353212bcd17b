import { traceEvents } from '../../../src/trace/ndjson.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TRACE_ACCEPTED_WHEN_VIOLATED,
  writeTlcTraceCheck,
  type TlcTraceCheck,
} from '../../../conformance/replay/emit-tlc.ts';
import { mergeCausally, validateRun, type RunReport } from '../../../conformance/replay/index.ts';
import { constantsFor } from '../../../conformance/replay/replay-model.ts';
import { engineTraceVerdict, tlcTraceVerdict } from '../../../conformance/replay/trace-verdict.ts';
import { parseModule } from '../../../conformance/tla/index.ts';
import { parseFaults } from '../../../src/sim/faults.ts';
import { DEFAULT_SIMULATION, runSimulation } from '../../../src/sim/simulation.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { ALL_FAULTS, asStreams, copyRun, firstEvent } from './support.ts';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * 3 servers, 2 timestamp clients and 2 lock clients, every fault kind, batches of up to 3: every
 * kind of step, locks included, reaches TLC.
 */
const STEP = 3;
function faultyRun(): TraceEvent[][] {
  const result = runSimulation({
    ...DEFAULT_SIMULATION,
    seed: 3,
    steps: 1500,
    servers: 3,
    clients: 2,
    lockClients: 2,
    batch: 3,
    boundStep: STEP,
    faults: parseFaults(ALL_FAULTS),
    trace: true,
  });
  return result.traces!.map(traceEvents);
}

/** Writes the TLC trace check of a run into a fresh temporary folder. */
function emit(perServer: readonly (readonly TraceEvent[])[]): TlcTraceCheck {
  const dir = mkdtempSync(join(tmpdir(), 'emit-tlc-'));
  folders.push(dir);
  const streams = asStreams(perServer);
  const constants = constantsFor(
    streams.flatMap((s) => [...s.events]),
    { step: STEP, minServers: perServer.length },
  );
  return writeTlcTraceCheck(mergeCausally(streams), constants, dir);
}

const replay = (perServer: readonly (readonly TraceEvent[])[]): RunReport =>
  validateRun(asStreams(perServer), { step: STEP });

/** The first Serve, answering with a range one above what the server handed out. */
function servedShifted(run: TraceEvent[][]): TraceEvent[][] {
  const mutated = copyRun(run);
  const serve = firstEvent(mutated, (e) => e.action === 'Serve');
  const e = serve.event as Extract<TraceEvent, { action: 'Serve' }>;
  mutated[serve.server][serve.position] = {
    ...e,
    served: [e.served![0] + 1, e.served![1] + 1],
  } as TraceEvent;
  return mutated;
}

const jar = process.env.TLA2TOOLS_JAR;
const withTlc = jar ? it : it.skip;
if (!jar)
  console.log(
    'emit-tlc.test.ts: the stock-TLC checks are skipped: set TLA2TOOLS_JAR to a tla2tools.jar to run them',
  );

describe('validate --emit-tlc: a trace module that stock TLC and our engine check alike', () => {
  const baseline = faultyRun();
  const accepted = emit(baseline);
  const shifted = servedShifted(baseline);
  const rejected = emit(shifted);

  it('writes modules that parse, and a cfg with the replay constants and the clients', () => {
    for (const file of [accepted.moduleFile, accepted.dataFile, ...accepted.specFiles])
      expect(() => parseModule(readFileSync(file, 'utf8'), file)).not.toThrow();
    const cfg = readFileSync(accepted.cfgFile, 'utf8');
    expect(cfg).toMatch(/^ {2}Step = 3$/m);
    expect(cfg).toMatch(/^ {2}MaxBatch = 3$/m);
    expect(cfg).toMatch(/^ {2}c2 = c2$/m);
    expect(cfg).toMatch(/^ {2}Holders = \{"[0-9a-f]{32}"/m);
    expect(cfg).toMatch(/^ {2}Descriptors = \{"a"/m);
    expect(cfg).toMatch(/^INIT TraceInit$/m);
    expect(cfg).toMatch(
      new RegExp(`^INVARIANTS TypeOK Safety ${TRACE_ACCEPTED_WHEN_VIOLATED}$`, 'm'),
    );
    const module = readFileSync(accepted.moduleFile, 'utf8');
    // Every step of Next is selectable by the event's action name; outputs come from outputs.ts.
    expect(module).toContain(
      '\\/ e.action = "Promise" /\\ Promise(e.params.a, e.params.L, e.params.q, e.params.b) /\\ PaxosFrame',
    );
    expect(module).toContain(
      '/\\ e.action = "Serve" => ServedRange(e.params.s, e.params.c) = e.servedLogged\n',
    );
  });

  it('names no field of an event like a symbol of the spec (SANY would lint for hours)', () => {
    // SANY's linter compares each record with a field named like a declared symbol against
    // every record of the spec: on a 100,000-event trace module, hours before checking starts.
    const symbols = new Set<string>();
    for (const file of accepted.specFiles) {
      for (const unit of parseModule(readFileSync(file, 'utf8'), file).units) {
        if ('name' in unit && unit.name) symbols.add(unit.name);
        if (unit.k === 'variables' || unit.k === 'constants')
          unit.decls.forEach((d) => symbols.add(d.name));
      }
    }
    expect(symbols).toContain('served');
    const data = readFileSync(accepted.dataFile, 'utf8');
    const fields = new Set([...data.matchAll(/([A-Za-z_][A-Za-z0-9_]*) \|->/g)].map((m) => m[1]));
    expect(fields).toContain('servedLogged');
    expect([...fields].filter((f) => symbols.has(f))).toEqual([]);
  });

  it('our engine accepts the real trace: every event matched, as the replay says', () => {
    expect(replay(baseline).ok).toBe(true);
    expect(accepted.events).toBeGreaterThan(500);
    expect(engineTraceVerdict(accepted)).toMatchObject({
      accepted: true,
      matched: accepted.events,
    });
  });

  it('our engine rejects a wrong served range where the replay does', () => {
    const report = replay(shifted);
    expect(report.ok).toBe(false);
    expect(report.failure!.closest[0].diff[0].variable).toBe('served');
    expect(engineTraceVerdict(rejected)).toMatchObject({
      accepted: false,
      matched: report.matched,
    });
  });

  withTlc('stock TLC accepts the real trace (3 servers, 2 clients, every fault kind)', () => {
    const verdict = tlcTraceVerdict(accepted);
    expect(verdict.problem, verdict.output).toBeUndefined();
    expect(verdict).toMatchObject({ accepted: true, matched: accepted.events });
  });

  withTlc('stock TLC rejects the wrong served range at the same event as our engine', () => {
    const verdict = tlcTraceVerdict(rejected);
    expect(verdict.problem, verdict.output).toBeUndefined();
    expect(verdict).toMatchObject({ accepted: false, matched: replay(shifted).matched });
  });
});
