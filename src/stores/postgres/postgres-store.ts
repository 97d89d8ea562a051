import postgres, { type Sql } from "postgres";
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
  notOwner,
} from "../argument-checks.js";
import { encodeJson } from "../json-text.js";
import { listRunsQuery, runColumns, runFrom, runPatchColumns, toRunRecord } from "../run-row.js";
import { StoreError } from "../store-error.js";
import { AppendStatements, appendParameters } from "./postgres-append-statements.js";
import { toStoreError } from "./postgres-errors.js";
import { parsePostgresLocation } from "./postgres-location.js";
import { PostgresLogWatch } from "./postgres-log-watch.js";
import { PostgresResponseCache } from "./postgres-response-cache.js";
import { PostgresSchedules } from "./postgres-schedules.js";
import { prepareSchema } from "./postgres-schema.js";
import { postgresStoreOptionsRule } from "./postgres-store-options-rule.js";

export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema (namespace) that holds Baton's tables, created on first use.
   * Several Baton stores can share one database under different schemas.
   * @default the URL's `?schema=` parameter, else "baton"
   */
  schema?: string;
  /**
   * How long connecting (TCP, TLS, authentication) may take before the operation fails
   * with a `StoreError` coded `connection`, instead of hanging on an unreachable host.
   * @default the URL's `connect_timeout` (seconds), else 10000
   */
  connectTimeoutMs?: number;
  /** Connections this store keeps open at most (one more is opened to follow runs live). @default 10 */
  maxConnections?: number;
  /**
   * Open without writing anything (`baton show`, dashboards): the tables must exist, and
   * the server refuses every write of this store's connections.
   * @default false
   */
  readOnly?: boolean;
  /** Fail with a `StoreError` coded `store-not-found` when the schema has no Baton tables yet. @default false */
  mustExist?: boolean;
}

/** Sequence numbers are PostgreSQL integers; `afterSeq` is clamped into their range. */
const maxSeq = 2_147_483_647;

/**
 * A RunStore (and its ScheduleStore, `schedules`) in PostgreSQL, shared by any number of
 * processes on any number of machines. Open it with {@link PostgresStore.open} (or
 * `store: "postgres://..."` wherever Baton takes a store). Tables live in one schema,
 * created and versioned on first use.
 *
 * An append is one statement: it bumps the run's last sequence number (a row lock that
 * orders concurrent appends, and the owner check of a compare-and-set), inserts the events
 * after it, and notifies listeners on commit (`watchRun`), in one round trip. Values are
 * stored as JSON text: dates come back as strings, `undefined` fields vanish, key order is
 * kept.
 *
 * @example
 * const store = await PostgresStore.open("postgres://baton:secret@127.0.0.1:5432/baton");
 * const durable = await openDurable({ store, workflows: { report } });
 */
export class PostgresStore implements RunStore {
  /** The schema holding the tables. */
  readonly schema: string;
  /** The server and database, as messages name them (without the password). */
  readonly location: string;
  /** The schedules kept in the same schema: a ScheduleStore of its own. */
  readonly schedules: PostgresSchedules;
  /**
   * Agents' cached model responses, kept in the same schema and shared by every process
   * on the database: a ResponseCacheStore of its own (`agent({ cache: { ttlMs, store:
   * postgresStore.responseCache } })`).
   */
  readonly responseCache: PostgresResponseCache;
  readonly #sql: Sql;
  readonly #connectTimeoutMs: number;
  /** The LISTEN/NOTIFY channel of this schema's appends. */
  readonly #channel: string;
  readonly #watch: PostgresLogWatch;
  readonly #appends: AppendStatements;
  #closed = false;

  private constructor(
    sql: Sql,
    options: { schema: string; location: string; connectTimeoutMs: number },
  ) {
    this.#sql = sql;
    this.schema = options.schema;
    this.location = options.location;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#channel = `baton:${options.schema}`;
    this.#watch = new PostgresLogWatch(sql, this.#channel);
    this.#appends = new AppendStatements(this.#channel);
    const guard = <T>(action: string, work: () => Promise<T>) => this.#guard(action, work);
    this.schedules = new PostgresSchedules(sql, guard);
    this.responseCache = new PostgresResponseCache(sql, guard);
  }

