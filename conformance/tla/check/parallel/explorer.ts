/**
 * Breadth-first exploration on several worker threads (`-workers N`), with the counts of the
 * one-thread explorer: same distinct states, states generated and depth for a passing run, and
 * for a violation a trace as short as breadth-first search finds (not necessarily the same one,
 * as with TLC's workers).
 *
 * Why this shape (docs/engine.md, "Exploring with several workers"):
 * - level-synchronous: every worker expands the states of level k, then all wait, then level
 *   k+1. A state is then first found at its BFS level, so depth is exact, and a violation found
 *   while expanding level k has a trace of length k+1, the shortest (every state of the levels
 *   before was checked). On two cores with tens of levels, the barriers cost little;
 * - one fingerprint set in shared memory (`shared-fpset.ts`), so that a state is new for
 *   exactly one worker, which stores it and expands it in the next level;
 * - states stay in the worker that found them, unencoded; between levels the coordinator moves
 *   states from the worker with more to the one with fewer (the only states encoded, with
 *   those of an error trace, which the coordinator fetches from their owners);
 * - each worker builds the model from the files, so only states cross threads.
 *
 * Liveness needs the state graph's edges in one place: `run.ts` checks models with temporal
 * properties on one worker instead, and says so.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../threads.ts';
import { decodeStates } from '../../values/codec.ts';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { Model } from '../model.ts';
import type { CheckResult, ExploreOptions, TraceStep } from '../explorer.ts';
import { ActionCounters, ProgressMeter, summariseActions } from '../stats.ts';
import {
  type ResultBase,
  Violation,
  checkAssumptions,
  traceStep,
  violationResult,
} from '../state-checker.ts';
import { neverEnabledWarnings, reductionWarnings } from '../warnings.ts';
import {
  type Command,
  type PrintMessage,
  type Reply,
  type RunReply,
  type ShareMessage,
  type WireViolation,
  type WorkerSetup,
  errorFromWire,
} from './protocol.ts';
import { GROW_LOAD, SharedFingerprintSet } from './shared-fpset.ts';

export interface ParallelOptions extends ExploreOptions {
  /** Worker threads to explore with (at least 2; one worker is `explore`). */
  workers: number;
  /** The files the model was built from: each worker builds it again. */
  tlaFile: string;
  cfgFile: string;
  checkDeadlock?: boolean;
  /** Where the spec's Print/PrintT output goes (default: standard output). */
  print?: (line: string) => void;
}

/** Slots of the first fingerprint table; it grows fourfold whenever it is half full. */
const FIRST_CAPACITY = 1 << 20;
/** How long a worker asked to close may take before it is terminated. */
const CLOSE_TIMEOUT_MS = 5000;
/** Workers whose next levels differ by fewer states are left as they are. */
const BALANCE_SLACK = 16;

