import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../src/testing/index.js";
import { runBaton, tempWorkspace } from "./cli-harness.js";

const SUPPORT_ROUTING = fileURLToPath(
  new URL("../../examples/support-routing.yaml", import.meta.url),
);

let server: FakeOpenAIServer;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
/** `baton run --json` of the routing example, and of a run that failed. */
let routed: { runId: string; [key: string]: unknown };
let failed: { runId: string; [key: string]: unknown };

beforeAll(async () => {
  server = await startFakeOpenAIServer();
  workspace = await tempWorkspace();
  const first = await runBaton(["run", SUPPORT_ROUTING, "--json"], { cwd: workspace.dir });
  expect(first.code).toBe(0);
  routed = JSON.parse(first.stdout);

  await workspace.write(
    "flaky.yaml",
    `name: flaky
providers: { fake: { type: openai-compatible, baseURL: ${server.baseURL} } }
agents: { helper: { model: fake:m, retry: 1 } }
steps: [{ id: only, agent: helper, input: Go. }]
`,
  );
  server.enqueue({ fault: "server-error", status: 400, message: "nope" });
  const second = await runBaton(["run", "flaky.yaml", "--json"], { cwd: workspace.dir });
  expect(second.code).toBe(1);
  failed = JSON.parse(second.stdout);
});
afterAll(async () => {
  await server.close();
  await workspace.remove();
});

