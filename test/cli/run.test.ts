import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../src/testing/index.js";
import { runBaton, startBaton, tempWorkspace } from "./cli-harness.js";

let server: FakeOpenAIServer;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await server.close();
  await workspace.remove();
});

/** A two-step spec on the fake server, priced so costs can be checked by hand. */
const briefSpec = (baseURL: string, extra = "") => `
name: brief
providers:
  fake:
    type: openai-compatible
    baseURL: ${baseURL}
    prices:
      writer-model: { inputPerMillion: 2, outputPerMillion: 8 }
      editor-model: { inputPerMillion: 1, outputPerMillion: 4 }
agents:
  writer: { model: fake:writer-model, instructions: Write briefly., retry: 1 }
  editor: { model: fake:editor-model, instructions: Edit for clarity., retry: 1 }
inputs:
  topic: { type: string }
  words: { type: integer, default: 50 }
steps:
  - id: draft
    agent: writer
    input: "Write {{input.words}} words on {{input.topic}}."
  - id: edit
    agent: editor
    dependsOn: draft
    input: "Edit this: {{steps.draft.text}}"
${extra}`;

const cents = (
  usage: { input: number; output: number },
  price: { input: number; output: number },
) => ((usage.input * price.input + usage.output * price.output) / 1_000_000) * 100;

