import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { openDurable } from "../durable/open-durable.js";
import { workflow } from "../runtime/workflow.js";
import { openStoreLocation } from "./open-store-location.js";
import type { StoreAdapter } from "./store-adapter.js";
import { StoreError } from "./store-error.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-store-url-"));
  dirs.push(dir);
  return dir;
};

describe("openStoreLocation", () => {
  it("opens sqlite:<path> and a bare path as SQLite files, relative to cwd", async () => {
    const cwd = tempDir();
    for (const location of ["sqlite:runs/a.db", "runs/b.db", `sqlite://${join(cwd, "c.db")}`]) {
      const opened = await openStoreLocation(location, { cwd });
      await opened.runs.createRun({ id: "r", workflow: "w", status: "pending", createdAt: 1 });
      expect(opened.schedules).toBeDefined();
      await opened.close();
    }
    expect(["runs/a.db", "runs/b.db", "c.db"].map((file) => existsSync(join(cwd, file)))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("opens memory: as a fresh in-process store with schedules", async () => {
    const first = await openStoreLocation("memory:");
    const second = await openStoreLocation("memory:");
    await first.runs.createRun({ id: "r", workflow: "w", status: "pending", createdAt: 1 });
    expect(await second.runs.getRun("r")).toBeUndefined();
    expect(await first.schedules?.listSchedules()).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it("refuses a scheme no adapter opens, naming the ones it knows, and creates nothing", async () => {
    const cwd = tempDir();
    const error = await openStoreLocation("redis://127.0.0.1:6379/0", { cwd }).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'No store opens "redis:" locations (redis://127.0.0.1:6379/0); known: sqlite:, memory:, postgres:, postgresql:, or a file path for SQLite',
    );
    expect(existsSync(join(cwd, "redis:"))).toBe(false);
  });

  it("with mustExist, fails on a missing SQLite file without creating it", async () => {
    const cwd = tempDir();
    const error = await openStoreLocation("sqlite:missing.db", { cwd, mustExist: true }).catch(
      (caught: unknown) => caught,
    );
    expect(StoreError.isInstance(error) && error.code).toBe("store-not-found");
    expect(existsSync(join(cwd, "missing.db"))).toBe(false);
  });

  it("opens a scheme through an adapter given in options", async () => {
    const opened: string[] = [];
    const adapter: StoreAdapter = {
      schemes: ["test"],
      async open(location) {
        opened.push(location.rest);
        const { MemoryStore } = await import("./memory/memory-store.js");
        const store = new MemoryStore();
        return { runs: store, schedules: undefined, close: () => store.close() };
      },
    };
    const stores = await openStoreLocation("test:somewhere", { adapters: [adapter] });
    expect(opened).toEqual(["somewhere"]);
    expect(stores.schedules).toBeUndefined();
    await stores.close();
  });
});

describe("Durable APIs and store locations", () => {
  it("take memory: and sqlite: locations, and refuse unknown schemes", async () => {
    const flow = workflow("w").step("s", () => "done");
    const durable = await openDurable({ store: "memory:", workflows: { w: flow } });
    expect((await durable.start(flow, undefined).result).status).toBe("succeeded");
    await durable.close();
    const file = join(tempDir(), "runs.db");
    const onFile = await openDurable({ store: `sqlite:${file}` });
    expect((await onFile.start(flow, undefined).result).output).toBe("done");
    await onFile.close();
    await expect(openDurable({ store: "redis://127.0.0.1:6379" })).rejects.toThrow(
      /No store opens "redis:" locations/,
    );
  });
});