describe("baton runs", { timeout: 90_000 }, () => {
  it("lists recent runs from the store, newest first: id, workflow, status, start, duration, cost", async () => {
    const { code, stdout } = await runBaton(["runs"], { cwd: workspace.dir });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+workflow\s+status\s+started \(UTC\)\s+duration\s+cost$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${failed.runId}\\s+flaky\\s+failed\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+0\\.0000¢$`,
      ),
    );
    expect(lines[3]).toMatch(
      new RegExp(`^${routed.runId}\\s+support-routing\\s+succeeded\\s.*\\d\\.\\d{4}¢$`),
    );
    expect(lines).toHaveLength(4);
  });

  it("prints JSON, filters by status and limits the count", async () => {
    const all = await runBaton(["runs", "--json"], { cwd: workspace.dir });
    expect(JSON.parse(all.stdout).map((run: { id: string }) => run.id)).toEqual([
      failed.runId,
      routed.runId,
    ]);
    const succeeded = await runBaton(["runs", "--json", "--status", "succeeded"], {
      cwd: workspace.dir,
    });
    const rows = JSON.parse(succeeded.stdout);
    expect(rows).toEqual([
      expect.objectContaining({
        id: routed.runId,
        workflow: "support-routing",
        status: "succeeded",
        costCents: (routed.cost as { totalCents: number }).totalCents,
      }),
    ]);
    const limited = await runBaton(["runs", "--json", "--limit", "1"], { cwd: workspace.dir });
    expect(JSON.parse(limited.stdout)).toHaveLength(1);
    const bad = await runBaton(["runs", "--status", "done"], { cwd: workspace.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "argument 'done' is invalid. Allowed choices are pending, running",
    );
  });

  it("says there are no runs yet when the store does not exist, and creates nothing", async () => {
    const empty = await tempWorkspace();
    try {
      const { code, stdout } = await runBaton(["runs"], { cwd: empty.dir });
      expect(code).toBe(0);
      expect(stdout).toContain("No runs yet");
      expect(existsSync(join(empty.dir, ".baton"))).toBe(false);
    } finally {
      await empty.remove();
    }
  });
});

describe("baton show", { timeout: 90_000 }, () => {
  it("--json prints the same report that baton run --json printed", async () => {
    const { code, stdout } = await runBaton(["show", routed.runId, "--json"], {
      cwd: workspace.dir,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(routed);
  });

  it("--trace prints each step with its agent, model, time and spend, then a table per agent", async () => {
    const { stdout } = await runBaton(["show", routed.runId, "--trace"], { cwd: workspace.dir });
    const category = (routed.output as { category: string }).category;
    const total = `${(routed.cost as { totalCents: number }).totalCents.toFixed(4)}¢`;
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `workflow support-routing ${routed.runId} · succeeded · 5 steps · ${(routed.usage as { totalTokens: number }).totalTokens} tokens · ${total}`,
    );
    expect(lines[1]).toMatch(
      /^├─ ✓ step triage \(simulated:triage\) · \S+ · \d+ tokens · \d\.\d{4}¢$/,
    );
    expect(stdout).toMatch(new RegExp(`✓ step ${category} \\(simulated:${category}\\) · `));
    for (const id of ["billing", "technical", "general"].filter((id) => id !== category))
      expect(stdout).toContain(`○ step ${id} · skipped (route)`);
    expect(stdout).toMatch(/└─ ✓ step reply → writer \(simulated:writer\) · /);
    expect(stdout).toContain("Tokens and cost per agent");
    expect(stdout).toMatch(new RegExp(`^total +4 +\\d+ +\\d+ +\\d+ +\\d+ +${total}$`, "m"));
  });

  it("--flowchart draws each step with the steps it waited for and how it ended", async () => {
    const { stdout } = await runBaton(["show", routed.runId, "--flowchart"], {
      cwd: workspace.dir,
    });
    const category = (routed.output as { category: string }).category;
    const total = `${(routed.cost as { totalCents: number }).totalCents.toFixed(4)}¢`;
    expect(stdout).toContain(`| WORKFLOW support-routing · ${routed.runId} · succeeded |`);
    expect(stdout).toMatch(/\| triage +\|\n.*\| succeeded · simulated:triage · \S+ · \d+ tokens/);
    expect(stdout).toMatch(
      new RegExp(
        `\\| ${category} · after triage +\\|\\n(.*\\n)?.*\\| succeeded · simulated:${category} · `,
      ),
    );
    for (const id of ["billing", "technical", "general"].filter((id) => id !== category))
      expect(stdout).toMatch(
        new RegExp(`\\| ${id} · after triage +\\|\\n.*\\| skipped \\(route\\) +\\|`),
      );
    expect(stdout).toMatch(/\| reply · writer · after billing, technical, general +\|/);
    expect(stdout).toContain("  steps: 5 (3 succeeded, 2 skipped)");
    expect(stdout).toMatch(new RegExp(`  total: \\d+ tokens · ${total}\\n$`));
  });

  it("--mermaid prints a Mermaid flowchart with route-skipped edges dashed", async () => {
    const { stdout } = await runBaton(["show", routed.runId, "--mermaid"], { cwd: workspace.dir });
    const category = (routed.output as { category: string }).category;
    const node = (id: string) =>
      new RegExp(` {4}(t\\d+)\\["${id}( · \\w+)? [✓○]`).exec(stdout)?.[1];
    expect(
      stdout.startsWith(`flowchart TD\n  subgraph w1["support-routing ${routed.runId}"]\n`),
    ).toBe(true);
    expect(stdout).toContain(`    ${node("triage")}["triage ✓<br/>simulated:triage"]`);
    expect(stdout).toContain(`    ${node("triage")} --> ${node(category)}\n`);
    const skipped = ["billing", "technical", "general"].filter((id) => id !== category);
    for (const id of skipped) expect(stdout).toContain(`    ${node("triage")} -.-> ${node(id)}\n`);
    expect(stdout).toContain(`    ${node(category)} --> ${node("reply")}\n`);
    expect(stdout).toContain(`  class ${skipped.map(node).join(",")} skipped`);
  });

  it("with no view prints the output, trace and cost table", async () => {
    const { code, stdout } = await runBaton(["show", failed.runId], { cwd: workspace.dir });
    expect(code).toBe(0);
    expect(stdout).toContain(`Run ${failed.runId} (flaky) failed`);
    expect(stdout).toMatch(/└─ ✗ step only → helper \(fake:m\).*\n {5}└─ error: \S+: nope/);
    expect(stdout).toMatch(/✗ only\s+failed/);
  });

  it("exits 2 for an unknown run, two views at once, or a missing store", async () => {
    const unknown = await runBaton(["show", "run_nope"], { cwd: workspace.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`Unknown run "run_nope"`);
    expect(unknown.stderr).toContain(routed.runId);

    const both = await runBaton(["show", routed.runId, "--trace", "--json"], {
      cwd: workspace.dir,
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("choose one of --flowchart, --trace, --mermaid, --json");

    const elsewhere = await runBaton(["show", routed.runId, "--store", "other/runs.db"], {
      cwd: workspace.dir,
    });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`No run store at ${join(workspace.dir, "other/runs.db")}`);
  });

  it("reads the store that --store names, as run wrote it", async () => {
    const run = await runBaton(["run", SUPPORT_ROUTING, "--json", "--store", "elsewhere.db"], {
      cwd: workspace.dir,
    });
    const { runId } = JSON.parse(run.stdout);
    const shown = await runBaton(["show", runId, "--json", "--store", "elsewhere.db"], {
      cwd: workspace.dir,
    });
    expect(JSON.parse(shown.stdout).runId).toBe(runId);
    const defaultStore = await runBaton(["show", runId], { cwd: workspace.dir });
    expect(defaultStore.code).toBe(2);
  });
});

describe("baton stats", { timeout: 90_000 }, () => {
  it("sums up the stored runs: statuses, steps, latency by model, usage and cost", async () => {
    const { code, stdout } = await runBaton(["stats", "--json"], { cwd: workspace.dir });
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    const runs = JSON.parse((await runBaton(["runs", "--json"], { cwd: workspace.dir })).stdout);
    expect(stats.runs.total).toBe(runs.length);
    expect(stats.runs.byStatus.failed).toBe(1);
    expect(stats.runs.byStatus.succeeded).toBe(runs.length - 1);
    expect(stats.latency.byModel["simulated:triage"].count).toBe(runs.length - 1);
    expect(stats.steps.byStatus.skipped).toBe(2 * (runs.length - 1));

    const text = await runBaton(["stats"], { cwd: workspace.dir });
    expect(text.stdout).toMatch(
      new RegExp(`^Runs: ${runs.length} \\(${runs.length - 1} succeeded, 1 failed\\)`),
    );
    expect(text.stdout).toMatch(/model\s+count\s+average\s+p50\s+p95\s+max\n/);
    expect(text.stdout).toMatch(
      new RegExp(`^run\\s+count.*\\n[- ]+\\n\\s*whole runs\\s+${runs.length}\\s`, "m"),
    );
    expect(text.stdout).toMatch(
      /^Agents: \d+ runs, \d+ tool calls \([\d.]+ per run\); response cache: 0 hits, 0 misses \(hit rate -\)$/m,
    );
    expect(text.stdout).toMatch(/simulated:triage\s+\d+\s+\S+/);
  });

  it("counts only the workflow --workflow names, and runs --since a time", async () => {
    const flaky = JSON.parse(
      (await runBaton(["stats", "--json", "--workflow", "flaky"], { cwd: workspace.dir })).stdout,
    );
    expect(flaky.runs).toMatchObject({ total: 1, byStatus: { failed: 1 } });
    const future = JSON.parse(
      (await runBaton(["stats", "--json", "--since", "2999-01-01"], { cwd: workspace.dir })).stdout,
    );
    expect(future.runs.total).toBe(0);
    const bad = await runBaton(["stats", "--since", "yesterday-ish"], { cwd: workspace.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--since <when>' argument 'yesterday-ish' is invalid");
  });
});
