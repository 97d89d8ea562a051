/**
 * A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a data
 * directory in the OS temp dir, one port on 127.0.0.1, stopped (and its directory removed)
 * by `stop()`. Nothing else on the machine is touched: it never uses the system's own
 * cluster, and it stops only the server it started.
 *
 * `initdb` refuses to run as root, so under root (CI, these machines) the server runs as
 * the `postgres` system user that Debian's package creates (or a `baton-postgres` user
 * made with `useradd` when there is none).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** Where Debian's package puts the server binaries (one folder per major version). */
const debianRoot = "/usr/lib/postgresql";

/** The folder holding `initdb`, `pg_ctl` and `postgres`, newest major first; undefined when absent. */
export function findPostgresBinaries(): string | undefined {
  // BATON_PG_BIN names the folder; one without the binaries means "none here" (to see the skip).
  const fromEnv = process.env.BATON_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, "initdb")) ? fromEnv : undefined;
  if (existsSync(debianRoot)) {
    const majors = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = join(debianRoot, major, "bin");
      if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
    }
  }
  const which = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" });
  const pgCtl = which.stdout.trim();
  if (which.status === 0 && pgCtl !== "") {
    const bin = join(pgCtl, "..");
    if (existsSync(join(bin, "initdb"))) return bin;
  }
  return undefined;
}

/** Why PostgreSQL tests skip here, or undefined when they run. In CI they never skip: a missing server fails them. */
export function postgresSkipReason(): string | undefined {
  if (findPostgresBinaries()) return undefined;
  if (process.env.CI === "true") {
    throw new Error(
      "PostgreSQL server binaries not found (CI=true: these tests must run; .ci/run installs the postgresql package)",
    );
  }
  return "PostgreSQL tests skipped: no server binaries (apt-get install postgresql, or set BATON_PG_BIN)";
}

let skipNoted = false;

/**
 * Whether PostgreSQL tests run here. When they do not, says why once per test process, on
 * one line (vitest may run several files in one worker).
 */
export function postgresAvailable(): boolean {
  const reason = postgresSkipReason();
  if (reason === undefined) return true;
  if (!skipNoted) {
    skipNoted = true;
    const marker = join(tmpdir(), `baton-postgres-skip-${process.ppid}`);
    try {
      // One line for the whole test run, whichever worker gets here first.
      writeFileSync(marker, "", { flag: "wx" });
      process.stderr.write(`${reason}\n`);
    } catch {}
  }
  return false;
}

export interface PostgresServer {
  /** What another process needs to use this server (see `sharedPostgresServer`). */
  readonly info: PostgresServerInfo;
  readonly port: number;
  /** The superuser's name and password (password authentication over TCP). */
  readonly user: string;
  readonly password: string;
  /** A `postgres://` URL for a database on this server. @default the "postgres" database */
  url(database?: string): string;
  /** Creates a database and resolves its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser through `psql` (for tests that set a server up by hand). */
  psql(database: string, sql: string): string;
  /** Stops the server (fast shutdown) and removes its data directory. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * Keep the server's default durability (fsync and synchronous commits). Tests turn both
   * off to go faster on shared machines; a benchmark keeps them.
   * @default false
   */
  durable?: boolean;
  /** @default 200 */
  maxConnections?: number;
}

/** The uid and gid the server runs as: ours, or an unprivileged user's when we are root. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  for (const name of ["postgres", "baton-postgres"]) {
    const id = spawnSync("id", ["-u", name], { encoding: "utf8" });
    if (id.status === 0) {
      const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
      return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  execFileSync("useradd", [
    "--system",
    "--no-create-home",
    "--shell",
    "/usr/sbin/nologin",
    "baton-postgres",
  ]);
  return serverIdentity();
}

function run(
  file: string,
  args: string[],
  identity: { uid: number; gid: number } | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(identity ?? {}),
      // The server's environment: no PG* variables of the caller leak into it.
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
      cwd: tmpdir(),
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${output}`)),
    );
  });
}

/**
 * Starts a fresh server. Throws when the binaries are absent: call `postgresAvailable()`
 * first to skip instead.
 * @example
 * const server = await startPostgresServer();
 * const url = await server.createDatabase("runs");
 * await server.stop();
 */
