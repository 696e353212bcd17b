import fc from 'fast-check';
import { validateRun } from './conformance/replay/index.ts';
import { simulationStreams } from './src/cli/pipeline.ts';
import { runSimulation } from './src/sim/simulation.ts';
import { arbitraryRun, PROPERTY_SEED } from './test/src/support/arbitrary-runs.ts';
import { CoverageTally } from './conformance/replay/coverage.ts';
const N = Number(process.argv[2] ?? 200);
const probe = process.argv[3] === 'probe';
const configs = fc.sample(arbitraryRun({ minSteps: 100, maxSteps: 400, trace: true }), { seed: PROPERTY_SEED, numRuns: N });
let sim = 0, rep = 0, events = 0;
const tally = new CoverageTally();
for (const c of configs) {
  const t0 = performance.now();
  const result = runSimulation(c);
  const streams = simulationStreams(result);
  const t1 = performance.now();
  const r = validateRun(streams, { step: c.boundStep, servers: c.servers, ...(probe ? tally.replayOptions() : {}) });
  rep += performance.now() - t1; sim += t1 - t0; events += r.events;
  if (!r.ok) console.log('FAIL', JSON.stringify(c).slice(0, 200));
}
console.log({ N, sim: Math.round(sim), rep: Math.round(rep), events });
