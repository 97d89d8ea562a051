import { afterEach, describe, expect, it } from "vitest";
import { tempWorkspace } from "../cli/cli-harness.js";
import { sharedStore } from "./shared-store.js";

describe("sharedStore (the chaos campaign's shared-file part, short)", () => {
  const removals: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const remove of removals.splice(0)) await remove();
  });

  it("runs `baton run` processes side by side on one SQLite file, one killed mid-run, without an error", {
    timeout: 180_000,
  }, async () => {
    const { dir, remove } = await tempWorkspace();
    removals.push(remove);
    // Two lanes of two runs; the first of each is killed, and the second opens right after.
    const report = await sharedStore({ dir, processes: 2, runsEach: 2, killEvery: 2 });
    expect(report.errors).toEqual([]);
    expect(report.killed).toBe(2);
    expect(report.readProblems).toEqual([]);
    // Every run that started wrote its record, killed ones included.
    expect(report.storedRuns).toBe(4);
  });
});