export async function startPostgresServer({
  durable = false,
  maxConnections = 200,
}: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error(postgresSkipReason() ?? "PostgreSQL binaries not found");
  const identity = serverIdentity();
  const root = mkdtempSync(join(tmpdir(), "baton-pg-"));
  if (identity) chownSync(root, identity.uid, identity.gid);
  const data = join(root, "data");
  const user = "baton";
  const password = randomBytes(9).toString("base64url");
  const passwordFile = join(root, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (identity) chownSync(passwordFile, identity.uid, identity.gid);
  await run(
    join(bin, "initdb"),
    [
      "-D",
      data,
      "-U",
      user,
      `--pwfile=${passwordFile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ],
    identity,
  );
  let port = 0;
  let started = false;
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    port = await freePort();
    appendFileSync(
      join(data, "postgresql.conf"),
      [
        "",
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${root}'`,
        `max_connections = ${maxConnections}`,
        ...(durable ? [] : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
        "",
      ].join("\n"),
    );
    try {
      await run(
        join(bin, "pg_ctl"),
        ["start", "-w", "-t", "60", "-D", data, "-l", join(root, "server.log")],
        identity,
      );
      started = true;
    } catch (error) {
      // Another process took the port between our check and the server's bind: try another.
      if (attempt === 4) throw error;
    }
  }
  const info: PostgresServerInfo = { bin, root, data, port, user, password, identity };
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(join(bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", data], {
      ...(identity ?? {}),
      cwd: tmpdir(),
      stdio: "ignore",
    });
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that exits without stopping the server does not leave it running.
  process.once("exit", stopNow);
  return serverHandle(info, async () => {
    if (stopped) return;
    process.removeListener("exit", stopNow);
    stopped = true;
    await run(join(bin, "pg_ctl"), ["stop", "-m", "fast", "-w", "-D", data], identity).catch(
      () => {},
    );
    rmSync(root, { recursive: true, force: true });
  });
}

/** What another process needs to use a running server (see `sharedPostgresServer`). */
export interface PostgresServerInfo {
  bin: string;
  root: string;
  data: string;
  port: number;
  user: string;
  password: string;
  identity: { uid: number; gid: number } | undefined;
}

function serverHandle(info: PostgresServerInfo, stop: () => Promise<void>): PostgresServer {
  const { bin, root, port, user, password, identity } = info;
  const url = (database = "postgres") =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    info,
    port,
    user,
    password,
    url,
    async createDatabase(name) {
      await run(
        join(bin, "..", "bin", "createdb"),
        ["-h", root, "-p", String(port), "-U", user, name],
        identity,
      );
      return url(name);
    },
    psql(database, sql) {
      return execFileSync(
        join(bin, "psql"),
        [
          "-h",
          root,
          "-p",
          String(port),
          "-U",
          user,
          "-d",
          database,
          "-tA",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          sql,
        ],
        {
          encoding: "utf8",
          ...(identity ?? {}),
          cwd: tmpdir(),
        },
      );
    },
    stop,
  };
}

/**
 * The server that vitest's global setup (test/setup/postgres.ts) started for the whole
 * test run, shared by the test files: one `initdb` instead of one per file. Each file
 * creates databases of its own names; `stop()` leaves the server running (the global
 * setup stops it after the last file). Outside vitest, or if the setup started none, a
 * server of its own, as `startPostgresServer` gives.
 */
export async function sharedPostgresServer(): Promise<PostgresServer> {
  const info = process.env.BATON_TEST_POSTGRES;
  if (!info) return startPostgresServer();
  return serverHandle(JSON.parse(info) as PostgresServerInfo, async () => {});
}
