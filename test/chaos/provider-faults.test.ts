import { afterEach, describe, expect, it } from "vitest";
import { tempWorkspace } from "../cli/cli-harness.js";
import { providerFaults } from "./provider-faults.js";

describe("providerFaults (the chaos campaign's provider part, short)", () => {
  const removals: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const remove of removals.splice(0)) await remove();
  });

  it("completes every run through 429s, 500s, hangs and malformed JSON, bills exactly what was served, and never writes the key", {
    timeout: 120_000,
  }, async () => {
    const { dir, remove } = await tempWorkspace();
    removals.push(remove);
    // Seed 1 serves every kind of fault in these four runs (checked below), so the figures
    // are about faults, not about a lucky draw.
    const report = await providerFaults({ dir, runs: 4, concurrency: 2, seed: 1, callMs: 2000 });
    expect(report.failures).toEqual([]);
    expect(report.completed).toBe(4);
    expect(report.mismatches).toEqual([]);
    expect(report.usageExact).toBe(4);
    expect(report.secretHits).toEqual({ store: 0, events: 0, cli: 0 });
    expect(report.replies["rate-limit"]).toBeGreaterThan(0);
    expect(report.replies["server-error"]).toBeGreaterThan(0);
    expect(report.replies.hang).toBeGreaterThan(0);
    expect(report.replies["malformed-json"]).toBeGreaterThan(0);
    expect(report.keyQuotedBack).toBe(report.replies["server-error"]);
  });
});
