/**
 * Running real TLC when the user has it: `tla2tools.jar` from `TLA2TOOLS_JAR` (or one of the
 * documented default places) and `java` on the PATH (or `JAVA`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type TlcOutcome, parseTlcOutput } from './output.ts';

/** Places we look for the jar when TLA2TOOLS_JAR is not set, in order. */
export function defaultJarLocations(cwd = process.cwd()): string[] {
  return [
    join(cwd, 'tla2tools.jar'),
    join(cwd, 'tools', 'tla2tools.jar'),
    join(homedir(), '.tlaplus', 'tla2tools.jar'),
  ];
}

/** Why real TLC cannot run here, or undefined when it can. */
export class TlcUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlcUnavailable';
  }
}

/** Finds the jar and java, or explains what is missing and how to get it. */
export function locateTlc(env: NodeJS.ProcessEnv = process.env): { jar: string; java: string } {
  const jar = env.TLA2TOOLS_JAR
    ? resolve(env.TLA2TOOLS_JAR)
    : defaultJarLocations().find((p) => existsSync(p));
  if (!jar || !existsSync(jar)) {
    throw new TlcUnavailable(
      [
        env.TLA2TOOLS_JAR
          ? `TLA2TOOLS_JAR points at ${env.TLA2TOOLS_JAR}, which does not exist.`
          : 'Real TLC (tla2tools.jar) was not found.',
        "Download tla2tools.jar from the TLA+ project's releases,",
        `then set TLA2TOOLS_JAR=/path/to/tla2tools.jar, or put it at one of: ${defaultJarLocations().join(', ')}.`,
        'TLC also needs Java 11 or later on the PATH (or JAVA=/path/to/java).',
      ].join('\n'),
    );
  }
  const java = env.JAVA ?? 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new TlcUnavailable(
      `Found ${jar}, but cannot run '${java}': install Java 11+ or set JAVA=/path/to/java.`,
    );
  }
  return { jar, java };
}

export interface TlcRun extends TlcOutcome {
  exitCode: number;
  output: string;
  /** The JVM's peak resident memory, when asked for and GNU time is installed. */
  peakMiB?: number;
}

/** GNU time, which reports a child's peak resident memory. */
const GNU_TIME = '/usr/bin/time';
const PEAK_MARK = 'timelock-peak-rss-kib=';

/**
 * The class path: the jar, and CommunityModules.jar when it sits next to it (the Toolbox and
 * the VS Code extension put those modules on TLC's path too).
 */
export function classPath(jar: string): string {
  const community = join(dirname(jar), 'CommunityModules.jar');
  return existsSync(community) ? `${jar}:${community}` : jar;
}

/**
 * The JVM options we run TLC with. A large thread stack: TLC evaluates the sequence literal of
 * a long trace module (100,000 records) recursively and overflows the default stack.
 */
export const TLC_JVM_OPTIONS = ['-Xss1g', '-XX:+UseParallelGC'];

/**
 * Runs TLC on a spec and cfg with one worker (as the parity suite was recorded), or `workers`. TLC's state
 * files go to a temporary folder that is removed afterwards, and it writes no trace-explorer
 * module: the spec's folder is left as it was (-noGenerateSpecTE also keeps the names that
 * module's writer interns out of TLC's order of strings).
 */
export function runTlc(
  spec: string,
  cfg: string,
  opts: {
    deadlock?: boolean;
    env?: NodeJS.ProcessEnv;
    workers?: number;
    /** Measure the JVM's peak memory (through GNU time, when installed). */
    measurePeak?: boolean;
  } = {},
): TlcRun {
  const { jar, java } = locateTlc(opts.env);
  const metadir = mkdtempSync(join(tmpdir(), 'tlc-states-'));
  const args = [
    ...TLC_JVM_OPTIONS,
    '-cp',
    classPath(jar),
    'tlc2.TLC',
    '-workers',
    String(opts.workers ?? 1),
    '-metadir',
    metadir,
    '-noGenerateSpecTE',
    '-config',
    resolve(cfg),
    ...(opts.deadlock ? ['-deadlock'] : []),
    basename(spec),
  ];
  try {
    const timed = opts.measurePeak === true && existsSync(GNU_TIME);
    const r = spawnSync(
      timed ? GNU_TIME : java,
      timed ? ['-f', `${PEAK_MARK}%M`, java, ...args] : args,
      { cwd: dirname(resolve(spec)), encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    let stderr = r.stderr ?? '';
    let peakMiB: number | undefined;
    const mark = stderr.lastIndexOf(PEAK_MARK);
    if (timed && mark >= 0) {
      peakMiB = Math.round(Number(stderr.slice(mark + PEAK_MARK.length).trim()) / 1024);
      stderr = stderr.slice(0, mark);
    }
    const output = (r.stdout ?? '') + stderr;
    return {
      ...parseTlcOutput(output),
      exitCode: r.status ?? -1,
      output,
      ...(peakMiB !== undefined ? { peakMiB } : {}),
    };
  } finally {
    rmSync(metadir, { recursive: true, force: true });
  }
}
