/**
 * A server's durable state in one SQLite database in its data folder: the acceptor records and
 * every acceptance (the spec's `acc[a]`, {@link AcceptorStorage}), the values it learned, and
 * its fresh-number counter (the spec's `fresh[s]`, {@link IdSource}).
 *
 * Durability. WAL journal with `synchronous = FULL`: a write returns once it is on disk, and
 * each state change is one transaction, committed before the message or answer that depends on
 * it leaves the process (the callers save, then send).
 *
 * One process per folder. The database is opened in SQLite's exclusive locking mode and locked
 * at once, so a second process on the same folder is refused while the first runs; the lock is
 * the operating system's, so a process killed with `kill -9` leaves none behind.
 *
 * Nothing is silently started empty. A folder with no database gets a new one, stamped with
 * this application's id, its schema version and the server it belongs to. A database that is
 * not SQLite, is truncated or corrupt, belongs to another application or schema, or to another
 * server, stops the open with a {@link DataFolderError} that says which and where.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sameBallot } from '../paxos/ballot.ts';
import {
  EMPTY_ACCEPTOR,
  type AcceptorRecord,
  type Ballot,
  type LogName,
  type LogValue,
  type Seq,
  type ServerId,
} from '../paxos/types.ts';
import type { Acceptance, AcceptorStorage, IdSource } from '../ports.ts';

/** The database file inside a data folder. */
export const DATABASE_FILE = 'timelock.sqlite';

/** SQLite's `application_id` for our databases ("TLck"): tells ours from other SQLite files. */
const APPLICATION_ID = 0x544c636b;
/** The schema this code reads and writes (SQLite's `user_version`). */
const SCHEMA_VERSION = 1;

/** Why a data folder cannot be used; the message names the folder and what to do. */
export class DataFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly reason: 'in-use' | 'not-a-database' | 'corrupt' | 'foreign' | 'other-server',
    message: string,
  ) {
    super(`data folder ${folder}: ${message}`);
    this.name = 'DataFolderError';
  }
}

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE acceptor (
    log TEXT NOT NULL, seq INTEGER NOT NULL,
    prom_n INTEGER NOT NULL, prom_id INTEGER NOT NULL,
    bal_n INTEGER NOT NULL, bal_id INTEGER NOT NULL,
    val TEXT,
    PRIMARY KEY (log, seq)) STRICT;
  CREATE TABLE acceptance (
    log TEXT NOT NULL, seq INTEGER NOT NULL,
    bal_n INTEGER NOT NULL, bal_id INTEGER NOT NULL,
    val TEXT NOT NULL,
    PRIMARY KEY (log, seq, bal_n, bal_id)) STRICT;
  CREATE TABLE learned (
    log TEXT NOT NULL, seq INTEGER NOT NULL, val TEXT NOT NULL,
    PRIMARY KEY (log, seq)) STRICT;
  CREATE TABLE fresh (only INTEGER PRIMARY KEY CHECK (only = 1), last INTEGER NOT NULL) STRICT;
  INSERT INTO fresh VALUES (1, 0);