  /**
   * Connects to the database at `url` and makes sure it holds Baton's tables (creating or
   * upgrading them; refusing a schema from a newer Baton). Rejects with a `StoreError`:
   * `invalid-location`, `connection` (refused, unreachable, timed out), `auth` (wrong
   * password, missing privilege), `store-not-found` (no such database; no tables with
   * `mustExist`), `unsupported-schema` or `corrupt` (the schema holds other tables).
   * Bad options throw an `OptionsError` listing every problem, before anything connects.
   * @example const store = await PostgresStore.open("postgres://baton@127.0.0.1/baton?schema=team_a");
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    if (typeof url !== "string" || url === "") {
      throw new TypeError(
        `PostgresStore.open: url must be a postgres:// URL, received ${String(url)}`,
      );
    }
    checkOptions(postgresStoreOptionsRule, options, "PostgresStore.open()");
    const location = parsePostgresLocation(url);
    const {
      schema = location.schema ?? "baton",
      connectTimeoutMs = location.connectTimeoutMs ?? 10_000,
      maxConnections = 10,
      readOnly = false,
      mustExist = false,
    } = options;
    const sql = postgres(location.url, {
      max: maxConnections,
      connect_timeout: connectTimeoutMs / 1000,
      // "relation already exists, skipping" and the like are not for the user's console.
      onnotice: () => {},
      connection: {
        application_name: "baton",
        search_path: schema,
        ...(readOnly ? { default_transaction_read_only: true } : {}),
      },
    });
    const store = new PostgresStore(sql, {
      schema,
      location: location.label,
      connectTimeoutMs,
    });
    try {
      await store.#guard("Opening the store", () =>
        prepareSchema(sql, {
          schema,
          label: location.label,
          mustExist: mustExist || readOnly,
          readOnly,
        }),
      );
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async createRun(run: NewRunRecord): Promise<void> {
    checkNewRun(run);
    const input = encodeJson("createRun: run.input", run.input);
    const definition = encodeJson("createRun: run.definition", run.definition);
    const metadata = encodeJson("createRun: run.metadata", run.metadata);
    const created = await this.#guard(
      "createRun",
      () => this.#sql`
        WITH created AS (
          INSERT INTO runs (id, workflow, parent_id, status, created_at, updated_at)
          VALUES (${run.id}, ${run.workflow}, ${run.parentId ?? null}, ${run.status},
            ${run.createdAt}, ${run.createdAt})
          ON CONFLICT (id) DO NOTHING
          RETURNING id
        )
        INSERT INTO run_inputs (run_id, input, definition, metadata)
        SELECT id, ${input}::text, ${definition}::text, ${metadata}::text FROM created
        RETURNING run_id`,
    );
    if (created.length === 0) {
      throw new StoreError(`Run "${run.id}" already exists`, { code: "run-exists" });
    }
  }

  async append(
    runId: string,
    events: readonly LoggedEvent[],
    options: { owner?: string } = {},
  ): Promise<number[]> {
    checkEvents(events);
    checkOwnerOption(options);
    const count = events.length;
    const owner = options.owner;
    const parameters = appendParameters(runId, owner, events);
    return this.#guard("append", async () => {
      if (count === 0) {
        const [found] = await this.#sql`SELECT 1 FROM runs WHERE id = ${runId}`;
        if (!found) throw this.#runNotFound(runId);
        return [];
      }
      const rows = await this.#sql
        .unsafe(this.#appends.text(count, owner !== undefined), parameters, { prepare: true })
        .values();
      const last = rows[0]?.[0] as number | undefined;
      if (last === undefined) {
        const [run] = await this.#sql`SELECT owner FROM runs WHERE id = ${runId}`;
        if (!run) throw this.#runNotFound(runId);
        throw notOwner(runId, owner ?? "", (run.owner as string | null) ?? undefined);
      }
      const seqs: number[] = new Array(count);
      for (let index = 0; index < count; index++) seqs[index] = last - count + index + 1;
      return seqs;
    });
  }

  async readLog(runId: string, options: { afterSeq?: number } = {}): Promise<StoredEvent[]> {
    const afterSeq = Math.min(maxSeq, Math.max(-1, Math.floor(checkReadLogOptions(options))));
    return this.#guard("readLog", async () => {
      const rows = await this.#sql`
        SELECT seq, type, at, payload FROM events
        WHERE run_id = ${runId} AND seq > ${afterSeq} ORDER BY seq`.values();
      const log: StoredEvent[] = new Array(rows.length);
      for (let index = 0; index < rows.length; index++) {
        const [seq, type, at, payload] = rows[index] as [number, string, number, string | null];
        log[index] =
          payload === null ? { type, at, seq } : { type, at, ...JSON.parse(payload), seq };
      }
      return log;
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.#guard("getRun", () =>
      this.#sql
        .unsafe(`SELECT ${runColumns} ${runFrom} WHERE r.id = $1`, [runId], { prepare: true })
        .values(),
    );
    return rows[0] === undefined ? undefined : toRunRecord(rows[0]);
  }

  async listRuns(options?: Parameters<RunStore["listRuns"]>[0]): Promise<RunRecord[]> {
    const query = listRunsQuery(options, {
      placeholder: (index) => `$${index}`,
      tieBreak: "r.created_order",
    });
    if (query === undefined) {
      this.#assertOpen();
      return [];
    }
    const rows = await this.#guard("listRuns", () =>
      this.#sql.unsafe(query.text, query.values, { prepare: true }).values(),
    );
    return rows.map(toRunRecord);
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    checkRunPatch(patch);
    const columns = runPatchColumns(patch);
    const sets = columns.map(([column], index) => `${column} = $${index + 2}`);
    const values = [runId, ...columns.map(([, value]) => value)];
    const text =
      sets.length === 0
        ? "SELECT 1 FROM runs WHERE id = $1"
        : `UPDATE runs SET ${sets.join(", ")} WHERE id = $1 RETURNING 1`;
    const rows = await this.#guard("updateRun", () =>
      this.#sql.unsafe(text, values, { prepare: true }),
    );
    if (rows.length === 0) throw this.#runNotFound(runId);
  }

  async claimRun(
    runId: string,
    owner: string,
    options: { now: number; staleBefore: number },
  ): Promise<boolean> {
    checkClaim(owner, options);
    return this.#guard("claimRun", async () => {
      // Under READ COMMITTED, a claim that waited for another one's row lock re-checks the
      // condition on the row that one left: two claimants never both win.
      const claimed = await this.#sql`
        UPDATE runs SET owner = ${owner}, heartbeat_at = ${options.now}
        WHERE id = ${runId} AND (owner IS NULL OR owner = ${owner}
          OR heartbeat_at IS NULL OR heartbeat_at < ${options.staleBefore})
        RETURNING 1`;
      if (claimed.length > 0) return true;
      const [found] = await this.#sql`SELECT 1 FROM runs WHERE id = ${runId}`;
      if (!found) throw this.#runNotFound(runId);
      return false;
    });
  }

  /**
   * Calls `onChange` after each append to the run commits, from any process, and after the
   * notification connection is (re)established (appends may have been missed meanwhile):
   * then read the log from where you were. Resolves once listening, with a function that
   * stops it. Through PostgreSQL's LISTEN/NOTIFY, on one extra connection per store.
   */
  async watchRun(runId: string, onChange: () => void): Promise<() => Promise<void>> {
    checkId("watchRun: runId", runId);
    if (typeof onChange !== "function") {
      throw new TypeError(`watchRun: onChange must be a function, received ${typeof onChange}`);
    }
    return this.#guard("watchRun", () => this.#watch.watch(runId, onChange));
  }

  /** Closes the connections; later calls fail with a `StoreError` (code `"closed"`). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch.clear();
    await this.#sql.end({ timeout: 5 });
  }

  /** Runs driver work with the store open, turning driver errors into `StoreError`s. */
  async #guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, {
        action,
        label: this.location,
        connectTimeoutMs: this.#connectTimeoutMs,
      });
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new StoreError(`PostgresStore for ${this.location} is closed`, { code: "closed" });
    }
  }

  #runNotFound(runId: string): StoreError {
    checkId("runId", runId);
    return new StoreError(`Run "${runId}" not found`, { code: "run-not-found" });
  }
}
