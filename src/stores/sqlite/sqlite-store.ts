import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import type {
  LoggedEvent,
  NewRunRecord,
  RunPatch,
  RunRecord,
  RunStore,
  StoredEvent,
} from "../../core/ports/run-store.js";
import { checkOptions } from "../../runtime/check-options.js";
import {
  checkClaim,
  checkEvents,
  checkId,
  checkNewRun,
  checkOwnerOption,
  checkReadLogOptions,
  checkRunPatch,
} from "../argument-checks.js";
import { listRunsQuery, runColumns, runFrom, runPatchColumns, toRunRecord } from "../run-row.js";
import { StoreError } from "../store-error.js";
import { SqliteAppender } from "./sqlite-appender.js";
import { encodeJson, hasFields, StatementCache } from "./sqlite-codec.js";
import { SqliteResponseCache } from "./sqlite-response-cache.js";
import { SqliteSchedules } from "./sqlite-schedules.js";
import { createSchema, inspectDatabaseFile, toStoreError, whileBusy } from "./sqlite-schema.js";
import { sqliteStoreOptionsRule } from "./sqlite-store-options-rule.js";

export interface SqliteStoreOptions {
  /**
   * The database file; its directory is created if missing. `":memory:"` keeps the
   * database in memory (for tests; nothing survives `close`).
   * @default ".baton/baton.db"
   */
  path?: string;
  /**
   * How thoroughly an existing file is checked before anything writes to it.
   * `"header"` reads the SQLite header (catches foreign and truncated files) and the
   * schema version; `"full"` also runs `PRAGMA quick_check`, which reads every page and
   * so takes time proportional to the file's size.
   * @default "header"
   */
  verify?: "header" | "full";
  /**
   * How long an operation, opening and its checks included, waits for another process's
   * lock (a transaction, a checkpoint, recovery after a crash) before failing.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * Open without writing anything: for tools that inspect runs (`baton show`, the
   * dashboard). The file must exist; every write fails with a `StoreError`.
   * @default false
   */
  readOnly?: boolean;
  /**
   * `"shared"` lets other processes open the file at the same time (workers, the
   * dashboard). `"exclusive"` keeps the file locked by this process until `close`, which
   * saves the per-transaction file-lock system calls (a few microseconds per append).
   * @default "shared"
   */
  locking?: "shared" | "exclusive";
  /**
   * How many pages the write-ahead log may hold before it is copied back into the
   * database file (a checkpoint, which syncs the file to disk). Checkpoints are the one
   * costly part of an append in WAL mode; fewer, larger ones cost less per append (the log
   * file grows to about `checkpointPages * 4 KiB`, 32 MiB by default). SQLite's own
   * default is 1000.
   * @default 8192
   */
  checkpointPages?: number;
}

const eventLabel = (index: number) => `append: events[${index}]`;

/**
 * A RunStore (and its ScheduleStore, `schedules`) in one SQLite file through `node:sqlite`: nothing to
 * install or start. WAL mode with `synchronous = NORMAL`: a commit survives a crash of
 * the process; the last commits before a power loss may not. Each append is one
 * transaction that adds rows to an index clustered by (run, seq), so the bytes written
 * per event do not grow with the run; summary updates touch one small row.
 *
 * Several processes may share the file (claims are atomic across them). Values are
 * stored as JSON: dates come back as strings, `undefined` fields vanish.
 *
 * @example
 * const store = new SqliteStore({ path: ".baton/baton.db" });
 * await store.createRun({ id: "r1", workflow: "report", status: "pending", createdAt: Date.now() });
 */
export class SqliteStore implements RunStore {
  /** The database file's absolute path (or `":memory:"`). */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;
  /** The schedules kept in the same file: a ScheduleStore of its own. */
  readonly schedules: SqliteSchedules;
  /** Agents' cached model responses, kept in the same file: a ResponseCacheStore of its own. */
  readonly responseCache: SqliteResponseCache;
  readonly #appender: SqliteAppender;
  #closed = false;