describe("baton run", { timeout: 90_000 }, () => {
  it("prints one JSON object with status, output, steps, usage and cost, and exits 0", async () => {
    const spec = await workspace.write("brief.yaml", briefSpec(server.baseURL));
    server.enqueueFor("writer-model", {
      text: "Tides rise and fall.",
      usage: { promptTokens: 1200, completionTokens: 300 },
    });
    server.enqueueFor("editor-model", {
      text: "Tides rise and fall twice a day.",
      usage: { promptTokens: 400, completionTokens: 100 },
    });

    const { code, stdout, stderr } = await runBaton(
      ["run", spec, "--json", "--input", "topic=tides", "--input", "words=120"],
      { cwd: workspace.dir },
    );

    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout); // the whole of stdout is one JSON object
    expect(report).toMatchObject({
      workflow: "brief",
      status: "succeeded",
      output: "Tides rise and fall twice a day.",
      usage: { inputTokens: 1600, outputTokens: 400, totalTokens: 2000 },
    });
    expect(report.runId).toMatch(/^run_/);
    expect(report.steps.map((step: { id: string }) => step.id)).toEqual(["draft", "edit"]);
    const [draft, edit] = report.steps;
    expect(draft).toMatchObject({
      status: "succeeded",
      attempts: 1,
      model: "fake:writer-model",
      usage: { inputTokens: 1200, outputTokens: 300 },
    });
    expect(edit).toMatchObject({ status: "succeeded", attempts: 1, model: "fake:editor-model" });
    for (const step of report.steps) {
      expect(Date.parse(step.start)).not.toBeNaN();
      expect(Date.parse(step.end)).toBeGreaterThanOrEqual(Date.parse(step.start));
    }
    expect(Date.parse(edit.start)).toBeGreaterThanOrEqual(Date.parse(draft.end));

    // The cost is the server's reported usage times the spec's prices.
    const writerCents = cents({ input: 1200, output: 300 }, { input: 2, output: 8 });
    const editorCents = cents({ input: 400, output: 100 }, { input: 1, output: 4 });
    expect(draft.cost.totalCents).toBeCloseTo(writerCents, 10);
    expect(report.cost.modelCents).toBeCloseTo(writerCents + editorCents, 10);
    expect(report.cost.totalCents).toBeCloseTo(writerCents + editorCents, 10);
    expect(report.cost.byModel["fake:editor-model"]).toMatchObject({ calls: 1, failedCalls: 0 });
    expect(report.cost.byModel["fake:editor-model"].cents).toBeCloseTo(editorCents, 10);
    expect(server.usageTotals()).toMatchObject({ inputTokens: 1600, outputTokens: 400 });

    // --input values are typed by the spec's inputs and reach the templates.
    const prompt = JSON.stringify(server.requests[0]?.body?.messages);
    expect(prompt).toContain("Write 120 words on tides.");
  });

  it("shows progress on stderr, then the output, trace and cost table on stdout", async () => {
    const spec = await workspace.write("brief.yaml", briefSpec(server.baseURL));
    server.enqueueFor("writer-model", {
      text: "Draft.",
      usage: { promptTokens: 10, completionTokens: 5 },
    });
    server.enqueueFor("editor-model", {
      text: "Edited.",
      usage: { promptTokens: 20, completionTokens: 4 },
    });

    const { code, stdout, stderr } = await runBaton(
      ["run", "brief.yaml", "--input", "topic=tides"],
      {
        cwd: workspace.dir,
      },
    );

    expect(code).toBe(0);
    // Not a terminal: one plain line per change.
    expect(stderr).toContain("run brief started");
    // The progress the engine's events carry: steps ended of all, and the percentage.
    expect(stderr).toMatch(/step draft done in \S+ \(1\/2 steps, 50%, /);
    expect(stderr).toMatch(/run brief succeeded in \S+: 2\/2 steps, 100%, 2 succeeded/);
    expect(stdout).toMatch(/^Run run_\S+ \(brief\) succeeded/);
    expect(stdout).toContain("Output:\n  Edited.");
    expect(stdout).toMatch(
      /Trace:\n.*\n {2}├─ ✓ step draft → writer \(fake:writer-model\) · \S+ · 15 tokens · 0\.0060¢\n/,
    );
    expect(stdout).toMatch(/✓ draft\s+succeeded\s+fake:writer-model\s+1\s+10\s+5\s+\S+\s+0\.0060¢/);
    expect(stdout).toMatch(/total\s+succeeded\s+30\s+9/);
    expect(stdout).toMatch(/Cost: 0\.0\d{3}¢ for models \+ 0\.0000¢ for tools = 0\.0\d{3}¢/);
    // One money format: the progress line's total is the table's, to the digit.
    const progressTotal = /run brief succeeded .*, cost (\S+)$/m.exec(stderr)?.[1];
    const tableTotal = /^Cost: .* = (\S+)$/m.exec(stdout)?.[1];
    expect(progressTotal).toMatch(/^0\.0\d{3}¢$/);
    expect(progressTotal).toBe(tableTotal);
    void spec;
  });

  it("reads the base URL of openai-compatible: models from OPENAI_COMPATIBLE_BASE_URL", async () => {
    const spec = await workspace.write(
      "plain.json",
      JSON.stringify({
        name: "plain",
        agents: { helper: { model: "openai-compatible:local-model" } },
        steps: [{ id: "answer", agent: "helper", input: "Say hi." }],
      }),
    );
    server.enqueue({ text: "Hi there." });

    const { code, stdout } = await runBaton(["run", spec, "--json"], {
      cwd: workspace.dir,
      env: { OPENAI_COMPATIBLE_BASE_URL: server.baseURL },
    });

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ status: "succeeded", output: "Hi there." });
    // A model without a known price: its cost is unknown, not zero.
    expect(report.cost.modelCents).toBeNull();
    expect(report.cost.unpricedModels).toEqual(["openai-compatible:local-model"]);
    expect(server.requests[0]?.body?.model).toBe("local-model");
  });

  it("exits 1 when the run fails, with the step's error on stderr and in the JSON", async () => {
    const spec = await workspace.write("brief.yaml", briefSpec(server.baseURL));
    server.enqueueFor("writer-model", {
      fault: "server-error",
      status: 400,
      message: "This model does not take that request",
    });

    const { code, stdout, stderr } = await runBaton(["run", spec, "--json", "--input", "topic=x"], {
      cwd: workspace.dir,
    });

    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.status).toBe("failed");
    expect(report.steps[0]).toMatchObject({ id: "draft", status: "failed" });
    expect(report.steps[0].error.message).toContain("This model does not take that request");
    expect(report.steps[1]).toMatchObject({ id: "edit", status: "skipped" });
    expect(stderr).toMatch(/Run run_\S+ failed: .*This model does not take that request/);
  });

  it("passes --budget-cents to the run: a spent budget stops it before the next call", async () => {
    const spec = await workspace.write("brief.yaml", briefSpec(server.baseURL));
    server.enqueueFor("writer-model", {
      text: "Draft.",
      usage: { promptTokens: 5000, completionTokens: 1000 },
    });
    server.enqueueFor("editor-model", { text: "never sent" });

    const { code, stdout } = await runBaton(
      ["run", spec, "--json", "--budget-cents", "0.5", "--input", "topic=x"],
      { cwd: workspace.dir },
    );

    // The draft costs 1.8¢ (> 0.5¢), so the editor's call is refused.
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.status).toBe("failed");
    expect(report.steps[1].error.name).toBe("BudgetExceededError");
    expect(server.requests).toHaveLength(1);
  });

  it("runs at most --concurrency steps at once", async () => {
    const spec = await workspace.write(
      "pair.yaml",
      `
name: pair
providers: { fake: { type: openai-compatible, baseURL: ${server.baseURL} } }
agents: { helper: { model: fake:m } }
steps:
  - { id: left, agent: helper, input: Left. }
  - { id: right, agent: helper, input: Right. }
`,
    );
    server.enqueue({ text: "one", delayMs: 50 }, { text: "two", delayMs: 50 });

    const { code, stdout } = await runBaton(["run", spec, "--json", "--concurrency", "1"], {
      cwd: workspace.dir,
    });

    expect(code).toBe(0);
    const [first, second] = [...JSON.parse(stdout).steps].sort(
      (a, b) => Date.parse(a.start) - Date.parse(b.start),
    );
    expect(Date.parse(second.start)).toBeGreaterThanOrEqual(Date.parse(first.end));
  });
});

