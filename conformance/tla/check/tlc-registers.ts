/**
 * What TLCGet and TLCSet see while a model is checked: the statistics and the run's settings TLC
 * exposes under reserved names ("level", "stats", "config", ...), and the registers a spec sets.
 */
import { EvalError } from '../values/errors.ts';
import { StrValue, type Value, recordOf, str } from '../values/value.ts';
import { printValue } from '../values/print.ts';
import type { SearchStats } from '../eval/runtime.ts';

/** The run's settings, as `TLCGet("config")` reports them. */
export interface RunSettings {
  mode: 'bfs' | 'simulate';
  workers: number;
  /** Whether deadlock is checked (TLC's -deadlock turns it off). */
  checkDeadlock: boolean;
  /** The simulation seed, when there is one. */
  seed?: number;
}

export interface TlcRegisters {
  tlcGet(key: Value): Value;
  tlcSet(key: Value, v: Value): void;
}

export function tlcRegisters(stats: SearchStats, settings: () => RunSettings): TlcRegisters {
  const registers = new Map<string, Value>();
  const seconds = () => Math.floor((Date.now() - stats.startedMs) / 1000);
  // Field order as TLC prints these records.
  const named: Record<string, () => Value> = {
    level: () => stats.level,
    distinct: () => stats.distinct,
    generated: () => stats.generated,
    queue: () => stats.queue,
    diameter: () => stats.diameter,
    duration: seconds,
    stats: () =>
      recordOf([
        ['worker', 0],
        ['duration', seconds()],
        ['generated', stats.generated],
        ['diameter', stats.diameter],
        ['distinct', stats.distinct],
        ['queue', stats.queue],
      ]),
    config: () => {
      const s = settings();
      return recordOf([
        ['mode', str(s.mode)],
        ['deadlock', s.checkDeadlock],
        ['seed', str(String(s.seed ?? 0))],
        // TLC's fingerprint polynomial; this engine has one fixed 64-bit hash.
        ['fingerprint', str('0')],
        ['worker', s.workers],
      ]);
    },
  };
  return {
    tlcGet: (key) => {
      if (key instanceof StrValue && Object.hasOwn(named, key.text)) return named[key.text]();
      const k = printValue(key);
      const v = registers.get(k);
      if (v === undefined)
        throw new EvalError(`TLCGet(${k}): no value was set with TLCSet(${k}, ...)`);
      return v;
    },
    tlcSet: (key, v) => {
      registers.set(printValue(key), v);
    },
  };
}
