/** The shapes the model-checking benchmarks share: a model to run, and what one run measured. */

/** What the model must report (TLC's counts). */
export interface Expected {
  result: string;
  distinct: number;
  generated: number;
  depth: number;
}

/** A case of a manifest of TLC's recorded results (../shared/tlc-perf, ../shared/tlc-corpus). */
export interface RecordedCase extends Expected {
  case: string;
  module: string;
  config: string;
}

/** A model of the benchmark, with TLC's recorded time and memory when known. */
export interface BenchModel {
  name: string;
  spec: string;
  cfg: string;
  large: boolean;
  maxDepth?: number;
  expected: Expected;
  tlcSeconds?: number;
  tlcPeakMiB?: number;
}

/** One run of the engine on a model. */
export interface Run {
  seconds: number;
  peakMiB: number;
  result: string;
  distinct: number;
  generated: number;
  depth: number;
}
