/**
 * The nemesis (Jepsen's name for it): starts and heals the planned faults of a campaign on a
 * local cluster and the link proxies in front of it, and records each in the history. It
 * resolves "the leader" when a fault starts, and remembers what it did, so that healing undoes
 * exactly that, and {@link Nemesis.healAll} leaves the cluster whole whatever happened.
 */
import type { ServerId } from '../paxos/types.ts';
import { sidesOf, type PlannedFault } from './fault-schedule.ts';
import type { NemesisRecord } from './history-log.ts';
import type { LinkProxies } from './link-proxy.ts';
import type { LocalCluster } from './local-cluster.ts';

/** A fault that was started: what it did, for the history and for healing. */
export interface StartedFault {
  readonly fault: PlannedFault;
  readonly description: string;
  readonly targets: readonly ServerId[];
}

/** See the module comment. */
export class Nemesis {
  private readonly active = new Map<number, StartedFault>();

  constructor(
    private readonly cluster: LocalCluster,
    private readonly proxies: LinkProxies,
    /** Writes a nemesis record; `at` is filled in by the caller's clock. */
    private readonly record: (r: Omit<NemesisRecord, 'type' | 'at'>) => void,
  ) {}

  /** Starts `fault`. */
  async start(fault: PlannedFault): Promise<StartedFault> {
    const leader = await this.cluster.leader();
    const started = this.describe(fault, leader);
    this.active.set(fault.index, started);
    const { kind } = fault;
    const [target] = started.targets;
    this.recordPhase('start', started);
    switch (kind) {
      case 'kill':
        await this.cluster.kill(target!);
        break;
      case 'pause':
        this.cluster.pause(target!);
        break;
      case 'slow-disk':
        this.cluster.setDiskDelay(target!, fault.diskDelayMs ?? 0);
        break;
      case 'partition':
      case 'bridge':
        this.proxies.partition(sidesOf(fault, leader));
        break;
      case 'isolate':
        this.proxies.partition([
          [target!],
          [...this.cluster.urls.keys()].filter((id) => id !== target),
        ]);
        break;
      case 'delay':
        this.proxies.setAll({ delayMs: fault.delayMs ?? 0, jitterMs: fault.jitterMs ?? 0 });
        break;
      case 'loss':
        this.proxies.setAll({ loss: fault.loss ?? 0 });
        break;
    }
    return started;
  }

  /** Heals `fault` if it was started and is not healed yet. */
  async end(fault: PlannedFault): Promise<void> {
    const started = this.active.get(fault.index);
    if (started === undefined) return;
    this.active.delete(fault.index);
    const [target] = started.targets;
    switch (fault.kind) {
      case 'kill':
        await this.cluster.startServer(target!);
        break;
      case 'pause':
        this.cluster.resume(target!);
        break;
      case 'slow-disk':
        this.cluster.setDiskDelay(target!, 0);
        break;
      default:
        this.proxies.heal();
    }
    this.recordPhase('end', started);
  }

  /** Heals every fault still active (at the end of a campaign, or when it is cut short). */
  async healAll(): Promise<void> {
    for (const { fault } of [...this.active.values()]) await this.end(fault);
  }

  private recordPhase(phase: 'start' | 'end', started: StartedFault): void {
    const { fault, description, targets } = started;
    this.record({ phase, fault: fault.index, kind: fault.kind, description, targets });
  }

  private describe(fault: PlannedFault, leader: ServerId | null): StartedFault {
    const servers = [...this.cluster.urls.keys()];
    const who = (): { id: ServerId; text: string } => {
      const t = fault.target;
      if (t?.role === 'server')
        return { id: t.id, text: `server ${t.id}` + (t.id === leader ? ' (the leader)' : '') };
      // No leader known (an election is under way): the first server stands in.
      if (leader === null)
        return { id: servers[0]!, text: `server ${servers[0]} (no leader known)` };
      return { id: leader, text: `server ${leader} (the leader)` };
    };
    const seconds = `${(fault.durationMs / 1000).toFixed(1)} s`;
    const ms = `for ${seconds}`;
    switch (fault.kind) {
      case 'kill': {
        const w = who();
        return {
          fault,
          targets: [w.id],
          description: `kill -9 ${w.text}, restart after ${seconds}`,
        };
      }
      case 'pause': {
        const w = who();
        return { fault, targets: [w.id], description: `SIGSTOP ${w.text} ${ms}` };
      }
      case 'slow-disk': {
        const w = who();
        return {
          fault,
          targets: [w.id],
          description: `every durable write of ${w.text} ${fault.diskDelayMs} ms slower ${ms}`,
        };
      }
      case 'isolate': {
        const w = who();
        return {
          fault,
          targets: [w.id],
          description: `isolate ${w.text} from every other server ${ms}`,
        };
      }
      case 'partition':
      case 'bridge': {
        const sides = sidesOf(fault, leader);
        const text = sides.map((s) => `{${s.join(',')}}`).join(' | ');
        const what =
          fault.kind === 'bridge'
            ? `bridge ${text} (server ${sides[0]!.at(-1)} in both)`
            : `partition ${text}`;
        return { fault, targets: sides[0]!, description: `${what} ${ms}` };
      }
      case 'delay':
        return {
          fault,
          targets: servers,
          description: `delay every server-to-server message ${fault.delayMs} ms + up to ${fault.jitterMs} ms ${ms}`,
        };
      case 'loss':
        return {
          fault,
          targets: servers,
          description: `lose ${Math.round((fault.loss ?? 0) * 100)}% of server-to-server messages ${ms}`,
        };
    }
  }
}
