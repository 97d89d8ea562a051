/**
 * A throwaway Redis server for tests and benchmarks: Debian's `redis-server`, one port on
 * 127.0.0.1, nothing saved to disk, stopped by `stop()` (or when the process exits). It
 * never touches a Redis the machine runs already.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** The `redis-server` binary: BATON_REDIS_SERVER, Debian's, or the one on PATH; undefined when absent. */
export function findRedisServer(): string | undefined {
  // BATON_REDIS_SERVER names the binary; one that is not there means "none here" (to see the skip).
  const fromEnv = process.env.BATON_REDIS_SERVER;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  if (existsSync("/usr/bin/redis-server")) return "/usr/bin/redis-server";
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found !== "" ? found : undefined;
}

/** Whether Redis tests run here. In CI (CI=true) a missing server fails them instead of skipping. */
export function redisAvailable(): boolean {
  if (findRedisServer()) return true;
  if (process.env.CI === "true") {
    throw new Error(
      "redis-server not found (CI=true: these tests must run; .ci/run installs the redis-server package)",
    );
  }
  process.stderr.write(
    "Redis tests skipped: no redis-server (apt-get install redis-server, or set BATON_REDIS_SERVER)\n",
  );
  return false;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (database `db`, default 0). */
  url(db?: number): string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Resolves once something accepts connections on `port` and answers PING. */
async function answersPing(port: number, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("error", () => resolve(false));
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG"));
      });
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

/**
 * Starts a fresh server. Throws when the binary is absent: call `redisAvailable()` first to
 * skip instead.
 * @example
 * const redis = await startRedisServer();
 * const queue = redis.url();
 * await redis.stop();
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error("redis-server not found");
  const dir = mkdtempSync(join(tmpdir(), "baton-redis-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { cwd: dir, stdio: "ignore" },
    );
    try {
      await answersPing(port, child);
    } catch (error) {
      child.kill("SIGKILL");
      // Another process took the port between our check and the server's bind: try another.
      if (attempt === 4) throw error;
      continue;
    }
    const stopNow = () => {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    };
    // A test process that exits without stopping the server does not leave it running.
    process.once("exit", stopNow);
    return {
      port,
      url: (db = 0) => `redis://127.0.0.1:${port}${db === 0 ? "" : `/${db}`}`,
      async stop() {
        process.removeListener("exit", stopNow);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGTERM");
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
