import { closeSync, openSync, readSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { StoreError } from "../store-error.js";

/** The schema this code writes. A file with a higher version came from a newer Baton. */
export const schemaVersion = 1;

/**
 * Version 1. Runs are split in two: `runs` holds the small summary fields that change
 * (status, owner, heartbeat), `run_inputs` the large ones written once (input,
 * definition, metadata), so a heartbeat or status update rewrites a small row. Events are
 * clustered by (run_id, seq) in a WITHOUT ROWID table: an append touches one leaf page
 * (one WAL frame per transaction) however long the run is, and reading a run's log is a
 * range scan.
 */
const schemaV1 = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  parent_id TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  owner TEXT,
  heartbeat_at INTEGER,
  error TEXT,
  output TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs (created_at);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, created_at);
CREATE INDEX IF NOT EXISTS runs_by_parent ON runs (parent_id, created_at);
CREATE TABLE IF NOT EXISTS run_inputs (
  run_id TEXT PRIMARY KEY,
  input TEXT,
  definition TEXT,
  metadata TEXT
);
CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  input TEXT,
  trigger TEXT NOT NULL,
  timezone TEXT,
  paused INTEGER NOT NULL,
  next_fire_at INTEGER,
  last_fire_at INTEGER,
  catch_up INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  metadata TEXT
);
CREATE INDEX IF NOT EXISTS schedules_by_next ON schedules (next_fire_at);
`;

/**
 * Added within version 1, additively: agents' cached model responses (`cache: { store }`).
 * `CREATE ... IF NOT EXISTS` runs on every writable open, so a file made before it gains the
 * table on its next open; a Baton that predates it never reads the table and still opens
 * the file, so the version stays 1.
 */
const responseCacheTable = `
CREATE TABLE IF NOT EXISTS response_cache (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS response_cache_by_expiry ON response_cache (expires_at);
`;

/** Creates the tables in a fresh or empty database; a no-op on a current one. */
export function createSchema(db: DatabaseSync): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(schemaV1);
    db.exec(responseCacheTable);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(schemaVersion),
    );
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

const sqliteMagic = "SQLite format 3\0";

/** SQLite result codes that mean the file is damaged rather than busy or full. */
const corruptionCodes = new Set([11 /* SQLITE_CORRUPT */, 26 /* SQLITE_NOTADB */]);

/**
 * Checks an existing file before anything writes to it: that it is a whole SQLite file, a
 * Baton database, and of a schema version this code knows. Throws a `StoreError`
 * (`corrupt` or `unsupported-schema`) naming the file; never modifies it. Resolves
 * whether the file is new (absent, empty, or a SQLite file with no tables yet).
 *
 * Other processes may be writing and checkpointing the file meanwhile, so the check reads
 * through SQLite (which waits up to `busyTimeoutMs` for their locks and sees one
 * consistent snapshot, write-ahead log included) rather than comparing the file's size
 * with its header: the two legitimately disagree during a checkpoint and after a writer
 * died in one. A truncated file fails SQLite's own check when it reads the schema.
 */
export function inspectDatabaseFile(
  path: string,
  options: { verify: "header" | "full"; busyTimeoutMs: number },
): boolean {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw corrupt(path, "it is not a regular file");
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  if (size === 0) return true;
  const pageSize = checkHeader(path, size);

  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: options.busyTimeoutMs });
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    if (tables.length === 0) return true;
    if (!tables.includes("meta"))
      throw corrupt(path, "it is a SQLite file but not a Baton database");
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get();
    const version = Number(row?.value);
    if (!Number.isInteger(version) || version < 1) {
      throw corrupt(path, `its schema version is missing or invalid (${String(row?.value)})`);
    }
    if (version > schemaVersion) {
      throw new StoreError(
        `Cannot open ${path}: it was written by a newer Baton (schema version ${version}; this ` +
          `version reads up to ${schemaVersion}). Upgrade Baton to open it.`,
        { code: "unsupported-schema", path },
      );
    }
    if (options.verify === "full") verifyPages(db, path);
    return false;
  } catch (error) {
    if (StoreError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const truncation = isCorruption(error) ? describeTruncation(path, pageSize) : undefined;
    throw corrupt(path, truncation ?? `SQLite could not read it (${reason})`, error);
  } finally {
    db?.close();
  }
}

/** Reads every page (`PRAGMA quick_check`); SQLite either lists problems or stops at the first. */
function verifyPages(db: DatabaseSync, path: string): void {
  let problems: unknown[];
  try {
    problems = db
      .prepare("PRAGMA quick_check")
      .all()
      .map((check) => check.quick_check);
  } catch (error) {
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length !== 1 || problems[0] !== "ok") {
    throw corrupt(path, `the integrity check failed: ${problems.slice(0, 3).join("; ")}`);
  }
}

function readHeader(path: string): Buffer {
  const header = Buffer.alloc(100);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  return header;
}

/**
 * Checks what of the 100-byte SQLite header never changes while the file is in use: the
 * magic string and the page size. Resolves the page size. The file must also be a whole
 * number of pages, unless a write-ahead log beside it holds commits: SQLite writes whole
 * pages, and a checkpoint ends by setting the file's size from the log.
 */
function checkHeader(path: string, size: number): number {
  if (size < 100) throw corrupt(path, `it is ${size} bytes, shorter than a SQLite header`);
  const header = readHeader(path);
  if (header.toString("latin1", 0, 16) !== sqliteMagic) {
    throw corrupt(path, "it is not a SQLite database");
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw corrupt(path, `its header has an invalid page size (${rawPageSize})`);
  }
  if (size % pageSize !== 0 && !hasWriteAheadLog(path)) {
    throw corrupt(
      path,
      `it is ${size} bytes, not a whole number of ${pageSize}-byte pages (truncated?)`,
    );
  }
  return pageSize;
}

function hasWriteAheadLog(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/**
 * Explains a file SQLite found corrupt, when the reason is that it is shorter than its
 * header declares. Only asked after SQLite, reading under its locks, refused the file, so
 * a checkpoint in progress elsewhere cannot make a healthy file look truncated.
 */
function describeTruncation(path: string, pageSize: number): string | undefined {
  let header: Buffer;
  let size: number;
  try {
    size = statSync(path).size;
    header = readHeader(path);
  } catch {
    return undefined;
  }
  const pageCount = header.readUInt32BE(28);
  const headerCountIsValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  if (!headerCountIsValid || size >= pageCount * pageSize) return undefined;
  return (
    `it is truncated: the header declares ${pageCount} pages of ${pageSize} bytes ` +
    `(${pageCount * pageSize} bytes) but the file has ${size}`
  );
}

/**
 * Runs `work` again while SQLite answers that the database is busy, for up to `timeoutMs`.
 * For statements that do not wait on the busy timeout themselves: switching a new file to
 * WAL fails at once with "database is locked" while another process switches it too (two
 * workers opening one new store at the same moment).
 */
export function whileBusy(work: () => void, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  let pause: Int32Array | undefined;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 50)) {
    try {
      work();
      return;
    } catch (error) {
      if (primaryCode(error) !== busy || Date.now() >= deadline) throw error;
      pause ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(pause, 0, 0, waitMs);
    }
  }
}

/** SQLITE_BUSY. */
const busy = 5;

function isCorruption(error: unknown): boolean {
  const code = primaryCode(error);
  return code !== undefined && corruptionCodes.has(code);
}

/** A node:sqlite error's primary result code (its extended code's low byte), if it has one. */
function primaryCode(error: unknown): number | undefined {
  const errcode = (error as { errcode?: number }).errcode;
  return typeof errcode === "number" ? errcode & 0xff : undefined;
}

function corrupt(path: string, reason: string, cause?: unknown): StoreError {
  return new StoreError(
    `Cannot open ${path} as a Baton database: ${reason}. The file was not modified.`,
    {
      code: "corrupt",
      path,
      cause,
    },
  );
}

/** Wraps a driver error in a `StoreError` that names the file; passes Baton's own errors and TypeErrors through. */
export function toStoreError(error: unknown, path: string, action: string): unknown {
  if (StoreError.isInstance(error) || error instanceof TypeError) return error;
  // A payload that no longer parses was damaged on disk, not by this process.
  const isCorrupt = error instanceof SyntaxError || isCorruption(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(`${action} failed on ${path}: ${reason}`, {
    code: isCorrupt ? "corrupt" : "io",
    path,
    cause: error,
  });
}
