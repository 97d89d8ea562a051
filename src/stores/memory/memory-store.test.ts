import { describe, expect, it } from "vitest";
import { runStoreConformance } from "../../core/ports/run-store.conformance.js";
import { scheduleStoreConformance } from "../../core/ports/schedule-store.conformance.js";
import { disagreements } from "../../core/test-support/rule-agreement.js";
import { optionsErrorThrownBy } from "../../core/test-support/thrown-by.js";
import { MemoryStore } from "./memory-store.js";
import { memoryStoreOptionsRule } from "./memory-store-options-rule.js";

runStoreConformance("MemoryStore", async () => ({ store: new MemoryStore() }));
runStoreConformance("MemoryStore with JSON copies", async () => ({
  store: new MemoryStore({ copy: "json" }),
}));
function schedulesOf(runs: MemoryStore) {
  return { store: runs.schedules, close: () => runs.close() };
}
scheduleStoreConformance("MemoryStore", async () => schedulesOf(new MemoryStore()));
scheduleStoreConformance("MemoryStore with JSON copies", async () =>
  schedulesOf(new MemoryStore({ copy: "json" })),
);

describe("MemoryStore", () => {
  it("shares nested payloads by reference in shallow mode, to keep append cheap", async () => {
    const store = new MemoryStore();
    await store.createRun({ id: "r", workflow: "w", status: "running", createdAt: 0 });
    const output = { text: "hi" };
    await store.append("r", [{ type: "step-end", at: 0, output }]);
    const [read] = await store.readLog("r");
    expect(read?.output).toBe(output);
  });

  it("stores what JSON keeps in json mode, as a durable store would", async () => {
    const store = new MemoryStore({ copy: "json" });
    await store.createRun({ id: "r", workflow: "w", status: "running", createdAt: 0 });
    const when = new Date(Date.UTC(2026, 0, 2));
    const output = { text: "hi", when, gone: undefined };
    await store.append("r", [{ type: "step-end", at: 0, output }]);
    const [read] = await store.readLog("r");
    expect(read?.output).toEqual({ text: "hi", when: "2026-01-02T00:00:00.000Z" });
    expect(read?.output).not.toBe(output);
  });

  it("appends nothing in json mode when one event cannot be serialized", async () => {
    const store = new MemoryStore({ copy: "json" });
    await store.createRun({ id: "r", workflow: "w", status: "running", createdAt: 0 });
    const bad = { type: "b", at: 0, big: 1n };
    await expect(store.append("r", [{ type: "a", at: 0 }, bad])).rejects.toThrow(TypeError);
    expect(await store.readLog("r")).toEqual([]);
  });

  it("rejects an unknown copy mode or option with one OptionsError naming each", () => {
    const error = optionsErrorThrownBy(
      () => new MemoryStore({ copy: "deep", cpy: "json" } as never),
    );
    expect(error.where).toBe("new MemoryStore()");
    expect(error.issues).toEqual([
      { path: "copy", message: 'expected "shallow" or "json", received "deep"' },
      { path: "cpy", message: 'unknown option "cpy" (did you mean "copy"?)' },
    ]);
    expect(disagreements(memoryStoreOptionsRule)).toEqual([]);
  });
});