`;

interface AcceptorRow {
  prom_n: number;
  prom_id: number;
  bal_n: number;
  bal_id: number;
  val: string | null;
}

/** One server's durable state, open for the life of the process (see the module comment). */
export class SqliteStore implements AcceptorStorage, IdSource {
  private readonly db: Database.Database;
  private readonly statements;
  /** The last fresh number handed out; the database holds the last one reserved. */
  private lastIssued: number;
  private reserved: number;

  private constructor(
    readonly folder: string,
    db: Database.Database,
    private readonly freshBlock: number,
  ) {
    this.db = db;
    this.statements = {
      load: db.prepare<[LogName, Seq], AcceptorRow>(
        'SELECT prom_n, prom_id, bal_n, bal_id, val FROM acceptor WHERE log = ? AND seq = ?',
      ),
      save: db.prepare(
        'INSERT OR REPLACE INTO acceptor VALUES (@log, @seq, @prom_n, @prom_id, @bal_n, @bal_id, @val)',
      ),
      accept: db.prepare(
        'INSERT OR IGNORE INTO acceptance VALUES (@log, @seq, @bal_n, @bal_id, @val)',
      ),
      latest: db.prepare<[LogName], { q: Seq | null }>(
        'SELECT max(seq) AS q FROM acceptor WHERE log = ? AND (prom_n <> 0 OR prom_id <> 0)',
      ),
      // Oldest first within a sequence: rowids follow insertion.
      acceptances: db.prepare<
        [LogName, LogName, Seq, number],
        { seq: Seq; bal_n: number; bal_id: number; val: string }
      >(
        `SELECT seq, bal_n, bal_id, val FROM acceptance WHERE log = ? AND seq IN
           (SELECT DISTINCT seq FROM acceptance WHERE log = ? AND seq >= ? ORDER BY seq LIMIT ?)
         ORDER BY seq, rowid`,
      ),
      learn: db.prepare('INSERT OR IGNORE INTO learned VALUES (?, ?, ?)'),
      learnedOf: db.prepare<[LogName], { seq: Seq; val: string }>(
        'SELECT seq, val FROM learned WHERE log = ? ORDER BY seq',
      ),
      reserve: db.prepare<[number], { last: number }>(
        'UPDATE fresh SET last = last + ? RETURNING last',
      ),
      lastId: db.prepare<[], { last: number }>('SELECT last FROM fresh'),
    };
    this.reserved = this.statements.lastId.get()!.last;
    this.lastIssued = this.reserved;
  }

  /**
   * Opens (or creates) the data folder of server `server`. Throws {@link DataFolderError} when
   * the folder is used by another process or holds a database that is not one of ours, not
   * whole, or another server's.
   *
   * `freshBlock`: fresh numbers are reserved durably this many at a time, so that most are
   * handed out without a disk write; a restart starts after the last block reserved, skipping
   * what was left of it (numbers must never repeat; they need not be consecutive).
   */
  static open(folder: string, server: ServerId, freshBlock = 1): SqliteStore {
    mkdirSync(folder, { recursive: true });
    const file = join(folder, DATABASE_FILE);
    const existed = existsSync(file) && statSync(file).size > 0;
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 0 });
    } catch (e) {
      throw new DataFolderError(folder, 'not-a-database', `cannot open ${file}: ${message(e)}`);
    }
    try {
      lockExclusively(db, folder, file);
      if (existed) checkWhole(db, folder, file, server);
      else create(db, server);
      return new SqliteStore(folder, db, freshBlock);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Closes the database (and releases the folder). */
  close(): void {
    this.db.close();
  }

  // --- AcceptorStorage -----------------------------------------------------------------------

  load(log: LogName, seq: Seq): AcceptorRecord {
    const row = this.statements.load.get(log, seq);
    if (row === undefined) return EMPTY_ACCEPTOR;
    return {
      prom: [row.prom_n, row.prom_id],
      bal: [row.bal_n, row.bal_id],
      val: row.val === null ? null : (JSON.parse(row.val) as LogValue),
    };
  }

  save(log: LogName, seq: Seq, record: AcceptorRecord): void {
    this.db.transaction(() => {
      const before = this.load(log, seq);
      const val = record.val === null ? null : JSON.stringify(record.val);
      this.statements.save.run({
        log,
        seq,
        prom_n: record.prom[0],
        prom_id: record.prom[1],
        bal_n: record.bal[0],
        bal_id: record.bal[1],
        val,
      });
      if (record.val !== null && !sameBallot(record.bal, before.bal)) {
        this.statements.accept.run({ log, seq, bal_n: record.bal[0], bal_id: record.bal[1], val });
      }
    })();
  }

  latestTouched(log: LogName): Seq {
    return this.statements.latest.get(log)?.q ?? 0;
  }

  acceptancesFrom(log: LogName, from: Seq, limit: number): Acceptance[] {
    return this.statements.acceptances.all(log, log, from, limit).map((row) => ({
      seq: row.seq,
      bal: [row.bal_n, row.bal_id] as Ballot,
      val: JSON.parse(row.val) as LogValue,
    }));
  }

  // --- Learned values --------------------------------------------------------------------------

  /** Records durably that value `val` was learned for (log, seq); a second record is ignored. */
  learn(log: LogName, seq: Seq, val: LogValue): void {
    this.statements.learn.run(log, seq, JSON.stringify(val));
  }

  /** Every value learned, log by log and by sequence, ascending. */
  learnedValues(): Array<{ log: LogName; seq: Seq; val: LogValue }> {
    return this.db
      .prepare<[], { log: LogName; seq: Seq; val: string }>(
        'SELECT log, seq, val FROM learned ORDER BY log, seq',
      )
      .all()
      .map((row) => ({ log: row.log, seq: row.seq, val: JSON.parse(row.val) as LogValue }));
  }

  /** Whether the server ever stored anything: a promise, a learned value or a fresh number. */
  hasState(): boolean {
    const row = this.db
      .prepare<[], { n: number }>(
        `SELECT (SELECT count(*) FROM acceptor) + (SELECT count(*) FROM learned)
              + (SELECT last FROM fresh) AS n`,
      )
      .get();
    return (row?.n ?? 0) > 0;
  }

  /** The values learned in `log`, by sequence, ascending. */
  learned(log: LogName): Array<{ seq: Seq; val: LogValue }> {
    return this.statements.learnedOf
      .all(log)
      .map((row) => ({ seq: row.seq, val: JSON.parse(row.val) as LogValue }));
  }

  // --- IdSource --------------------------------------------------------------------------------

  next(): number {
    if (this.lastIssued >= this.reserved) {
      this.reserved = this.statements.reserve.get(
        this.lastIssued + this.freshBlock - this.reserved,
      )!.last;
    }
    return ++this.lastIssued;
  }

  last(): number {
    return this.lastIssued;
  }

  /**
   * Hands out again the numbers after `last`, if it is below the last one handed out. Only for
   * a server whose trace shows that the numbers after `last` were taken but never recorded, so
   * never used in a message: the trace and the counter then agree again (see
   * ../cluster/boot.ts). The reservation on disk stays as it is.
   */
  rewindFresh(last: number): void {
    this.lastIssued = Math.min(this.lastIssued, Math.max(0, last));
  }
}

/** Takes SQLite's exclusive lock now, so that a second process is refused at open. */
function lockExclusively(db: Database.Database, folder: string, file: string): void {
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // A write transaction takes the lock, and exclusive mode keeps it until close.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (e) {
    if (isBusy(e)) {
      throw new DataFolderError(
        folder,
        'in-use',
        `${file} is in use by another process (one server per data folder; stop the other one first)`,
      );
    }
    if (isNotADatabase(e)) {
      throw new DataFolderError(
        folder,
        'not-a-database',
        `${file} is not an SQLite database (${message(e)}); refusing to start rather than start empty`,
      );
    }
    throw new DataFolderError(folder, 'corrupt', `${file} cannot be opened: ${message(e)}`);
  }
}

/** Checks that an existing database is whole, ours, of this schema and this server's. */
function checkWhole(db: Database.Database, folder: string, file: string, server: ServerId): void {
  let verdict: string;
  try {
    verdict = String(db.pragma('quick_check', { simple: true }));
  } catch (e) {
    throw new DataFolderError(
      folder,
      isNotADatabase(e) ? 'not-a-database' : 'corrupt',
      `${file} is damaged (${message(e)}); refusing to start rather than start empty`,
    );
  }
  if (verdict !== 'ok')
    throw new DataFolderError(
      folder,
      'corrupt',
      `${file} failed SQLite's integrity check (${verdict}); refusing to start rather than start empty`,
    );
  const app = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  if (app !== APPLICATION_ID)
    throw new DataFolderError(
      folder,
      'foreign',
      `${file} is an SQLite database of another application (application_id ${app}), not a Timelock data folder`,
    );
  if (version !== SCHEMA_VERSION)
    throw new DataFolderError(
      folder,
      'foreign',
      `${file} has schema version ${version}; this program reads version ${SCHEMA_VERSION}`,
    );
  const owner = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'server'")
    .get()?.value;
  if (owner !== String(server))
    throw new DataFolderError(
      folder,
      'other-server',
      `${file} belongs to server ${owner ?? '(none recorded)'}, not to server ${server}`,
    );
}

function create(db: Database.Database, server: ServerId): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    db.prepare("INSERT INTO meta VALUES ('server', ?)").run(String(server));
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function isNotADatabase(e: unknown): boolean {
  return (e as { code?: string }).code === 'SQLITE_NOTADB';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
