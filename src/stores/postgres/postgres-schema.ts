import type { Sql, TransactionSql } from "postgres";
import { StoreError } from "../store-error.js";

/**
 * Baton's tables in one PostgreSQL schema, versioned by the rows of its `migrations`
 * table. Each migration is additive (new tables, columns, indexes; never a drop), so an
 * upgrade never loses data; a schema whose newest migration is unknown here came from a
 * newer Baton and is refused untouched.
 */
export const migrations: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: "runs, run inputs, events, schedules",
    // `runs` holds the small fields that change (status, owner, heartbeat, the last
    // sequence number), with room on each page for updates in place (HOT); `run_inputs`
    // the large ones written once. Ids sort by bytes (COLLATE "C") whatever the database's
    // locale, as every other store sorts them.
    sql: `
CREATE TABLE runs (
  id text COLLATE "C" PRIMARY KEY,
  workflow text NOT NULL,
  parent_id text COLLATE "C",
  status text NOT NULL,
  created_at double precision NOT NULL,
  updated_at double precision NOT NULL,
  owner text,
  heartbeat_at double precision,
  error text,
  output text,
  last_seq integer NOT NULL DEFAULT 0,
  created_order bigint GENERATED ALWAYS AS IDENTITY
) WITH (fillfactor = 70);
CREATE INDEX runs_by_created ON runs (created_at DESC, created_order DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC);
CREATE INDEX runs_by_parent ON runs (parent_id, created_at DESC);
CREATE TABLE run_inputs (
  run_id text COLLATE "C" PRIMARY KEY REFERENCES runs (id),
  input text,
  definition text,
  metadata text
);
CREATE TABLE events (
  run_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  type text NOT NULL,
  at double precision NOT NULL,
  payload text,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE schedules (
  id text COLLATE "C" PRIMARY KEY,
  target text NOT NULL,
  input text,
  trigger text NOT NULL,
  timezone text,
  paused boolean NOT NULL,
  next_fire_at double precision,
  last_fire_at double precision,
  catch_up boolean NOT NULL,
  created_at double precision NOT NULL,
  updated_at double precision NOT NULL,
  metadata text
);
CREATE INDEX schedules_by_next ON schedules (next_fire_at);
`,
  },
  {
    version: 2,
    description: "response cache",
    // Agents' cached model responses (`cache: { store: postgresStore.responseCache }`).
    sql: `
CREATE TABLE response_cache (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL,
  expires_at double precision NOT NULL
);
CREATE INDEX response_cache_by_expiry ON response_cache (expires_at);
`,
  },
];

/** The schema version this code writes: its newest migration. */
export const schemaVersion = migrations.at(-1)!.version;

interface PrepareOptions {
  /** The PostgreSQL schema (namespace) holding Baton's tables. */
  schema: string;
  /** Where, for messages. */
  label: string;
  /** Fail when there are no Baton tables yet instead of creating them. */
  mustExist: boolean;
  /**
   * Write nothing: a schema of an older version is read as it is (what later migrations
   * add is missing until a writable open upgrades it).
   */
  readOnly: boolean;
}

/**
 * Makes sure the schema holds Baton's tables at `schemaVersion`: reads first, and writes
 * only to create or upgrade. Upgrades run in one transaction under an advisory lock on the
 * schema's name, so processes opening a fresh database at once wait for each other
 * instead of racing into "already exists" errors. Refuses (a `StoreError`, nothing
 * written) a schema from a newer Baton, and one that holds other tables but no Baton ones.
 */
export async function prepareSchema(sql: Sql, options: PrepareOptions): Promise<void> {
  const version = await readVersion(sql, options);
  if (version === schemaVersion || (version > 0 && options.readOnly)) return;
  if (version === 0 && options.mustExist) {
    throw new StoreError(
      `There is no Baton store in schema "${options.schema}" of ${options.label}: start a run on it first`,
      { code: "store-not-found" },
    );
  }
  await sql.begin(async (transaction) => {
    await transaction`SELECT pg_advisory_xact_lock(hashtext(${`baton-migrate:${options.schema}`}))`;
    // Another process may have migrated while this one waited for the lock.
    const current = await readVersion(transaction, options);
    if (current === schemaVersion) return;
    await transaction.unsafe(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await transaction.unsafe(`SET LOCAL search_path TO ${options.schema}`);
    await transaction.unsafe(
      `CREATE TABLE IF NOT EXISTS ${options.schema}.migrations (version integer PRIMARY KEY, ` +
        "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await transaction.unsafe(migration.sql);
      await transaction`INSERT INTO migrations (version, description) VALUES (${migration.version}, ${migration.description})`;
    }
  });
}

/**
 * The schema's version: 0 when it has no tables (absent or empty). Throws for a schema
 * that is not Baton's or is newer than this code.
 */
async function readVersion(
  sql: Sql | TransactionSql,
  { schema, label }: PrepareOptions,
): Promise<number> {
  const [found] = await sql<{ migrations: boolean; tables: number }[]>`
    SELECT to_regclass(${`${schema}.migrations`}) IS NOT NULL AS migrations,
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = ${schema}) AS tables`;
  if (!found?.migrations) {
    if ((found?.tables ?? 0) === 0) return 0;
    throw new StoreError(
      `Cannot open schema "${schema}" of ${label} as a Baton store: it holds tables that are not Baton's. ` +
        "Name another schema with ?schema=name. Nothing was modified.",
      { code: "corrupt" },
    );
  }
  const [row] = await sql<
    { version: number | null }[]
  >`SELECT max(version) AS version FROM migrations`;
  const version = row?.version ?? 0;
  if (version > schemaVersion) {
    throw new StoreError(
      `Cannot open schema "${schema}" of ${label}: it was written by a newer Baton (schema version ${version}; ` +
        `this version reads up to ${schemaVersion}). Upgrade Baton to open it. Nothing was modified.`,
      { code: "unsupported-schema" },
    );
  }
  return version;
}
