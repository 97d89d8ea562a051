import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { bundledScript } from "../../../test/support/bundled-script.js";
import { SqliteStore } from "./sqlite-store.js";

const sharer = fileURLToPath(new URL("./sqlite-store.sharer.ts", import.meta.url));

const eventsPerRun = 12;

/** Starts a sharer process; see sqlite-store.sharer.ts. */
function startSharer(
  path: string,
  name: string,
  runs: number | "forever",
  startAt?: number,
): ChildProcess {
  const args = [path, name, String(runs), String(eventsPerRun)];
  return fork(bundledScript(sharer), startAt === undefined ? args : [...args, String(startAt)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** The next message a child sends whose field `key` is set; rejects if it exits first. */
function messageWith<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off("message", onMessage);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`sharer exited (${code ?? signal}) before sending "${key}"`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Runs sharers side by side to the end; resolves every error they reported. */
async function shareAtOnce(
  path: string,
  names: string[],
  runs: number,
  startAt?: number,
): Promise<string[]> {
  const children = names.map((name) => startSharer(path, name, runs, startAt));
  try {
    const reports = await Promise.all(
      children.map((child) => messageWith<{ errors: string[] }>(child, "errors")),
    );
    return reports.flatMap((report) => report.errors);
  } finally {
    for (const child of children) child.kill();
  }
}

/** The last version of page 1 in a write-ahead log (the frames of its current generation). */
function lastPageOne(wal: Buffer): Buffer {
  const pageSize = wal.readUInt32BE(8);
  const salts = wal.readBigUInt64BE(16);
  let page: Buffer | undefined;
  for (let frame = 32; frame + 24 + pageSize <= wal.length; frame += 24 + pageSize) {
    if (wal.readBigUInt64BE(frame + 8) !== salts) break;
    if (wal.readUInt32BE(frame) === 1) page = wal.subarray(frame + 24, frame + 24 + pageSize);
  }
  if (page === undefined) throw new Error("no frame for page 1 in the write-ahead log");
  return page;
}

describe("SqliteStore shared between processes", () => {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function newPath(): string {
    const dir = join(tmpdir(), `baton-shared-${process.pid}-${randomUUID()}`);
    mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    return join(dir, "baton.db");
  }

  function open(path: string): SqliteStore {
    const store = new SqliteStore({ path });
    stores.push(store);
    return store;
  }

  /** Every run is whole: succeeded with its full log, or (killed mid-run) a gap-free prefix of it. */
  async function expectIntact(store: SqliteStore): Promise<void> {
    for (const run of await store.listRuns()) {
      const seqs = (await store.readLog(run.id)).map((event) => event.seq);
      const expected = run.status === "succeeded" ? eventsPerRun : seqs.length;
      expect(seqs, run.id).toEqual(Array.from({ length: expected }, (_, index) => index + 1));
    }
  }

  it("lets four processes open, write and close one file at the same time without an error", {
    timeout: 60_000,
  }, async () => {
    const path = newPath();
    const errors = await shareAtOnce(path, ["a", "b", "c", "d"], 15);
    expect(errors).toEqual([]);
    const store = open(path);
    const runs = await store.listRuns();
    expect(runs).toHaveLength(60);
    expect(runs.every((run) => run.status === "succeeded")).toBe(true);
    await expectIntact(store);
  });

  it("lets four processes create one new file at the same moment without an error", {
    timeout: 60_000,
  }, async () => {
    // Switching a new file to WAL fails at once, not after the busy timeout, while another
    // process switches it too.
    for (let round = 0; round < 3; round++) {
      const path = newPath();
      const startAt = Date.now() + 1500;
      const errors = await shareAtOnce(path, ["a", "b", "c", "d"], 1, startAt);
      expect(errors).toEqual([]);
      expect(await open(path).listRuns()).toHaveLength(4);
    }
  });

  it("opens a file at once from four processes after its writer was killed with SIGKILL", {
    timeout: 60_000,
  }, async () => {
    const path = newPath();
    // The kills land at different points of the writer's open-append-close cycle.
    for (const [round, delayMs] of [0, 15].entries()) {
      const writer = startSharer(path, `killed${round}`, "forever");
      await messageWith(writer, "ready");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      writer.kill("SIGKILL");
      await exited(writer);
      const names = ["a", "b", "c", "d"].map((name) => `${name}${round}`);
      expect(await shareAtOnce(path, names, 3)).toEqual([]);
    }
    await expectIntact(open(path));
  });

  it("opens a file whose writer died in the middle of a checkpoint, with every commit", async () => {
    const path = newPath();
    const writer = open(path);
    await writer.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    for (let seq = 1; seq <= 100; seq++) {
      await writer.append("r1", [{ type: "step-end", at: seq, output: "y".repeat(2000) }]);
    }
    // The commits are in the write-ahead log, not yet in the file: copy both as a crash would leave them.
    const crashed = join(path, "..", "crashed.db");
    copyFileSync(path, crashed);
    copyFileSync(`${path}-wal`, `${crashed}-wal`);
    // A checkpoint copies pages in order, page 1 (with the header's page count) first:
    // killed right after it, the header declares pages the file does not have yet.
    const page = lastPageOne(readFileSync(`${crashed}-wal`));
    const fd = openSync(crashed, "r+");
    writeSync(fd, page, 0, page.length, 0);
    closeSync(fd);
    expect(page.readUInt32BE(28) * page.length).toBeGreaterThan(statSync(crashed).size);

    const reopened = open(crashed);
    const log = await reopened.readLog("r1");
    expect(log.map((event) => event.seq)).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
  });
});
