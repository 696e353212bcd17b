/**
 * A server's data folder in SQLite: what was saved survives closing and reopening; one process
 * per folder (a second is refused while the first runs, and admitted once it is killed with
 * SIGKILL); a damaged, foreign or other server's database stops the open with a clear error
 * and is left exactly as it was, never replaced by an empty one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { leaderValue } from '../../../src/paxos/types.ts';
import { DATABASE_FILE, DataFolderError, SqliteStore } from '../../../src/storage/sqlite-store.ts';

const folders: string[] = [];
const open: SqliteStore[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  open.splice(0).forEach((s) => s.close());
  children.splice(0).forEach((c) => c.kill('SIGKILL'));
});
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
  folders.push(f);
  return f;
}
function openStore(dir: string, server = 1): SqliteStore {
  const s = SqliteStore.open(dir, server);
  open.push(s);
  return s;
}
function refusal(dir: string, server = 1): DataFolderError {
  try {
    openStore(dir, server);
  } catch (e) {
    expect(e).toBeInstanceOf(DataFolderError);
    expect((e as Error).message).toContain(dir);
    return e as DataFolderError;
  }
  throw new Error('the open was not refused');
}
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A child process that opens `dir` as server 1 and holds it until killed. */
function holder(dir: string): Promise<ChildProcess> {
  const script = `
    import { SqliteStore } from ${JSON.stringify(join(process.cwd(), 'src/storage/sqlite-store.ts'))};
    SqliteStore.open(${JSON.stringify(dir)}, 1);
    process.stdout.write('open\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the child did not open the folder in 20 s')),
      20_000,
    );
    child.stdout!.on('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (${code}) before opening the folder`));
    });
  });
}

describe('SqliteStore', () => {
  it('keeps acceptor records, acceptances, learned values and fresh numbers across reopening', () => {
    const dir = folder();
    const a = openStore(dir);
    a.save('leader', 1, { prom: [2, 1], bal: [2, 1], val: leaderValue(1) });
    a.save('c1', 3, { prom: [4, 7], bal: [0, 0], val: null });
    a.learn('leader', 1, leaderValue(1));
    a.learn('leader', 1, leaderValue(2)); // a second record for (log, seq) changes nothing
    expect([a.next(), a.next(), a.next()]).toEqual([1, 2, 3]);
    a.close();
    open.splice(open.indexOf(a), 1);

    const b = openStore(dir);
    expect(b.load('leader', 1)).toEqual({ prom: [2, 1], bal: [2, 1], val: { leader: 1 } });
    expect(b.load('c1', 3)).toEqual({ prom: [4, 7], bal: [0, 0], val: null });
    expect(b.acceptancesFrom('leader', 1, 5)).toEqual([
      { seq: 1, bal: [2, 1], val: { leader: 1 } },
    ]);
    expect(b.latestTouched('c1')).toBe(3);
    expect(b.learned('leader')).toEqual([{ seq: 1, val: { leader: 1 } }]);
    // Fresh numbers never repeat across a restart.
    expect(b.last()).toBe(3);
    expect(b.next()).toBe(4);
  });

  it('reserves fresh numbers in blocks: a restart skips the rest of a block, never repeats', () => {
    const dir = folder();
    const a = SqliteStore.open(dir, 1, 100);
    const before = Array.from({ length: 150 }, () => a.next());
    expect(before).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    a.close();
    const b = openStore(dir);
    expect(b.last()).toBe(200);
    expect(b.next()).toBe(201);
    b.rewindFresh(150); // a trace that recorded up to 150 takes the rest back
    expect(b.next()).toBe(151);
    b.rewindFresh(400); // never forwards
    expect(b.last()).toBe(151);
  });

  it('refuses a second opener in the same process while the folder is open', () => {
    const dir = folder();
    openStore(dir);
    expect(refusal(dir).reason).toBe('in-use');
  });

  it('refuses another process while one holds the folder, and admits it after kill -9', async () => {
    const dir = folder();
    const child = await holder(dir);
    const error = refusal(dir);
    expect(error.reason).toBe('in-use');
    expect(error.message).toMatch(/in use by another process/);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(openStore(dir).last()).toBe(0);
  }, 30_000);

  it('refuses a file that is not a database, and leaves it as it was', () => {
    const dir = folder();
    const file = join(dir, DATABASE_FILE);
    writeFileSync(file, 'these are not the bytes of an SQLite database\n'.repeat(200));
    const before = digest(file);
    expect(refusal(dir).reason).toBe('not-a-database');
    expect(digest(file)).toBe(before);
  });

  it('refuses a truncated database rather than start empty', () => {
    const dir = folder();
    const store = openStore(dir);
    for (let q = 1; q <= 500; q++)
      store.save('c1', q, { prom: [q, 1], bal: [q, 1], val: { bound: q, pid: 1 } });
    store.close();
    open.splice(open.indexOf(store), 1);
    const file = join(dir, DATABASE_FILE);
    const size = readFileSync(file).length;
    truncateSync(file, Math.floor(size / 2));
    const before = digest(file);
    expect(['corrupt', 'not-a-database']).toContain(refusal(dir).reason);
    expect(digest(file)).toBe(before);
  });

  it("refuses another application's SQLite database, and another server's folder", () => {
    const dir = folder();
    const other = new Database(join(dir, DATABASE_FILE));
    other.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');");
    other.close();
    const error = refusal(dir);
    expect(error.reason).toBe('foreign');
    expect(error.message).toMatch(/another application/);

    const mine = folder();
    openStore(mine, 2).close();
    open.pop();
    const wrong = refusal(mine, 3);
    expect(wrong.reason).toBe('other-server');
    expect(wrong.message).toMatch(/belongs to server 2, not to server 3/);
    expect(openStore(mine, 2).last()).toBe(0);
  });
});
