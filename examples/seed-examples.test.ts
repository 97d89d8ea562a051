import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample as runScript } from "../test/support/run-example.js";

const runExample = (file: string) => runScript(join(import.meta.dirname, file));

/** The examples of what the enterprise orchestration seed asked for (issue 16). */
describe("examples of the orchestration layer", () => {
  it("agent-registry.ts routes around an unhealthy agent, balances by load, falls back, and counts", async () => {
    const { stdout, stderr } = await runExample("agent-registry.ts");
    expect(stdout).toMatch(/^ {2}analyse -> analyst-a\n {2}primary healthy: false$/m);
    const balanced = /^ {2}analyse-1 -> (analyst-[ab])\n {2}analyse-2 -> (analyst-[ab])$/m.exec(
      stdout,
    );
    expect(balanced?.[1]).not.toBe(balanced?.[2]);
    expect(stdout).toContain(
      "  summary -> backup (after summariser failed: 503 Service Unavailable)\n  status: succeeded, answered by simulated:backup",
    );
    expect(stdout).toContain('agents: 5, enabled: 5, capabilities: {"analysis":3,"summary":2}');
    expect(stdout).toMatch(/^ {2}summariser: 1 calls, 1 errors, p95 \d+ ms$/m);
    expect(stdout).toMatch(/^ {2}primary: 0 calls, 0 errors, p95 - ms$/m);
    expect(stdout).toMatch(/^After the primary recovers, routes pick: primary$/m);
    expect(stdout).toMatch(
      /^5\. An orchestrator delegates to the route.*\n( {2}[\w-]+ \(summary\) answered by simulated:backup\n)+/m,
    );
    expect(stderr).toBe("");
  });

  it("response-cache.ts answers repeats from the cache at no cost, in memory and in SQLite", async () => {
    const { stdout, stderr } = await runExample("response-cache.ts");
    expect(stdout).toMatch(/^ {2}ask 1: model called, [1-9]\d* tokens, 0\.\d*[1-9]\d*¢$/m);
    expect(stdout).toMatch(/^ {2}ask 2: from the cache, 0 tokens, 0\.00000¢$/m);
    expect(stdout).toMatch(
      /^ {2}first: model called, 0\.\d+¢\n {2}second: from the cache, 0\.00000¢$/m,
    );
    expect(stdout).toMatch(/^ {2}first run: 2 agent steps, 0\.\d*[1-9]\d*¢$/m);
    expect(stdout).toMatch(/^ {2}second run: 2 agent steps, 0\.00000¢$/m);
    expect(stdout).toMatch(/^ {2}2 hits, 2 misses: hit rate 50%$/m);
    expect(stderr).toBe("");
  });

  it("prompt-compression.ts brings a conversation within its limit, trimmed or summarised", async () => {
    const { stdout, stderr } = await runExample("prompt-compression.ts");
    const original = Number(/^26 messages, (\d+) tokens$/m.exec(stdout)?.[1]);
    expect(original).toBeGreaterThan(300);
    const trimmed = Number(
      /^Trimmed: +\d+ messages, (\d+) tokens \(\d+ dropped\)$/m.exec(stdout)?.[1],
    );
    const summarised = Number(
      /^Summarised: \d+ messages, (\d+) tokens \(\d+ folded into one summary\)$/m.exec(stdout)?.[1],
    );
    expect(trimmed).toBeLessThanOrEqual(300);
    expect(summarised).toBeLessThanOrEqual(300);
    expect(stdout).toMatch(/^ {2}roles: system user user assistant/m);
    expect(stdout).toMatch(
      /^As an agent option: \d+ -> \d+ tokens before the run\n {2}model calls: summary, step$/m,
    );
    expect(stderr).toBe("");
  });

  it("tool-batching.ts answers a step's three tool calls with one round trip", async () => {
    const { stdout, stderr } = await runExample("tool-batching.ts");
    expect(stdout).toContain("The model made 3 tool calls in one step:");
    expect(stdout).toContain(
      "They took 1 round trip: SELECT name FROM customers WHERE id IN ('c1', 'c2', 'c3')",
    );
    expect(stdout).toContain("batchCalls: Grace Hopper and Ada Lovelace, in 1 more round trip");
    expect(stderr).toBe("");
  });

  it("prefetch.ts loads context while the research runs, and shows the makespan saved", async () => {
    const { stdout, stderr } = await runExample("prefetch.ts");
    expect(stdout).toContain(
      "Loading in the step:\n  research         0 s -> 4 s\n  answer           4 s -> 7.5 s\n  makespan 7.5 s",
    );
    expect(stdout).toContain(
      "  answer-policy    0 s -> 1.5 s\n  answer-history   0 s -> 2.5 s\n  answer           4 s -> 5 s\n  makespan 5 s",
    );
    expect(stdout).toContain("Prefetch saved 2.5 s (33%)");
    expect(stderr).toBe("");
  });

  it("partial-success.ts completes a cascade and an orchestration with one agent failed", async () => {
    const { stdout, stderr } = await runExample("partial-success.ts");
    expect(stdout).toContain("1. cascade: succeeded, some agents failed: search-3");
    expect(stdout).toContain("   the writer used: search-1, search-2, search-4");
    expect(stdout).toContain(
      "2. orchestration: succeeded; Survey of Germany and France (missing: spain, iberia)",
    );
    expect(stdout).toContain(
      "   spain: failed (the Spanish data feed timed out)\n   iberia: skipped",
    );
    expect(stderr).toBe("");
  });

  it("mcp-http.ts gives an agent the tools of an MCP server over Streamable HTTP on 127.0.0.1", async () => {
    const { stdout, stderr } = await runExample("mcp-http.ts");
    expect(stdout).toMatch(/^MCP server on http:\/\/127\.0\.0\.1:\d+\/mcp$/m);
    expect(stdout).toContain("Connected over streamable-http to inventory 1.0.0");
    expect(stdout).toContain("Tools: inventory_stock_level");
    expect(stdout).toMatch(/^The agent called inventory_stock_level: \{"sku":".*","units":42\}$/m);
    expect(stdout).toMatch(/Server closed$/m);
    expect(stderr).toBe("");
  });
});
