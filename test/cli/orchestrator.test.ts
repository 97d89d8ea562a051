import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DELEGATE_TOOL, PLAN_TOOL } from "../../src/orchestrator/index.js";
import {
  type FakeOpenAIServer,
  type FakeRequest,
  startFakeOpenAIServer,
} from "../../src/testing/index.js";
import { runBaton, startBaton, tempWorkspace } from "./cli-harness.js";

let server: FakeOpenAIServer;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
let env: Record<string, string>;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
  workspace = await tempWorkspace();
  env = { OPENAI_COMPATIBLE_BASE_URL: server.baseURL };
});
afterEach(async () => {
  await server.close();
  await workspace.remove();
});

const PRICES = {
  "main-model": { input: 3, output: 15 },
  "designer-model": { input: 2, output: 8 },
  "sub-model": { input: 0.5, output: 1.5 },
  "flaky-model": { input: 1, output: 2 },
  "backup-model": { input: 4, output: 16 },
};
/** The providers section: the fake server's prices, by model id. */
const pricesYaml = `providers:
  openai-compatible:
    prices:
${Object.entries(PRICES)
  .map(
    ([model, price]) =>
      `      ${model}: { inputPerMillion: ${price.input}, outputPerMillion: ${price.output} }`,
  )
  .join("\n")}`;

/** Cents of calls of `model` at the prices above, from the usage the server reported. */
function centsOf(model: keyof typeof PRICES, usage: { prompt: number; completion: number }[]) {
  const price = PRICES[model];
  return usage.reduce(
    (sum, call) => sum + ((call.prompt * price.input + call.completion * price.output) / 1e6) * 100,
    0,
  );
}

const promptOf = (request: FakeRequest | undefined) =>
  JSON.stringify(request?.body?.messages ?? []);

