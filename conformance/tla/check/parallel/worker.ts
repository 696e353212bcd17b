/**
 * A worker thread of the parallel explorer. It builds the model itself from the spec and cfg
 * (parsing and compiling are deterministic, so every worker has the same sub-actions in the same
 * order), then expands the states of one BFS level at a time when the coordinator says so.
 *
 * States stay where they were found: a new state goes to this worker's store (for traces) and
 * to its share of the next level, so most states never cross threads. Only states moved to
 * balance the workers, and the states of an error trace, are encoded. A state's global id is
 * `local index * workers + worker`, so the owner of any id is known.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Value } from '../../values/value.ts';
import { decodeStates, encodeStates } from '../../values/codec.ts';
import { EvalError } from '../../values/errors.ts';
import { loadModel } from '../run.ts';
import { StateChecker, Violation } from '../state-checker.ts';
import { vacuityWarnings } from '../warnings.ts';
import {
  type Command,
  type PrintMessage,
  type Reply,
  type RunReply,
  type ShareMessage,
  type WorkerSetup,
  errorToWire,
} from './protocol.ts';
import { PAUSE_LOAD, SharedFingerprintSet } from './shared-fpset.ts';

const port = parentPort;
if (port === null) throw new Error('check/parallel/worker.ts runs as a worker thread only');
const setup = workerData as WorkerSetup;
const { index, workers } = setup;

const model = loadModel(setup.tlaFile, setup.cfgFile, {
  checkDeadlock: setup.checkDeadlock,
  print: (line) => port.postMessage({ type: 'print', line } satisfies PrintMessage),
});
const progress = new Float64Array(setup.progress);
const control = new Int32Array(setup.control);
/** A worker with fewer states left than this keeps them when asked to share. */
const MIN_SHARE = 32;
let table = new SharedFingerprintSet(setup.table);

/** Every state this worker found, by local index, with how it was reached (for traces). */
const stored: Value[][] = [];
const parent: number[] = [];
const viaAction: number[] = [];
/** The level being expanded (0: the initial states are being generated). */
let level = 0;
let frontier: Value[][] = [];
let frontierIds: number[] = [];
let pos = 0;
/** Whether the initial states were generated (level 0). */
let initialised = false;
let next: Value[][] = [];
let nextIds: number[] = [];

const checker = new StateChecker(model, (s, from, actionIdx, h1, h2) => {
  if (!table.add(h1, h2)) return -1;
  const id = stored.length * workers + index;
  stored.push(s);
  parent.push(from);
  viaAction.push(actionIdx);
  next.push(s);
  nextIds.push(id);
  return id;
});

/**
 * Answers a request to share, if there is one: posts the second half of the states of the level
 * not expanded yet (they leave this worker's frontier), or none.
 */
function shareIfAsked(): void {
  if (Atomics.exchange(control, 1 + index, 0) === 0) return;
  const left = frontier.length - pos;
  if (left < MIN_SHARE) {
    port!.postMessage({ type: 'share' } satisfies ShareMessage);
    return;
  }
  const keep = frontier.length - (left >> 1);
  const message: ShareMessage = {
    type: 'share',
    states: encodeStates(frontier.slice(keep)),
    ids: Float64Array.from(frontierIds.slice(keep)),
  };
  frontier.length = keep;
  frontierIds.length = keep;
  port!.postMessage(message);
}

/** Expands the rest of the current level; see {@link Command} `run`. */
function run(advance: boolean): RunReply {
  const reply = expandLevel(advance);
  // A request that came too late to be served: answer it before the reply.
  shareIfAsked();
  return reply;
}

function expandLevel(advance: boolean): RunReply {
  if (advance) {
    level++;
    frontier = next;
    frontierIds = nextIds;
    next = [];
    nextIds = [];
    pos = 0;
  }
  const stats = model.runtime.stats;
  try {
    if (!initialised) {
      // Worker 0 generates the initial states (once, so that Print in Init prints once); the
      // coordinator then shares them out as it balances every level.
      initialised = true;
      if (index === 0) for (const s of checker.initialStates()) checker.considerInitial(s);
    }
    while (pos < frontier.length) {
      if (table.fullerThan(PAUSE_LOAD)) return stopped('full');
      if (Atomics.load(control, 0) !== 0) return stopped('halted');
      if (Atomics.load(control, 1 + index) !== 0) shareIfAsked();
      const id = frontierIds[pos];
      const cur = frontier[pos++];
      stats.level = level;
      stats.distinct = table.size;
      stats.generated = checker.generated;
      stats.queue = frontier.length - pos;
      stats.diameter = level + 1;
      checker.expand(cur, id);
      progress[index] = checker.generated;
      progress[workers + index] = frontier.length - pos;
    }
  } catch (e) {
    if (!(e instanceof Violation)) throw e;
    Atomics.store(control, 0, 1);
    return {
      type: 'violation',
      violation: {
        kind: e.kind,
        property: e.property,
        at: e.at,
        extra: e.extra ? encodeStates([e.extra as Value[]]) : undefined,
        extraAction: e.extraAction,
        cause: e.cause ? errorToWire(e.cause) : undefined,
        phase: e.phase,
      },
      generated: checker.generated,
      left: frontier.length - pos,
      next: next.length,
    };
  }
  return stopped('level');
}

function stopped(reason: 'level' | 'full' | 'halted'): RunReply {
  progress[index] = checker.generated;
  return {
    type: 'stopped',
    reason,
    generated: checker.generated,
    left: frontier.length - pos,
    next: next.length,
  };
}

function answer(c: Exclude<Command, { type: 'close' }>): Reply {
  switch (c.type) {
    case 'run':
      if (c.table) table = new SharedFingerprintSet(c.table);
      if (c.adopt) {
        // This worker's own states of the level are all expanded: take over the shared ones.
        frontier = decodeStates(c.adopt.states);
        frontierIds = Array.from(c.adopt.ids);
        pos = 0;
      }
      return run(c.advance);
    case 'give': {
      const keep = next.length - c.count;
      const states = encodeStates(next.slice(keep));
      const ids = Float64Array.from(nextIds.slice(keep));
      next.length = keep;
      nextIds.length = keep;
      return { type: 'gift', states, ids };
    }
    case 'take':
      for (const s of decodeStates(c.states)) next.push(s);
      for (const id of c.ids) nextIds.push(id);
      return { type: 'taken' };
    case 'state': {
      const local = (c.id - index) / workers;
      return {
        type: 'state',
        state: encodeStates([stored[local]]),
        parent: parent[local],
        action: viaAction[local],
      };
    }
    case 'finish': {
      const { counters } = checker;
      return {
        type: 'finished',
        generated: checker.generated,
        actionGenerated: counters.generated,
        actionDistinct: counters.distinct,
        initialGenerated: counters.initialGenerated,
        initialDistinct: counters.initialDistinct,
        vacuity: c.vacuity ? vacuityWarnings(model, stored) : [],
      };
    }
  }
}

port.on('message', (c: Command) => {
  // Ending by itself, rather than by terminate(), lets native modules (the parser's) clean up
  // as they expect: a forced stop can abort the whole process from one of their finalizers.
  if (c.type === 'close') return port.close();
  let reply: Reply;
  try {
    reply = answer(c);
  } catch (e) {
    // An evaluation error escaping the checker, or a bug: the coordinator stops every worker.
    const error = e as Error;
    reply = {
      type: 'failed',
      message: e instanceof EvalError ? e.message : String(error?.message ?? e),
      stack: error?.stack,
    };
  }
  port.postMessage(reply);
});
