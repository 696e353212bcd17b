/**
 * The temporary files of one exploration under a memory limit, in a folder of their own.
 *
 * The explorer runs synchronously, so a JavaScript handler for Ctrl-C or SIGTERM would only run
 * after the exploration ended: cleaning up from a signal handler is not an option. Instead each
 * file is opened, then at once unlinked, and the folder removed as soon as every file is open:
 * the open descriptors keep the data reachable, and the operating system frees it when the
 * process ends, however it ends (also kill -9). Where an open file cannot be unlinked (Windows),
 * the files stay visible until {@link SpillDir.close}, which the explorer calls in a `finally`.
 */
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SpillDir {
  /** Where the files were created (gone from the file system early where it can be). */
  readonly path: string;
  private readonly fds: number[] = [];
  private readonly visible: string[] = [];
  private closed = false;

  /** Creates a fresh folder `timelock-fpmem-*` in `parent` (default: the system's temp folder). */
  constructor(parent: string = tmpdir()) {
    this.path = mkdtempSync(join(parent, 'timelock-fpmem-'));
  }

  /** Opens a new empty file for reading and writing; call {@link seal} once all are open. */
  open(name: string): number {
    const file = join(this.path, name);
    const fd = openSync(file, 'w+');
    this.fds.push(fd);
    try {
      unlinkSync(file);
    } catch {
      this.visible.push(file);
    }
    return fd;
  }

  /** No more files will be opened: the folder goes now unless a file could not be unlinked. */
  seal(): void {
    if (this.visible.length === 0) this.removeFolder();
  }

  /** Closes every file and removes what is left of the folder. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds) {
      try {
        closeSync(fd);
      } catch {
        // Already closed: nothing to free.
      }
    }
    this.removeFolder();
  }

  private removeFolder(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