describe("baton run: orchestrator specs", { timeout: 90_000 }, () => {
  it("plans subagents (an invalid plan first), runs them in parallel, and bills exactly what the server reported", async () => {
    const spec = await workspace.write(
      "research.yaml",
      `kind: orchestrator
name: research
mainAgent: { name: lead, model: openai-compatible:main-model }
designerModel: openai-compatible:designer-model
subagentModel: openai-compatible:sub-model
tools: { calculator: true }
availableTools: [calculator]
maxParallelTasks: 4
${pricesYaml}
task: Compare tidal and wave power.
`,
    );
    const invalidPlan = {
      agents: [
        {
          name: "tides",
          instructions: "Research tidal power.",
          tools: ["shell"],
          tasks: [{ id: "tidal", description: "Summarise tidal power." }],
        },
      ],
    };
    const validPlan = {
      agents: [
        {
          name: "tides",
          instructions: "Research tidal power.",
          tools: [],
          tasks: [{ id: "tidal", description: "Summarise tidal power." }],
        },
        {
          name: "waves",
          instructions: "Research wave power.",
          tools: ["calculator"],
          tasks: [{ id: "wave", description: "Summarise wave power." }],
        },
      ],
    };
    const usage = {
      main: [
        { prompt: 900, completion: 40 },
        { prompt: 1500, completion: 200 },
      ],
      designer: [
        { prompt: 700, completion: 120 },
        { prompt: 950, completion: 180 },
      ],
      sub: [
        { prompt: 300, completion: 90 },
        { prompt: 300, completion: 90 },
      ],
    };
    const reply = (call: { prompt: number; completion: number }) => ({
      usage: { promptTokens: call.prompt, completionTokens: call.completion },
    });
    server.enqueueFor(
      "main-model",
      {
        toolCalls: [{ name: PLAN_TOOL, arguments: { goal: "Compare tidal and wave power." } }],
        ...reply(usage.main[0]!),
      },
      {
        text: "Tidal power is predictable; wave power is more abundant.",
        ...reply(usage.main[1]!),
      },
    );
    server.enqueueFor(
      "designer-model",
      { text: JSON.stringify(invalidPlan), ...reply(usage.designer[0]!) },
      { text: JSON.stringify(validPlan), ...reply(usage.designer[1]!) },
    );
    // Each subagent answers after 300 ms, so two tasks overlap only if they run in parallel.
    server.enqueueFor(
      "sub-model",
      { text: "Summary one.", delayMs: 300, ...reply(usage.sub[0]!) },
      { text: "Summary two.", delayMs: 300, ...reply(usage.sub[1]!) },
    );

    const { code, stdout, stderr } = await runBaton(["run", spec, "--json"], {
      cwd: workspace.dir,
      env,
    });

    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      kind: "orchestrator",
      workflow: "research",
      status: "succeeded",
      output: "Tidal power is predictable; wave power is more abundant.",
      subagentsCreated: ["tides", "waves"],
    });
    // The designer saw its invalid plan's problem and tried again.
    const designerRequests = server.requests.filter(
      (request) => request.body?.model === "designer-model",
    );
    expect(designerRequests).toHaveLength(2);
    expect(promptOf(designerRequests[1])).toContain("Your previous plan was rejected");
    expect(promptOf(designerRequests[1])).toContain('\\"shell\\" is not an available tool');
    expect(
      report.steps.filter((step: { workflow: string }) => step.workflow === "planning"),
    ).toEqual([expect.objectContaining({ status: "succeeded", attempts: 2 })]);
    // Both tasks ran at once: each started before the other ended.
    const tasks = report.steps.filter(
      (step: { workflow: string }) => step.workflow === "delegation",
    );
    expect(tasks.map((step: { id: string }) => step.id).sort()).toEqual(["tidal", "wave"]);
    const [a, b] = tasks;
    expect(Date.parse(a.start)).toBeLessThan(Date.parse(b.end));
    expect(Date.parse(b.start)).toBeLessThan(Date.parse(a.end));
    // Least privilege: each subagent was offered only its planned tools.
    const subTools = server.requests
      .filter((request) => request.body?.model === "sub-model")
      .map((request) => (request.body?.tools ?? []).map((tool) => tool.function.name))
      .sort((x, y) => x.length - y.length);
    expect(subTools).toEqual([[], ["calculator"]]);

    // The cost: the server's reported usage times the spec's prices, split by part.
    const main = centsOf("main-model", usage.main);
    const designer = centsOf("designer-model", usage.designer);
    const sub = centsOf("sub-model", usage.sub);
    expect(report.cost.planningCents).toBeCloseTo(main + designer, 10);
    expect(report.cost.subagentCents).toBeCloseTo(sub, 10);
    expect(report.cost.toolCents).toBe(0);
    expect(report.cost.totalCents).toBeCloseTo(main + designer + sub, 10);
    expect(report.cost.byModel["openai-compatible:designer-model"]).toMatchObject({ calls: 2 });
    expect(report.cost.byModel["openai-compatible:designer-model"].cents).toBeCloseTo(designer, 10);
    expect(report.cost.byAgent.lead).toMatchObject({ role: "main", modelCalls: 2 });
    expect(report.cost.byAgent.designer).toMatchObject({ role: "designer", modelCalls: 2 });
    expect(report.cost.byAgent.waves).toMatchObject({ role: "subagent", modelCalls: 1 });
    const totals = server.usageTotals();
    expect(report.usage).toMatchObject({
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
    });
    expect(totals.inputTokens).toBe(900 + 1500 + 700 + 950 + 300 + 300);

    // The run is in the store: show draws the orchestrator's flowchart and tool trace.
    const flowchart = await runBaton(["show", report.runId, "--flowchart"], { cwd: workspace.dir });
    expect(flowchart.stdout).toContain("ORCHESTRATOR research");
    expect(flowchart.stdout).toMatch(/tides/);
    expect(flowchart.stdout).toMatch(/waves/);
    const trace = await runBaton(["show", report.runId, "--trace"], { cwd: workspace.dir });
    expect(trace.stdout).toContain(PLAN_TOOL);
    const shown = await runBaton(["show", report.runId, "--json"], { cwd: workspace.dir });
    expect(JSON.parse(shown.stdout)).toEqual(report);
  });

  it("retries a failing subagent, then its fallback model answers; progress says so", async () => {
    const spec = await workspace.write(
      "fallback.yaml",
      `kind: orchestrator
name: support
mainAgent: { name: lead, model: openai-compatible:main-model }
agents:
  researcher:
    model: openai-compatible:flaky-model
    description: Looks things up.
    retry: { maxAttempts: 2, initialDelayMs: 1 }
    fallbackModels: [openai-compatible:backup-model]
${pricesYaml}
`,
    );
    server.enqueueFor(
      "main-model",
      {
        toolCalls: [
          {
            name: DELEGATE_TOOL,
            arguments: {
              tasks: [
                { id: "lookup", agent: "researcher", description: "Find the refund policy." },
              ],
            },
          },
        ],
      },
      { text: "Refunds are possible within 30 days." },
    );
    server.enqueueFor(
      "flaky-model",
      { fault: "server-error", status: 503, message: "overloaded" },
      { fault: "server-error", status: 503, message: "overloaded" },
    );
    server.enqueueFor("backup-model", {
      text: "30 days.",
      usage: { promptTokens: 200, completionTokens: 10 },
    });

    const { code, stdout, stderr } = await runBaton(
      ["run", spec, "--input", "task=What is the refund policy?"],
      { cwd: workspace.dir, env },
    );

    expect(code, stderr).toBe(0);
    expect(promptOf(server.requests[0])).toContain("What is the refund policy?");
    expect(server.requests.map((request) => request.body?.model)).toEqual([
      "main-model",
      "flaky-model",
      "flaky-model",
      "backup-model",
      "main-model",
    ]);
    expect(stderr).toContain("run support started");
    expect(stderr).toMatch(/\[delegation\] task lookup started/);
    expect(stderr).toMatch(
      /researcher: openai-compatible:flaky-model failed \(attempt 1\): .*overloaded/,
    );
    expect(stderr).toMatch(
      /researcher: falling back from openai-compatible:flaky-model to openai-compatible:backup-model/,
    );
    // The delegation's progress: its one task of one ended.
    expect(stderr).toMatch(/\[delegation\] task lookup done in \S+ \(1\/1 tasks, 100%\)/);
    expect(stdout).toContain("Answer:\n  Refunds are possible within 30 days.");
    expect(stdout).toMatch(/openai-compatible:flaky-model\s+2\s+2\s/);
    expect(stdout).toMatch(/openai-compatible:backup-model\s+1\s+0\s+200\s+10\s+0\.0960¢/);
    expect(stdout).toMatch(/Cost: \S+ planning \+ 0\.0960¢ subagents \+ 0\.0000¢ tools = \S+/);
  });

  it("resumes a run whose process was killed mid-delegation: only the call in flight is made again", async () => {
    const spec = await workspace.write(
      "research.yaml",
      `kind: orchestrator
name: research
mainAgent: { name: lead, model: openai-compatible:main-model }
designerModel: openai-compatible:designer-model
subagentModel: openai-compatible:sub-model
${pricesYaml}
task: Compare tidal and wave power.
`,
    );
    const plan = {
      agents: [
        {
          name: "tides",
          instructions: "Research tidal power.",
          tools: [],
          tasks: [{ id: "tidal", description: "Summarise tidal power." }],
        },
      ],
    };
    const planCall = {
      toolCalls: [{ name: PLAN_TOOL, arguments: { goal: "Compare tidal and wave power." } }],
    };
    // Before the crash: the main agent plans, then the subagent's call never answers.
    server.enqueueFor("main-model", planCall);
    server.enqueueFor("designer-model", { text: JSON.stringify(plan) });
    server.enqueueFor("sub-model", { fault: "hang" });
    const running = startBaton(["run", spec], { cwd: workspace.dir, env });
    try {
      await running.waitFor(/\[delegation\] task tidal started/, {
        stream: "stderr",
        timeoutMs: 60_000,
      });
      while (!server.requests.some((request) => request.body?.model === "sub-model")) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await running.stop("SIGKILL");
    }
    const listed = await runBaton(["runs", "--json"], { cwd: workspace.dir });
    const run = JSON.parse(listed.stdout).find(
      (row: { workflow: string }) => row.workflow === "research",
    );
    expect(run).toMatchObject({ status: "running" });

    // After: the main agent's and the designer's recorded calls are replayed; the
    // subagent's call, cut short, is made again, then the main agent answers.
    server.enqueueFor("main-model", { text: "Tidal power is predictable." });
    server.enqueueFor("sub-model", { text: "Tides are predictable." });
    const before = server.requests.length;
    const resumed = await runBaton(["resume", run.id, "--json", "--force"], {
      cwd: workspace.dir,
      env,
    });

    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report).toMatchObject({
      kind: "orchestrator",
      runId: run.id,
      workflow: "research",
      status: "succeeded",
      output: "Tidal power is predictable.",
      subagentsCreated: ["tides"],
    });
    expect(server.requests.slice(before).map((request) => request.body?.model)).toEqual([
      "sub-model",
      "main-model",
    ]);
    expect(promptOf(server.requests.at(-2))).toContain("Summarise tidal power.");
    // The call cut short by the kill stays on the books, as possibly billed.
    expect(report.usage.possiblyBilledTokens).toBeGreaterThan(0);
    expect(report.cost.possiblyBilledCents).toBeGreaterThan(0);

    const flowchart = await runBaton(["show", run.id, "--flowchart"], { cwd: workspace.dir });
    expect(flowchart.code, flowchart.stderr).toBe(0);
    expect(flowchart.stdout).toContain("ORCHESTRATOR research");
    expect(flowchart.stdout).toMatch(/tides/);
    // It ended: resuming again returns it as it ended, with no model call.
    const again = await runBaton(["resume", run.id, "--json"], { cwd: workspace.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "succeeded" });
    expect(server.requests.length).toBe(before + 2);
  });

  it("runs the offline example on simulated models: a valid plan, its subagents, an answer, labelled simulated", async () => {
    const example = fileURLToPath(new URL("../../examples/research-team.yaml", import.meta.url));
    const { code, stdout, stderr } = await runBaton(["run", example], { cwd: workspace.dir });

    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/rejected|failed|invalid/);
    const created = /^planning: created (.+)$/m.exec(stderr)?.[1];
    expect(created).toMatch(
      /^[a-z][\w-]* \(tools: (none|calculator)\)(, [a-z][\w-]* \(tools: (none|calculator)\))*$/,
    );
    expect(stdout).toMatch(/^Answer:\n {2}\[simulated:lead\] Based on plan_and_create_subagents/m);
    expect(stdout).toContain(
      "Simulated: simulated:lead, simulated:designer, simulated:researcher answered offline with generated text",
    );

    const [run] = JSON.parse((await runBaton(["runs", "--json"], { cwd: workspace.dir })).stdout);
    const report = JSON.parse(
      (await runBaton(["show", run.id, "--json"], { cwd: workspace.dir })).stdout,
    );
    expect(report).toMatchObject({ kind: "orchestrator", status: "succeeded" });
    expect(report.subagentsCreated.length).toBeGreaterThan(0);
    expect(new Set(report.subagentsCreated).size).toBe(report.subagentsCreated.length);
  });

  it("exits 2 for an orchestrator spec with problems, or without a task", async () => {
    await workspace.write(
      "bad.yaml",
      `kind: orchestrator
mainAgent: { model: openai-compatible:main-model, tools: [search] }
maxParallelTasks: 0
task: Hi.
`,
    );
    const bad = await runBaton(["run", "bad.yaml"], { cwd: workspace.dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.yaml");
    expect(bad.stderr).toMatch(/maxParallelTasks.*expected an integer >= 1/);

    await workspace.write(
      "no-task.yaml",
      "kind: orchestrator\nmainAgent: { model: openai-compatible:m }\n",
    );
    const noTask = await runBaton(["run", "no-task.yaml"], { cwd: workspace.dir, env });
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toContain(
      'no-task.yaml has no task: add "task: ..." to the spec or give one with --input task="..."',
    );
    expect(server.requests).toHaveLength(0);
  });
});
