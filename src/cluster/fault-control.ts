/**
 * The faults a campaign injects inside a server process, read from a small JSON file the
 * campaign writes (`timelock serve --fault-control FILE`): `{"diskDelayMs": 200}` makes every
 * durable acceptor write 200 ms slower. A file rather than an endpoint: nothing to secure, and
 * it works the same while the process is paused. Absent or unreadable means no fault.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';

/** What the file can say. */
export interface InjectedFaults {
  readonly diskDelayMs: number;
}

const NONE: InjectedFaults = { diskDelayMs: 0 };

/** Reads the file now; malformed or absent content is no fault. */
export function readFaultControl(path: string): InjectedFaults {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<InjectedFaults> | null;
    const delay = parsed?.diskDelayMs;
    return {
      diskDelayMs: typeof delay === 'number' && delay > 0 ? Math.min(delay, 60_000) : 0,
    };
  } catch {
    return NONE;
  }
}

/** The faults `path` asks for, kept current by polling its status every `intervalMs`. */
export class FaultControl {
  private current: InjectedFaults;
  private readonly listener = () => {
    this.current = readFaultControl(this.path);
  };

  constructor(
    private readonly path: string,
    intervalMs = 50,
  ) {
    this.current = readFaultControl(path);
    watchFile(path, { interval: intervalMs, persistent: false }, this.listener);
  }

  get faults(): InjectedFaults {
    return this.current;
  }

  close(): void {
    unwatchFile(this.path, this.listener);
  }
}

/** Writes what a server's fault-control file asks for (the campaign's side). */
export function faultControlText(faults: InjectedFaults): string {
  return JSON.stringify(faults) + '\n';
}