  constructor(options: SqliteStoreOptions = {}) {
    checkOptions(sqliteStoreOptionsRule, options, "new SqliteStore()");
    const {
      path = ".baton/baton.db",
      verify = "header",
      busyTimeoutMs = 5000,
      readOnly = false,
      locking = "shared",
      checkpointPages = 8192,
    } = options;
    const inMemory = path === ":memory:";
    this.path = inMemory ? path : resolve(path);
    if (!inMemory) {
      let isNew: boolean;
      try {
        isNew = inspectDatabaseFile(this.path, { verify, busyTimeoutMs });
      } catch (error) {
        throw toStoreError(error, this.path, "Opening the database");
      }
      if (readOnly && isNew) {
        throw new StoreError(
          `Cannot open ${this.path} read-only: there is no Baton database there`,
          {
            code: "io",
            path: this.path,
          },
        );
      }
      if (!readOnly) mkdirSync(dirname(this.path), { recursive: true });
    }
    try {
      this.#db = new DatabaseSync(this.path, { readOnly, timeout: busyTimeoutMs });
    } catch (error) {
      throw toStoreError(error, this.path, "Opening the database");
    }
    try {
      if (!readOnly) {
        if (locking === "exclusive") this.#db.exec("PRAGMA locking_mode = EXCLUSIVE");
        whileBusy(() => this.#db.exec("PRAGMA journal_mode = WAL"), busyTimeoutMs);
        this.#db.exec("PRAGMA synchronous = NORMAL");
        this.#db.exec(`PRAGMA wal_autocheckpoint = ${checkpointPages}`);
        createSchema(this.#db);
      }
    } catch (error) {
      this.#db.close();
      throw toStoreError(error, this.path, "Preparing the database");
    }
    this.#statements = new StatementCache(this.#db);
    this.#appender = new SqliteAppender(this.#statements, (runId) => this.#runNotFound(runId));
    this.schedules = new SqliteSchedules({
      statements: this.#statements,
      guard: (action, work) => this.#guard(action, work),
      path: this.path,
    });
    this.responseCache = new SqliteResponseCache({
      statements: this.#statements,
      guard: (action, work) => this.#guard(action, work),
    });
  }

  /** Opens (creating if needed) the database at `path`. */
  static async open(
    path: string,
    options: Omit<SqliteStoreOptions, "path"> = {},
  ): Promise<SqliteStore> {
    return new SqliteStore({ ...options, path });
  }

  async createRun(run: NewRunRecord): Promise<void> {
    checkNewRun(run);
    const input = encodeJson("createRun: run.input", run.input);
    const definition = encodeJson("createRun: run.definition", run.definition);
    const metadata = encodeJson("createRun: run.metadata", run.metadata);
    this.#guard("createRun", () =>
      this.#statements.transaction(() => {
        const inserted = this.#statements
          .get(
            "INSERT INTO runs (id, workflow, parent_id, status, created_at, updated_at) " +
              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
          )
          .run(
            run.id,
            run.workflow,
            run.parentId ?? null,
            run.status,
            run.createdAt,
            run.createdAt,
          );
        if (Number(inserted.changes) === 0) {
          throw new StoreError(`Run "${run.id}" already exists`, {
            code: "run-exists",
            path: this.path,
          });
        }
        this.#statements
          .get("INSERT INTO run_inputs (run_id, input, definition, metadata) VALUES (?, ?, ?, ?)")
          .run(run.id, input, definition, metadata);
      }),
    );
    this.#appender.remember(run.id, 0);
  }

  async append(
    runId: string,
    events: readonly LoggedEvent[],
    options: { owner?: string } = {},
  ): Promise<number[]> {
    checkEvents(events);
    checkOwnerOption(options);
    // Serialize before writing: a bad payload fails without taking the write lock.
    const count = events.length;
    const payloads: (string | null)[] = new Array(count);
    for (let index = 0; index < count; index++) {
      const { type: _type, at: _at, seq: _seq, ...fields } = events[index]!;
      payloads[index] = hasFields(fields) ? encodeJson(eventLabel, fields, index) : null;
    }
    return this.#guard("append", () =>
      this.#appender.append(runId, events, payloads, options.owner),
    );
  }

  async readLog(runId: string, options: { afterSeq?: number } = {}): Promise<StoredEvent[]> {
    const afterSeq = checkReadLogOptions(options);
    return this.#guard("readLog", () => {
      const rows = this.#statements
        .get(
          "SELECT seq, type, at, payload FROM events WHERE run_id = ? AND seq > ? ORDER BY seq",
          {
            arrays: true,
          },
        )
        .all(runId, afterSeq) as unknown as [number, string, number, string | null][];
      const log: StoredEvent[] = new Array(rows.length);
      for (let index = 0; index < rows.length; index++) {
        const [seq, type, at, payload] = rows[index]!;
        log[index] =
          payload === null ? { type, at, seq } : { type, at, ...JSON.parse(payload), seq };
      }
      return log;
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#guard("getRun", () =>
      this.#statements
        .get(`SELECT ${runColumns} ${runFrom} WHERE r.id = ?`, { arrays: true })
        .get(runId),
    );
    return row === undefined ? undefined : toRunRecord(row as unknown as SQLOutputValue[]);
  }

  async listRuns(options?: Parameters<RunStore["listRuns"]>[0]): Promise<RunRecord[]> {
    const query = listRunsQuery(options, { placeholder: () => "?", tieBreak: "r.rowid" });
    if (query === undefined) {
      this.#assertOpen();
      return [];
    }
    const rows = this.#guard("listRuns", () =>
      this.#statements.get(query.text, { arrays: true }).all(...query.values),
    ) as unknown as SQLOutputValue[][];
    return rows.map(toRunRecord);
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    checkRunPatch(patch);
    const columns = runPatchColumns(patch);
    const sets = columns.map(([column]) => `${column} = ?`);
    const values: SQLInputValue[] = columns.map(([, value]) => value);
    this.#guard("updateRun", () => {
      const sql =
        sets.length === 0
          ? "SELECT 1 FROM runs WHERE id = ?"
          : `UPDATE runs SET ${sets.join(", ")} WHERE id = ?`;
      const statement = this.#statements.get(sql);
      const found =
        sets.length === 0
          ? statement.get(runId) !== undefined
          : Number(statement.run(...values, runId).changes) > 0;
      if (!found) throw this.#runNotFound(runId);
    });
  }

  async claimRun(
    runId: string,
    owner: string,
    options: { now: number; staleBefore: number },
  ): Promise<boolean> {
    checkClaim(owner, options);
    return this.#guard("claimRun", () => {
      const claimed = this.#statements
        .get(
          "UPDATE runs SET owner = ?1, heartbeat_at = ?2 WHERE id = ?3 AND (owner IS NULL " +
            "OR owner = ?1 OR heartbeat_at IS NULL OR heartbeat_at < ?4)",
        )
        .run(owner, options.now, runId, options.staleBefore);
      if (Number(claimed.changes) > 0) return true;
      if (this.#statements.get("SELECT 1 FROM runs WHERE id = ?").get(runId) === undefined) {
        throw this.#runNotFound(runId);
      }
      return false;
    });
  }

  /** Closes the connection; later calls fail with a `StoreError` (code `"closed"`). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /** Runs driver work with the store open, turning driver errors into `StoreError`s. */
  #guard<T>(action: string, work: () => T): T {
    this.#assertOpen();
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, this.path, action);
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new StoreError(`SqliteStore for ${this.path} is closed`, {
        code: "closed",
        path: this.path,
      });
    }
  }

  #runNotFound(runId: string): StoreError {
    checkId("runId", runId);
    return new StoreError(`Run "${runId}" not found`, { code: "run-not-found", path: this.path });
  }
}
