import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { bundledScript } from "../../../test/support/bundled-script.js";
import { responseCacheStoreConformance } from "../../core/ports/response-cache-store.conformance.js";
import { runStoreConformance } from "../../core/ports/run-store.conformance.js";
import { scheduleStoreConformance } from "../../core/ports/schedule-store.conformance.js";
import { disagreements } from "../../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy } from "../../core/test-support/thrown-by.js";
import { StoreError } from "../store-error.js";
import { SqliteStore } from "./sqlite-store.js";
import { sqliteStoreOptionsRule } from "./sqlite-store-options-rule.js";

/** A fresh directory under the OS temp dir; removed by `cleanup`. */
function tempDir(): { dir: string; cleanup: () => Promise<void> } {
  const dir = join(tmpdir(), `baton-sqlite-${process.pid}-${randomUUID()}`);
  return { dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function fileFixture() {
  const { dir, cleanup } = tempDir();
  const path = join(dir, "nested", "baton.db");
  return {
    store: new SqliteStore({ path }),
    openPeer: async () => new SqliteStore({ path }),
    cleanup,
  };
}

runStoreConformance("SqliteStore", async () => fileFixture());
runStoreConformance("SqliteStore in memory", async () => ({
  store: new SqliteStore({ path: ":memory:" }),
}));
scheduleStoreConformance("SqliteStore", async () => {
  const { store, openPeer, cleanup } = fileFixture();
  return {
    store: store.schedules,
    close: () => store.close(),
    openPeer: async () => {
      const peer = await openPeer();
      return { store: peer.schedules, close: () => peer.close() };
    },
    cleanup,
  };
});

responseCacheStoreConformance("SqliteStore responseCache", async () => {
  const { store, openPeer, cleanup } = fileFixture();
  return {
    store: store.responseCache,
    close: () => store.close(),
    openPeer: async () => {
      const peer = await openPeer();
      return { store: peer.responseCache, close: () => peer.close() };
    },
    cleanup,
  };
});

describe("SqliteStore", () => {
  const cleanups: (() => Promise<void>)[] = [];
  const stores: SqliteStore[] = [];

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function newPath(): string {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return join(dir, "baton.db");
  }

  function open(path: string, options: ConstructorParameters<typeof SqliteStore>[0] = {}) {
    const store = new SqliteStore({ ...options, path });
    stores.push(store);
    return store;
  }

  async function seed(path: string, steps: number): Promise<void> {
    const store = new SqliteStore({ path });
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    for (let step = 0; step < steps; step++) {
      await store.append("r1", [
        { type: "step-start", at: step, stepId: `s${step}` },
        { type: "step-end", at: step, stepId: `s${step}`, output: "x".repeat(200) },
      ]);
    }
    await store.close();
  }

  function expectRefused(path: string, code: string, pattern: RegExp) {
    expectRefusedWith(path, {}, code, pattern);
  }

  function expectRefusedWith(
    path: string,
    options: ConstructorParameters<typeof SqliteStore>[0],
    code: string,
    pattern: RegExp,
  ) {
    const before = readFileSync(path);
    let error: unknown;
    try {
      open(path, options);
    } catch (caught) {
      error = caught;
    }
    expect(StoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, path });
    expect((error as Error).message).toMatch(pattern);
    expect(readFileSync(path).equals(before)).toBe(true);
  }

  it("creates the database file and its directory, in WAL mode", async () => {
    const path = newPath();
    const store = open(path);
    expect(store.path).toBe(path);
    expect(existsSync(path)).toBe(true);
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: "1",
    });
    db.close();
  });

  it("keeps runs, logs and schedules across close and reopen", async () => {
    const path = newPath();
    const first = new SqliteStore({ path });
    await first.createRun({
      id: "r1",
      workflow: "w",
      status: "running",
      createdAt: 5,
      definition: { spec: "steps: []" },
    });
    await first.append("r1", [{ type: "run-start", at: 5, input: { q: "x" } }]);
    await first.updateRun("r1", { status: "waiting", owner: "me", heartbeatAt: 6 });
    await first.schedules.saveSchedule({
      id: "daily",
      target: "w",
      trigger: { kind: "cron", expression: "0 9 * * *" },
      paused: false,
      catchUp: true,
      createdAt: 1,
      updatedAt: 1,
      nextFireAt: 100,
    });
    await first.close();

    const second = await SqliteStore.open(path);
    stores.push(second);
    expect(await second.getRun("r1")).toMatchObject({
      status: "waiting",
      owner: "me",
      definition: { spec: "steps: []" },
    });
    expect(await second.readLog("r1")).toEqual([
      { type: "run-start", at: 5, input: { q: "x" }, seq: 1 },
    ]);
    expect(await second.append("r1", [{ type: "run-end", at: 7 }])).toEqual([2]);
    expect((await second.schedules.getSchedule("daily"))?.nextFireAt).toBe(100);
  });

  it("adds the response cache table to a file made before it, keeping schema version 1", async () => {
    const path = newPath();
    await new SqliteStore({ path }).close();
    const db = new DatabaseSync(path);
    db.exec("DROP TABLE response_cache");
    db.close();
    const reopened = open(path);
    await reopened.responseCache.set("k", { text: "cached" }, { expiresAt: 10 });
    expect(await reopened.responseCache.get("k", { now: 1 })).toEqual({ text: "cached" });
    const check = new DatabaseSync(path, { readOnly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: "1",
    });
    check.close();
  });

  it("writes the same number of bytes per appended event however long the run is", async () => {
    const path = newPath();
    const store = open(path);
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    const batch = (step: number) => [
      { type: "step-start", at: step, stepId: `step-${step}` },
      { type: "step-end", at: step, stepId: `step-${step}`, output: { text: "y".repeat(100) } },
    ];
    const walBytesFor = async (appends: number, from: number) => {
      // A checkpoint empties the WAL, so its size afterwards is what these appends wrote.
      new DatabaseSync(path).exec("PRAGMA wal_checkpoint(TRUNCATE)");
      for (let step = from; step < from + appends; step++) await store.append("r1", batch(step));
      return statSync(`${path}-wal`).size;
    };
    // Past the first few hundred events the b-tree's depth settles; measure from there.
    for (let step = 0; step < 200; step++) await store.append("r1", batch(step));
    const early = await walBytesFor(100, 200);
    for (let step = 300; step < 3_000; step++) await store.append("r1", batch(step));
    const late = await walBytesFor(100, 3_000);
    expect(late).toBeLessThanOrEqual(early * 1.15);
  });

  it("stores an event payload without duplicating its type and time", async () => {
    const path = newPath();
    const store = open(path);
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    await store.append("r1", [
      { type: "step-end", at: 9, stepId: "a" },
      { type: "run-end", at: 10 },
    ]);
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare("SELECT seq, type, at, payload FROM events ORDER BY seq").all()).toEqual([
      { seq: 1, type: "step-end", at: 9, payload: '{"stepId":"a"}' },
      { seq: 2, type: "run-end", at: 10, payload: null },
    ]);
    db.close();
  });

  it("rejects an event that cannot be stored as JSON and appends none of its batch", async () => {
    const store = open(newPath());
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    const batch = [
      { type: "a", at: 1 },
      { type: "b", at: 1, tokens: 10n },
    ];
    await expect(store.append("r1", batch)).rejects.toThrow(/events\[1\] cannot be stored as JSON/);
    expect(await store.readLog("r1")).toEqual([]);
  });

  it("refuses a file that is not a SQLite database, without modifying it", () => {
    const path = newPath();
    open(path).close();
    writeFileSync(
      path,
      "this is a text file, long enough to have a header of one hundred bytes ".repeat(3),
    );
    expectRefused(path, "corrupt", /not a SQLite database/);
  });

  it("refuses a truncated database, without modifying it", async () => {
    const path = newPath();
    await seed(path, 300);
    new DatabaseSync(path).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const size = statSync(path).size;
    truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
    expectRefused(path, "corrupt", /truncated/);
  });

  it("refuses a database cut mid-page, without modifying it", async () => {
    const path = newPath();
    await seed(path, 10);
    truncateSync(path, statSync(path).size - 100);
    expectRefused(path, "corrupt", /whole number of 4096-byte pages/);
  });

  it("refuses a SQLite database that is not Baton's", () => {
    const path = newPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')");
    db.close();
    expectRefused(path, "corrupt", /not a Baton database/);
  });

  it("refuses a database from a newer schema version, without modifying it", () => {
    const path = newPath();
    open(path);
    const db = new DatabaseSync(path);
    db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
    for (const store of stores.splice(0)) store.close();
    expectRefused(path, "unsupported-schema", /newer Baton \(schema version 99/);
  });

  it("finds damaged pages with verify: 'full', and reports them as corrupt when read", async () => {
    const path = newPath();
    await seed(path, 300);
    new DatabaseSync(path).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const bytes = readFileSync(path);
    // Scramble the last pages (event leaves), leaving the header and schema intact.
    for (let offset = bytes.length - 8192; offset < bytes.length; offset++) {
      bytes[offset] = (offset * 37) & 0xff;
    }
    writeFileSync(path, bytes);
    expectRefusedWith(path, { verify: "full" }, "corrupt", /integrity check failed/);

    const store = open(path);
    const error = await store.readLog("r1").catch((caught) => caught);
    expect(error).toMatchObject({ name: "StoreError", code: "corrupt", path });
  });

  it("opens a database left behind by a process that never closed it", async () => {
    const path = newPath();
    const writer = new SqliteStore({ path });
    await writer.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    await writer.append("r1", [{ type: "run-start", at: 1 }]);
    // No close: the WAL still holds the commits, as after a crash.
    const reader = open(path);
    expect(await reader.readLog("r1")).toEqual([{ type: "run-start", at: 1, seq: 1 }]);
    await writer.close();
  });

  it("opens read-only without writing, and refuses writes", async () => {
    const path = newPath();
    await seed(path, 2);
    const store = open(path, { readOnly: true });
    expect(await store.readLog("r1")).toHaveLength(4);
    const error = await store.updateRun("r1", { status: "failed" }).catch((caught) => caught);
    expect(error).toMatchObject({ name: "StoreError", code: "io", path });
    expect(() => open(newPath(), { readOnly: true })).toThrow(/no Baton database there/);
  });

  it("lets other connections read while locking is shared, and not while exclusive", async () => {
    const sharedPath = newPath();
    const shared = open(sharedPath);
    await shared.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    expect(await open(sharedPath).getRun("r1")).toMatchObject({ id: "r1" });

    const exclusivePath = newPath();
    const exclusive = open(exclusivePath, { locking: "exclusive" });
    await exclusive.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    expect(() => open(exclusivePath, { busyTimeoutMs: 0 })).toThrow(StoreError);
  });

  it("never lets two processes both claim a run, and keeps their appends gap-free", async () => {
    const path = newPath();
    const setup = open(path);
    await setup.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    const script = fileURLToPath(new URL("./sqlite-store.contender.ts", import.meta.url));
    const batches = 40;
    const entry = bundledScript(script);
    const children = ["p1", "p2", "p3", "p4"].map((owner) =>
      fork(entry, [path, owner, String(batches)], { execArgv: [] }),
    );
    try {
      await Promise.all(children.map((child) => nextMessage(child)));
      const results = children.map((child) => nextMessage(child));
      for (const child of children) child.send("go");
      const reports = (await Promise.all(results)) as { claimed: boolean; seqs: number[] }[];
      expect(reports.filter((report) => report.claimed)).toHaveLength(1);
      const all = reports.flatMap((report) => report.seqs).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 4 * batches * 2 }, (_, index) => index + 1));
      const log = await setup.readLog("r1");
      // Each batch's two events are adjacent: no other process's event landed between them.
      for (let index = 0; index < log.length; index += 2) {
        expect(log[index + 1]?.owner).toBe(log[index]?.owner);
      }
    } finally {
      for (const child of children) child.kill();
    }
  });

  it("rejects bad options with one OptionsError: every problem with its path, unknown ones with a did-you-mean", () => {
    const error = optionsErrorThrownBy(
      () =>
        new SqliteStore({
          path: "",
          verify: "all",
          busyTimeoutMs: -1,
          locking: "none",
          checkpointPages: 0,
          readonly: true,
        } as never),
    );
    expect(error.where).toBe("new SqliteStore()");
    expect(error.issues).toEqual([
      { path: "path", message: 'expected a non-empty string, received ""' },
      { path: "verify", message: 'expected "header" or "full", received "all"' },
      { path: "busyTimeoutMs", message: "expected an integer >= 0, received -1" },
      { path: "locking", message: 'expected "shared" or "exclusive", received "none"' },
      { path: "checkpointPages", message: "expected an integer >= 1, received 0" },
      { path: "readonly", message: 'unknown option "readonly" (did you mean "readOnly"?)' },
    ]);
    expect(disagreements(sqliteStoreOptionsRule)).toEqual([]);
  });

  it("keeps appends gap-free when two handles take turns on one run", async () => {
    const path = newPath();
    const first = open(path);
    const second = open(path);
    await first.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    const seqs = [
      ...(await first.append("r1", [{ type: "a", at: 1 }])),
      ...(await second.append("r1", [{ type: "b", at: 2 }])),
      // first numbers from what it wrote last (1): it collides, writes nothing, and retries.
      ...(await first.append("r1", [
        { type: "c", at: 3 },
        { type: "d", at: 4 },
      ])),
      ...(await second.append("r1", [{ type: "e", at: 5 }])),
    ];
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect((await first.readLog("r1")).map((event) => `${event.seq}:${event.type}`)).toEqual([
      "1:a",
      "2:b",
      "3:c",
      "4:d",
      "5:e",
    ]);
  });

  it("still refuses an append to a run it does not hold after appending to others", async () => {
    const store = open(newPath());
    await store.createRun({ id: "r1", workflow: "w", status: "running", createdAt: 1 });
    await store.append("r1", [{ type: "a", at: 1 }]);
    await expect(store.append("r2", [{ type: "a", at: 1 }])).rejects.toMatchObject({
      code: "run-not-found",
    });
  });
});

function nextMessage(child: ReturnType<typeof fork>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`contender exited with code ${code}`)));
  });
}