/** Explores `model` breadth-first on `opts.workers` threads; see the module comment. */
export async function exploreInParallel(model: Model, opts: ParallelOptions): Promise<CheckResult> {
  const started = Date.now();
  const w = opts.workers;
  let table = SharedFingerprintSet.create(FIRST_CAPACITY);
  let generated = 0;
  let depth = 0;
  let queueLeft = 0;
  const counters = new ActionCounters(model.actions.length);
  const base = (): ResultBase => ({
    generated,
    distinct: table.size,
    queueLeft,
    depth,
    varNames: model.varNames,
    elapsedMs: Date.now() - started,
    actionStats: summariseActions(model.actions, counters),
    warnings: reductionWarnings(model),
  });
  const failedAssumption = checkAssumptions(model, base);
  if (failedAssumption) return failedAssumption;

  const progressBuffer = new SharedArrayBuffer(2 * w * 8);
  const progress = new Float64Array(progressBuffer);
  const controlBuffer = new SharedArrayBuffer(4 * (1 + w));
  const control = new Int32Array(controlBuffer);
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const pool = Array.from(
    { length: w },
    (_, index) =>
      new WorkerLink(
        startWorker(import.meta.url, 'check-worker.mjs', new URL('./worker.ts', import.meta.url), {
          workerData: {
            tlaFile: opts.tlaFile,
            cfgFile: opts.cfgFile,
            checkDeadlock: opts.checkDeadlock,
            index,
            workers: w,
            table: table.buffers,
            progress: progressBuffer,
            control: controlBuffer,
          } satisfies WorkerSetup,
        }),
        print,
      ),
  );
  let level = 0;
  const meter = new ProgressMeter(started, opts.progressIntervalMs ?? 5000);
  const timer = opts.onProgress
    ? setInterval(() => {
        const now = Date.now();
        let sum = 0,
          queue = 0;
        for (let i = 0; i < w; i++) {
          sum += progress[i];
          queue += progress[w + i];
        }
        opts.onProgress!({
          depth: level + 1,
          generated: sum,
          distinct: table.size,
          queue,
          elapsedMs: now - started,
          statesPerSecond: meter.perSecond(sum, now),
        });
      }, opts.progressIntervalMs ?? 5000)
    : undefined;

  try {
    let advance = false;
    let newTable = false;
    let cutByDepth = false;
    for (;;) {
      const distinctBefore = table.size;
      const command: Command = {
        type: 'run',
        advance,
        ...(newTable ? { table: table.buffers } : {}),
      };
      const replies = await runLevel(pool, command, control);
      if (table.size > distinctBefore) depth = Math.max(depth, level + 1);
      generated = replies.reduce((sum, r) => sum + r.generated, 0);
      const violation = replies.find((r) => r.type === 'violation');
      if (violation) {
        queueLeft = replies.reduce((sum, r) => sum + r.left + r.next, 0);
        await addCounters(pool, counters, false);
        return await violationOutcome(model, pool, violation.violation, base());
      }
      const stopped = replies as Extract<RunReply, { type: 'stopped' }>[];
      // A full table: grow it and let the workers finish the level.
      newTable = table.fullerThan(GROW_LOAD);
      if (newTable) table = table.grown(table.capacity * 4);
      if (stopped.some((r) => r.reason === 'full')) {
        advance = false;
        continue;
      }
      const sizes = stopped.map((r) => r.next);
      const total = sizes.reduce((a, b) => a + b, 0);
      if (total === 0) break;
      level++;
      if (opts.maxDepth !== undefined && level >= opts.maxDepth) {
        cutByDepth = true;
        break;
      }
      await balance(pool, sizes);
      advance = true;
    }
    return await finalResult(model, pool, counters, base(), cutByDepth);
  } finally {
    if (timer) clearInterval(timer);
    await Promise.all(pool.map((p) => p.close()));
  }
}

/**
 * Runs `command` on every worker and waits until all have stopped. A worker that finishes its
 * share of the level early asks one still busy to share the rest of its own (through the
 * control words, which the busy worker reads between states): on two cores shared with other
 * programs, a thread that gets less time would otherwise keep the other waiting at the end of
 * every level.
 */
function runLevel(pool: WorkerLink[], command: Command, control: Int32Array): Promise<RunReply[]> {
  const replies: Array<RunReply | undefined> = new Array(pool.length).fill(undefined);
  /** Worker asked to share -> the idle worker its states go to. */
  const asked = new Map<number, number>();
  /** Workers that had too few states to share: not asked again in this level. */
  const spent = new Set<number>();
  let running = pool.length;
  return new Promise((resolve, reject) => {
    const settle = () => {
      if (running === 0 && asked.size === 0) resolve(replies as RunReply[]);
    };
    const start = (i: number, c: Command) => {
      pool[i].ask(c).then((r) => onReply(i, r as RunReply), reject);
    };
    const seekWork = (idle: number) => {
      const busy = replies.findIndex(
        (r, j) => j !== idle && r === undefined && !asked.has(j) && !spent.has(j),
      );
      if (busy < 0) return;
      asked.set(busy, idle);
      Atomics.store(control, 1 + busy, 1);
    };
    const onReply = (i: number, r: RunReply) => {
      replies[i] = r;
      running--;
      // A request the worker finished too early to see: it answered it already (before this
      // reply) or never will; either way it is closed.
      const idle = asked.get(i);
      if (idle !== undefined) {
        Atomics.store(control, 1 + i, 0);
        asked.delete(i);
        spent.add(i);
        if (replies[idle] !== undefined) seekWork(idle);
      }
      if (r.type === 'stopped' && r.reason === 'level' && Atomics.load(control, 0) === 0)
        seekWork(i);
      settle();
    };
    pool.forEach((p, j) => {
      p.onShare = (m) => {
        const idle = asked.get(j);
        if (idle === undefined) return;
        asked.delete(j);
        if (m.states && m.ids) {
          replies[idle] = undefined;
          running++;
          start(idle, { type: 'run', advance: false, adopt: { states: m.states, ids: m.ids } });
        } else {
          spent.add(j);
          seekWork(idle);
        }
        settle();
      };
    });
    pool.forEach((_, i) => start(i, command));
  });
}

