/**
 * Figures and tables for the reports of the cluster benchmarks (`npm run bench:cluster`,
 * `npm run bench:locks`), so that both state latency, rates and the machine the same way.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';

/** The median and 99th percentile of `latencies` (sorted in place); NaN when there are none. */
export function percentiles(latencies: number[]): { p50Ms: number; p99Ms: number } {
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The nearest-rank percentile of sorted `values`; NaN when there are none. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Columns under a header, two spaces apart, right-aligned as numbers read best; with
 * `labelled`, the first column holds labels and is left-aligned.
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  labelled = false,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    '  ' +
    cells
      .map((c, i) => (labelled && i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** A count or rate, rounded, with thousands separators. */
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Milliseconds, with more decimals when small; `-` for none. */
export const ms = (n: number) => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n.toFixed(1));

/** Prints `report` to stdout: as JSON with `json`, else as `text` makes it. */
export function printReport<R>(report: R, json: boolean, text: (report: R) => string): void {
  process.stdout.write((json ? JSON.stringify(report, null, 2) : text(report)) + '\n');
}

/** The machine a benchmark ran on: what figures need quoted with them. */
export type MachineFacts = ReturnType<typeof machineFacts>;

/**
 * The machine now, with `loadAtStart` from when the benchmark started. The load averages
 * matter because the servers, etcd and the load generator share the CPUs with whatever else
 * runs on the machine.
 */
export function machineFacts(loadAtStart: readonly number[]) {
  const cpu = cpus();
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    /** 1, 5 and 15 min load averages when the benchmark started and when it ended. */
    loadAverageAtStart: loadAtStart.map(round2),
    loadAverageAtEnd: loadavg().map(round2),
  };
}

/** A report's last lines: the machine, and what shared it (`loadGenerator`, e.g. autocannon). */
export function machineLines(m: MachineFacts, loadGenerator: string): string[] {
  return [
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}, ${m.os}`,
    `  load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')};`,
    `  the servers, etcd, ${loadGenerator} and anything else running share these CPUs.`,
  ];
}