describe("baton run: interrupted", { timeout: 90_000 }, () => {
  it("cancels the run on SIGINT, records it in the store, and exits 1", async () => {
    await workspace.write(
      "slow.yaml",
      'name: slow\nagents: { a: { model: "simulated:a?latency=60000" } }\nsteps: [{ id: wait, agent: a }]\n',
    );
    const running = startBaton(["run", "slow.yaml"], { cwd: workspace.dir });
    await running.waitFor(/step wait started/, { stream: "stderr" });

    expect(await running.stop("SIGINT")).toBe(1);
    expect(running.stderr()).toMatch(
      /run slow cancelled in \S+ \(interrupted \(SIGINT\/SIGTERM\)\)/,
    );
    expect(running.stdout()).toMatch(/^Run run_\S+ \(slow\) cancelled/);
    const [run] = JSON.parse((await runBaton(["runs", "--json"], { cwd: workspace.dir })).stdout);
    expect(run).toMatchObject({ workflow: "slow", status: "cancelled" });
  });
});

describe("baton run: bad input exits 2", { timeout: 90_000 }, () => {
  it("names a spec file that does not exist", async () => {
    const { code, stdout, stderr } = await runBaton(["run", "missing.yaml"], {
      cwd: workspace.dir,
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Cannot read the spec missing.yaml: no such file");
  });

  it("lists every problem of an invalid spec with its path and line", async () => {
    await workspace.write(
      "broken.yaml",
      `name: broken
agents:
  researcher: { model: simulated:r }
steps:
  - id: facts
    agent: researchr
  - id: draft
    agent: researcher
    dependsOn: factz
`,
    );
    const { code, stderr } = await runBaton(["run", "broken.yaml"], { cwd: workspace.dir });
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid spec broken.yaml (2 problems)");
    expect(stderr).toMatch(/steps\[0\]\.agent \(line 6, column \d+\): unknown agent "researchr"/);
    expect(stderr).toMatch(/steps\[1\]\.dependsOn \(line 9, column \d+\): unknown step "factz"/);
  });

  it("names a flag with a bad value", async () => {
    await workspace.write(
      "ok.yaml",
      "name: ok\nagents: { a: { model: simulated:a } }\nsteps: [{ id: s, agent: a }]\n",
    );
    const concurrency = await runBaton(["run", "ok.yaml", "--concurrency", "abc"], {
      cwd: workspace.dir,
    });
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain("option '--concurrency <n>' argument 'abc' is invalid");
    expect(concurrency.stderr).toContain("Expected a whole number >= 1.");

    const budget = await runBaton(["run", "ok.yaml", "--budget-cents", "-1"], {
      cwd: workspace.dir,
    });
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain("option '--budget-cents <n>' argument '-1' is invalid");

    const unknown = await runBaton(["run", "ok.yaml", "--concurency", "2"], { cwd: workspace.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--concurency'");
  });

  it("names inputs that do not fit the spec, and runs nothing", async () => {
    const spec = await workspace.write("brief.yaml", briefSpec(server.baseURL));
    const typed = await runBaton(["run", spec, "--input", "topic=x", "--input", "words=many"], {
      cwd: workspace.dir,
    });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain("--input words=many: expected an integer");

    const missing = await runBaton(["run", spec, "--input", "topc=x"], { cwd: workspace.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("input.topic: required");
    expect(missing.stderr).toContain("input.topc: unknown input");
    expect(server.requests).toHaveLength(0);
  });
});