/** Moves states of the next level from workers with more to workers with fewer. */
async function balance(pool: WorkerLink[], sizes: number[]): Promise<void> {
  for (;;) {
    let most = 0,
      fewest = 0;
    for (let i = 1; i < sizes.length; i++) {
      if (sizes[i] > sizes[most]) most = i;
      if (sizes[i] < sizes[fewest]) fewest = i;
    }
    const count = Math.floor((sizes[most] - sizes[fewest]) / 2);
    if (count < BALANCE_SLACK) return;
    const gift = await pool[most].ask({ type: 'give', count });
    if (gift.type !== 'gift') throw new Error(`unexpected reply ${gift.type} to give`);
    await pool[fewest].ask({ type: 'take', states: gift.states, ids: gift.ids });
    sizes[most] -= count;
    sizes[fewest] += count;
  }
}

/** Adds every worker's per-action counters to `counters`. */
async function addCounters(
  pool: WorkerLink[],
  counters: ActionCounters,
  vacuity: boolean,
): Promise<Diagnostic[][]> {
  const found: Diagnostic[][] = [];
  for (const p of pool) {
    const r = await p.ask({ type: 'finish', vacuity });
    if (r.type !== 'finished') throw new Error(`unexpected reply ${r.type} to finish`);
    for (let a = 0; a < counters.generated.length; a++) {
      counters.generated[a] += r.actionGenerated[a];
      counters.distinct[a] += r.actionDistinct[a];
    }
    counters.initialGenerated += r.initialGenerated;
    counters.initialDistinct += r.initialDistinct;
    found.push(r.vacuity);
  }
  return found;
}

/** The result of a complete (or depth-bounded) run. */
async function finalResult(
  model: Model,
  pool: WorkerLink[],
  counters: ActionCounters,
  base: ResultBase,
  cutByDepth: boolean,
): Promise<CheckResult> {
  const vacuity = await addCounters(pool, counters, !cutByDepth);
  const ok: CheckResult = {
    ...base,
    kind: 'ok',
    actionStats: summariseActions(model.actions, counters),
  };
  if (!cutByDepth) {
    // A premise is vacuous when it is false in the states of every worker.
    const key = (d: Diagnostic) => JSON.stringify(d);
    const everywhere = vacuity[0].filter((d) =>
      vacuity.every((ds) => ds.some((e) => key(e) === key(d))),
    );
    ok.warnings!.push(...neverEnabledWarnings(ok.actionStats!, ok.distinct), ...everywhere);
  }
  return ok;
}

/** The result of a run stopped by `wire`: fetches its trace from the workers that hold it. */
async function violationOutcome(
  model: Model,
  pool: WorkerLink[],
  wire: WireViolation,
  base: ResultBase,
): Promise<CheckResult> {
  const trace: TraceStep[] = [];
  for (let id = wire.at; id >= 0;) {
    const r = await pool[id % pool.length].ask({ type: 'state', id });
    if (r.type !== 'state') throw new Error(`unexpected reply ${r.type} to state`);
    trace.push(traceStep(model, decodeStates(r.state)[0], r.action));
    id = r.parent;
  }
  const v = new Violation(
    wire.kind,
    wire.property,
    wire.at,
    wire.extra ? decodeStates(wire.extra)[0] : undefined,
    wire.extraAction,
    wire.cause ? errorFromWire(wire.cause) : undefined,
    wire.phase,
  );
  return violationResult(model, v, trace.reverse(), base);
}

/**
 * A worker and its replies: each command gets one reply, in order, so pending requests are a
 * queue. A worker that fails or exits rejects everything pending (the caller then terminates
 * every worker).
 */
class WorkerLink {
  private readonly pending: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;
  /** Called with the worker's answers to requests to share. */
  onShare: (m: ShareMessage) => void = () => {};

  constructor(
    readonly worker: Worker,
    print: (line: string) => void,
  ) {
    worker.on('message', (m: Reply | PrintMessage | ShareMessage) => {
      if (m.type === 'print') return print(m.line);
      if (m.type === 'share') return this.onShare(m);
      const p = this.pending.shift();
      if (!p) return;
      if (m.type === 'failed') p.reject(new Error(`a model-checking worker failed: ${m.message}`));
      else p.resolve(m);
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`a model-checking worker exited (${code})`)));
  }

  /**
   * Ends the worker: asks it to close when it is well (a forced stop can abort the process from
   * a native module's finalizer), forces it after a failure or when it does not end in time.
   */
  async close(): Promise<void> {
    if (this.failure === undefined) {
      const ended = new Promise<boolean>((resolve) => {
        this.worker.once('exit', () => resolve(true));
        setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS).unref();
      });
      this.worker.postMessage({ type: 'close' } satisfies Command);
      if (await ended) return;
    }
    await this.worker.terminate();
  }

  ask(c: Command): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(c);
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }
}
