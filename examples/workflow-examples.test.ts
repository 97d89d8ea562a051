import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample as runScript } from "../test/support/run-example.js";

const runExample = (file: string) => runScript(join(import.meta.dirname, file));

describe("examples/workflow-*.ts", () => {
  it("has a test for every workflow example", () => {
    const files = readdirSync(import.meta.dirname).filter(
      (file) => file.startsWith("workflow-") && file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    expect(files.sort()).toEqual(["workflow-limits.ts", "workflow-research.ts", "workflow-sse.ts"]);
  });

  it("workflow-research.ts starts ready steps by priority, loops, routes, and prints what each step cost", async () => {
    const { stdout, stderr } = await runExample("workflow-research.ts");
    // Concurrency 2: the two highest-priority researchers start first, the third once one ends.
    expect(stdout).toMatch(/^start plan\nend {3}plan\nstart background\nstart recent$/m);
    expect(stdout).toMatch(/^end {3}(background|recent)$[\s\S]*^start outlook$/m);
    expect(stdout).toMatch(/^ {6}background called search \(0\.05¢\)$/m);
    expect(stdout).toMatch(/^start draft \(iteration 2\)$/m);
    expect(stdout).toMatch(/^end {3}draft: 2 iterations$/m);
    // The route runs one successor and skips the other.
    const chosen = /^end {3}review: route -> (publish|revise)$/m.exec(stdout)?.[1];
    expect(chosen).toBeDefined();
    const other = chosen === "publish" ? "revise" : "publish";
    expect(stdout).toContain(`skip  ${other} (route)`);
    expect(stdout).toContain(`start ${chosen}`);
    expect(stdout).toMatch(/^run {3}run-end$/m);
    expect(stdout).toMatch(/^Status: succeeded$/m);
    expect(stdout).toMatch(/^ {2}plan {7}succeeded [1-9]\d* tokens, 0\.\d{5}¢$/m);
    expect(stdout).toMatch(new RegExp(`^  ${other}\\s+skipped\\s+route$`, "m"));
    expect(stdout).toMatch(
      /^Total: [1-9]\d* tokens \(\d+ in, \d+ out\); 0\.\d{5}¢ = models 0\.\d{5}¢ \+ tools 0\.15000¢$/m,
    );
    expect(stderr).toBe("");
  });

  it("workflow-limits.ts shows model limits, a circuit breaker and budgets on virtual time", async () => {
    const { stdout, stderr } = await runExample("workflow-limits.ts");
    // Two calls at once, three a minute: the fourth call waits for the request bucket.
    expect(stdout).toContain(
      [
        "  t=0s intro: model call starts",
        "  t=0s method: model call starts",
        "  t=2s results: model call starts",
        "  t=2s summary: waits 18s for the rate limit",
        "  t=20s summary: model call starts",
        "  succeeded at t=22s; at most 2 calls ran at once",
      ].join("\n"),
    );
    // Three 503s open the circuit; then calls go straight to the fallback.
    expect(stdout).toMatch(/^ {2}t=\d+s batch-2: circuit-open for function:flakyProvider$/m);
    expect(stdout).toMatch(
      /^ {2}t=\d+s batch-3: falls back function:flakyProvider -> simulated:backup$/m,
    );
    expect(stdout).not.toMatch(/batch-3: function:flakyProvider failed/);
    expect(stdout).toMatch(/^ {2}batch-3 answered by simulated:backup$/m);
    // A minute later, one trial call succeeds and closes the circuit.
    expect(stdout).toMatch(/batch-4: circuit-half-open for function:flakyProvider$/m);
    expect(stdout).toMatch(/batch-4: circuit-close for function:flakyProvider$/m);
    expect(stdout).toMatch(/^ {2}batch-4 answered by function:flakyProvider$/m);
    expect(stdout).toMatch(/^ {2}flakyProvider was called 4 times$/m);
    // Budgets: switch, stop, pause, then resume with a bigger budget.
    expect(stdout).toMatch(
      /^ {2}switchTo: succeeded; outline=simulated:drafter, draft=simulated:drafter, polish=simulated:cheap; \d+ tokens$/m,
    );
    expect(stdout).toMatch(/^ {2}stop: failed; .*polish=failed; \d+ tokens$/m);
    expect(stdout).toMatch(/^ {4}BudgetExceededError: run spent \d+ of 250 tokens$/m);
    expect(stdout).toMatch(/^ {2}pause: waiting; .*polish=running; \d+ tokens$/m);
    expect(stdout).toMatch(/^ {4}waitReason: budget-exceeded$/m);
    expect(stdout).toMatch(/^ {2}resumed: succeeded; .*polish=simulated:drafter; \d+ tokens$/m);
    expect(stderr).toBe("");
  });

  it("workflow-sse.ts streams a run's events over SSE on 127.0.0.1, reads them with fetch, and exits", async () => {
    const { stdout, stderr } = await runExample("workflow-sse.ts");
    expect(stdout).toMatch(/^Serving on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^POST \/runs -> 201 run_\w+$/m);
    expect(stdout).toMatch(/^GET \/runs\/:id\/events -> 200 text\/event-stream; charset=utf-8$/m);
    expect(stdout).toMatch(/^<- run-start\n<- workflow-start\n<- step-start outline$/m);
    expect(stdout).toMatch(/^<- step-end draft\n<- step-start words\n<- step-end words$/m);
    expect(stdout).toMatch(/^<- workflow-end\n<- run-end output=[1-9]\d*$/m);
    expect(stdout).toMatch(/^The stream ended after 18 events$/m);
    expect(stdout).toMatch(/^Run succeeded: [1-9]\d* tokens\nServer closed$/m);
    expect(stderr).toBe("");
  });
});
