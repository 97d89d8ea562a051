import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/research-orchestrator.ts", () => {
  it("plans a team offline (rejecting a plan with a tool it may not use), runs it, and prints a flowchart, a trace and the cost", async () => {
    const { stdout } = await runExample(join(import.meta.dirname, "research-orchestrator.ts"));
    expect(stdout).toMatch(/^Answer: \[simulated:lead\] Based on plan_and_create_subagents/m);
    expect(stdout).toContain("plan_and_create_subagents ✓");
    expect(stdout).toContain("attempt 1: rejected (1 problem)");
    expect(stdout).toContain('agents[0].tools[1]: "shell" is not an available tool');
    expect(stdout).toContain("attempt 2: accepted · 3 subagents");
    expect(stdout).toMatch(
      /notes · scout · parallel[\s\S]*tools given: read_file[\s\S]*tools called: read_file ✓/,
    );
    expect(stdout).toMatch(/numbers · analyst · parallel[\s\S]*tools called: calculator ✓/);
    expect(stdout).toContain("brief · writer · sequential, after notes, numbers");
    expect(stdout).toContain("subagents created: 3 (scout, analyst, writer)");
    expect(stdout).toContain("tool calls: 3 (3 ✓, 0 ✗)");
    expect(stdout).toContain("execution modes: 1 delegation; tasks: 2 parallel, 1 sequential");
    expect(stdout).toMatch(/│ {2}└─ ✓ read_file \{"path":"README.md"\}/);
    expect(stdout).toMatch(/^designer +designer +2 +0 +0 +0 +0 +0\.0000¢$/m);
    expect(stdout).toMatch(
      /Cost: planning \d+\.\d{4}¢ \+ subagents \d+\.\d{4}¢ \+ tools 0\.0000¢ = \d+\.\d{4}¢/,
    );
  });
});
