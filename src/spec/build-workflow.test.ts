import { tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { BatonEvent } from "../core/events.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import type { Run, WorkflowResult } from "../core/run/run.js";
import { MemoryStore } from "../stores/memory/index.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { buildWorkflow } from "./build-workflow.js";
import { parseSpec } from "./parse-spec.js";
import { SpecError } from "./spec-error.js";
import type { WorkflowSpecInput } from "./spec-schema.js";
import { chainSpec } from "./test-support/chain-spec.js";

async function collect(run: Run): Promise<BatonEvent[]> {
  const events: BatonEvent[] = [];
  for await (const event of run.events) events.push(event);
  return events;
}

/** The text an agent step answered with, from the run's step records. */
function textOf(result: WorkflowResult, stepId: string): string {
  const output = result.steps[stepId]?.output as { text?: unknown } | undefined;
  if (typeof output?.text !== "string") throw new Error(`step ${stepId} has no text output`);
  return output.text;
}

function stepInputs(events: BatonEvent[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const event of events) if (event.type === "step-start") inputs[event.stepId] = event.input;
  return inputs;
}

function skipped(events: BatonEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const event of events) if (event.type === "step-skip") out[event.stepId] = event.reason;
  return out;
}

const offline = { ids: sequentialIdGenerator() };

describe("buildWorkflow", () => {
  describe("on simulated models", () => {
    const spec = parseSpec(`
name: research
agents:
  researcher: { model: "simulated:researcher", instructions: "Find facts." }
  writer: { model: "simulated:writer" }
inputs:
  topic: { type: string, default: tides }
  words: { type: integer, default: 300 }
steps:
  - id: facts
    agent: researcher
    input: "Find facts about {{input.topic}}"
  - id: outline
    agent: writer
    dependsOn: facts
  - id: draft
    agent: writer
    dependsOn: [facts, outline]
  - id: brief
    agent: writer
    dependsOn: facts
    input: { topic: "{{input.topic}}", words: "{{input.words}}", facts: "{{steps.facts.text}}" }
output:
  report: "{{steps.draft.text}}"
  briefLength: "{{steps.brief.text.length}}"
`);

    it("renders templates from the input (with defaults) and earlier results at step time", async () => {
      const run = buildWorkflow(spec).start({}, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);
      expect(result.status).toBe("succeeded");
      const inputs = stepInputs(events);
      const factsText = textOf(result, "facts");
      const outlineText = textOf(result, "outline");
      expect(factsText).toMatch(/^\[simulated:researcher\] /);
      expect(inputs.facts).toBe("Find facts about tides");
      // No input given: one dependency's text, or each dependency's text under its id.
      expect(inputs.outline).toBe(factsText);
      expect(inputs.draft).toBe(`## facts\n\n${factsText}\n\n## outline\n\n${outlineText}`);
      // A map input is rendered value by value, keeping a lone placeholder's type, then sent as JSON.
      expect(JSON.parse(inputs.brief as string)).toEqual({
        topic: "tides",
        words: 300,
        facts: factsText,
      });
      const briefText = textOf(result, "brief");
      expect(result.output).toEqual({
        report: textOf(result, "draft"),
        briefLength: briefText.length,
      });
    });

    it("checks the input against the spec's inputs before starting", () => {
      const flow = buildWorkflow(spec);
      expect(() => flow.start({ topic: 3, wrods: 10 })).toThrow(
        new TypeError(
          'Workflow "research": invalid input:\n  input.topic: expected a string, received 3\n  input.wrods: unknown input (declared: topic, words)',
        ),
      );
      expect(() => flow.start("tides")).toThrow(
        'Workflow "research": expected the input to be a map of topic, words, received string',
      );
    });

    it("records the spec as the run's definition and applies its start options", async () => {
      const store = new MemoryStore();
      const flow = buildWorkflow(
        parseSpec(
          `${specText()}concurrency: 2\nbudget: { maxCents: 50, onExceeded: { switchTo: "openai-compatible:small", headroom: 0.2 } }\n`,
        ),
      );
      expect(flow.startDefaults).toEqual({
        concurrency: 2,
        budget: {
          maxCents: 50,
          onExceeded: { switchTo: "openai-compatible:small", headroom: 0.2 },
        },
      });
      const run = flow.start({}, { store, ...offline });
      expect((await run.result).status).toBe("succeeded");
      const record = await store.getRun(run.id);
      expect(record?.definition).toEqual({ kind: "spec", spec: flow.spec });
    });

    it("skips a step whose condition is false", async () => {
      const flow = buildWorkflow(
        parseSpec(`
name: conditional
agents: { writer: { model: "simulated:writer" } }
inputs: { mode: { type: string, enum: [short, long], default: short } }
steps:
  - { id: summary, agent: writer, input: "Summarise" }
  - { id: essay, agent: writer, when: "input.mode == 'long'", input: "Write at length" }
  - { id: notes, agent: writer, dependsOn: summary, when: "{{steps.summary.text}}" }
`),
      );
      const run = flow.start({}, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);
      expect(result.status).toBe("succeeded");
      expect(skipped(events)).toEqual({ essay: "condition" });
      expect(result.steps.notes?.status).toBe("succeeded");
      // Two final steps and no output template: their outputs by id (a skipped one is missing).
      expect(result.output).toEqual({ essay: undefined, notes: textOf(result, "notes") });

      const long = flow.start({ mode: "long" }, offline);
      expect(skipped(await collect(long))).toEqual({});
    });
  });

  describe("against an OpenAI-compatible server", () => {
    let server: FakeOpenAIServer;
    beforeEach(async () => {
      server = await startFakeOpenAIServer();
    });
    afterEach(async () => {
      await server.close();
    });

    const header = () => `
name: served
providers:
  local:
    type: openai-compatible
    baseURL: ${server.baseURL}
    apiKeyEnv: LOCAL_KEY
    headers: { x-team: docs }
    prices: { small: { inputPerMillion: 1000, outputPerMillion: 2000 } }
defaults: { retry: 1 }
`;

    it("applies provider settings and reports models by the spec's provider name", async () => {
      server.enqueue({ text: "Hello", usage: { promptTokens: 10, completionTokens: 5 } });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents: { greeter: { model: "local:small" } }
steps: [{ id: greet, agent: greeter, input: "Hi" }]
`),
        { env: { LOCAL_KEY: "secret-1" } },
      );
      const run = flow.start(undefined, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);

      expect(result.status).toBe("succeeded");
      expect(server.requests[0]?.headers.authorization).toBe("Bearer secret-1");
      expect(server.requests[0]?.headers["x-team"]).toBe("docs");
      expect(server.requests[0]?.body?.model).toBe("small");
      const end = events.find((event) => event.type === "model-call-end");
      expect(end).toMatchObject({ model: "local:small" });
      // 10 input tokens at $1000/M and 5 output at $2000/M: 1 + 1 = 2 cents.
      expect(result.cost.totalCents).toBeCloseTo(2, 10);
    });

    it("sends each agent's maxOutputTokens (its own, else the defaults'), and takes a budget's reserveOutputTokens", async () => {
      server.enqueue({ text: "a", usage: { promptTokens: 10, completionTokens: 5 } });
      server.enqueue({ text: "b", usage: { promptTokens: 10, completionTokens: 5 } });
      const flow = buildWorkflow(
        parseSpec(`${header().replace("defaults: { retry: 1 }", "defaults: { retry: 1, maxOutputTokens: 64 }")}agents:
  capped: { model: "local:small", maxOutputTokens: 32 }
  plain: { model: "local:small" }
steps:
  - { id: first, agent: capped, input: "Hi" }
  - { id: second, agent: plain, input: "Hi", dependsOn: first }
budget: { maxTokens: 1000, reserveOutputTokens: 100 }
`),
        { env: { LOCAL_KEY: "k" } },
      );
      const result = await flow.start(undefined, offline).result;

      expect(result.status).toBe("succeeded");
      const sent = server.requests.map(
        (request) => (request.body as { max_tokens?: number }).max_tokens,
      );
      expect(sent).toEqual([32, 64]);
    });

    it("routes to the successors the first matching case names; the others are skipped", async () => {
      server.enqueueFor("triage", { text: "This is a bug in the parser" });
      server.enqueueFor("worker", { text: "patched" });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents:
  triager: { model: "local:triage" }
  worker: { model: "local:worker" }
steps:
  - id: triage
    agent: triager
    input: "Classify the report"
    route:
      - { when: "text contains 'bug'", to: fix }
      - { to: [answer, thank] }
  - { id: fix, agent: worker, dependsOn: triage, input: "Fix: {{steps.triage.text}}" }
  - { id: answer, agent: worker, dependsOn: triage }
  - { id: thank, agent: worker, dependsOn: triage }
`),
        { env: { LOCAL_KEY: "k" } },
      );
      const run = flow.start(undefined, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);
      expect(result.status).toBe("succeeded");
      expect(skipped(events)).toEqual({ answer: "route", thank: "route" });
      expect(stepInputs(events).fix).toBe("Fix: This is a bug in the parser");
    });

    it("repeats a loop step until its condition holds", async () => {
      server.enqueue({ text: "first try" }, { text: "second try" }, { text: "third try DONE" });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents: { writer: { model: "local:writer" } }
steps:
  - id: draft
    agent: writer
    input: "Draft it"
    loop: { until: "text contains 'DONE' || iteration >= 5", maxIterations: 10 }
`),
        { env: { LOCAL_KEY: "k" } },
      );
      const result = await flow.start(undefined, offline).result;
      expect(result.status).toBe("succeeded");
      expect(server.requests).toHaveLength(3);
      // Without an output template, the run's output is the final step's text.
      expect(result.output).toBe("third try DONE");
    });

    it("reads structured output (a JSON schema) in later conditions and templates", async () => {
      server.enqueueFor("reviewer", { text: '{"score": 0.8, "notes": ["tighten intro"]}' });
      server.enqueueFor("writer", { text: "revised" });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents:
  reviewer:
    model: "local:reviewer"
    output:
      type: object
      properties: { score: { type: number }, notes: { type: array, items: { type: string } } }
      required: [score, notes]
  writer: { model: "local:writer" }
steps:
  - { id: review, agent: reviewer, input: "Review the draft" }
  - id: revise
    agent: writer
    dependsOn: review
    when: "steps.review.output.score >= 0.5 and steps.review.output.notes.length > 0"
    input: "Apply: {{steps.review.output.notes[0]}}"
`),
        { env: { LOCAL_KEY: "k" } },
      );
      const run = flow.start(undefined, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);
      expect(result.status).toBe("succeeded");
      expect(stepInputs(events).revise).toBe("Apply: tighten intro");
    });

    it("gives agents the tools they name from the registry", async () => {
      const calls: unknown[] = [];
      const add = tool({
        description: "Adds two numbers",
        inputSchema: z.object({ a: z.number(), b: z.number() }),
        execute: async ({ a, b }) => {
          calls.push({ a, b });
          return a + b;
        },
      });
      server.enqueue({ toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] }, { text: "5" });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents: { math: { model: "local:m", tools: [add], maxSteps: 3 } }
steps: [{ id: sum, agent: math, input: "2 + 3?" }]
`),
        { env: { LOCAL_KEY: "k" }, tools: { add } },
      );
      const result = await flow.start(undefined, offline).result;
      expect(result.status).toBe("succeeded");
      expect(calls).toEqual([{ a: 2, b: 3 }]);
      expect(server.requests[0]?.body?.tools?.map((entry) => entry.function?.name)).toEqual([
        "add",
      ]);
    });

    it("falls back to a step's fallback models when its agent's model fails", async () => {
      server.enqueueFor("primary", { fault: "server-error", status: 503 });
      server.enqueueFor("backup", { text: "from backup" });
      const flow = buildWorkflow(
        parseSpec(`${header()}agents: { writer: { model: "local:primary" } }
steps: [{ id: draft, agent: writer, input: "Go", fallbackModels: ["local:backup"] }]
`),
        { env: { LOCAL_KEY: "k" } },
      );
      const run = flow.start(undefined, offline);
      const [events, result] = await Promise.all([collect(run), run.result]);
      expect(result.status).toBe("succeeded");
      expect(events.find((event) => event.type === "model-call-fallback")).toMatchObject({
        from: "local:primary",
        to: "local:backup",
      });
    });
  });

  it("fails before anything runs, listing every missing key and unknown tool", () => {
    const spec: WorkflowSpecInput = {
      name: "keys",
      providers: {
        local: {
          type: "openai-compatible",
          baseURL: "http://127.0.0.1:9/v1",
          apiKeyEnv: "LOCAL_KEY",
        },
      },
      agents: {
        writer: { model: "openai:gpt-4o-mini", fallbackModels: ["local:qwen"] },
        searcher: { model: "simulated:s", tools: ["search"] },
      },
      steps: [
        { id: "a", agent: "writer" },
        { id: "b", agent: "searcher" },
      ],
    };
    let caught: unknown;
    try {
      buildWorkflow(spec, { env: {}, tools: {} });
    } catch (error) {
      caught = error;
    }
    expect(SpecError.isInstance(caught)).toBe(true);
    expect((caught as SpecError).issues).toEqual([
      { path: "agents.searcher.tools[0]", message: 'unknown tool "search" (none are defined)' },
      {
        path: "agents.writer.model",
        message: "openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY",
      },
      {
        path: "agents.writer.fallbackModels[0]",
        message: "providers.local.apiKeyEnv names LOCAL_KEY, which is not set in the environment",
      },
    ]);
  });

  it("builds and compiles a 100,000-step chain listed dependents first", {
    timeout: 60_000,
  }, () => {
    const graph = buildWorkflow(chainSpec(100_000) as WorkflowSpecInput).graph();
    expect(graph.steps).toHaveLength(100_000);
    expect(graph.steps.at(-1)).toMatchObject({ id: "s0", criticalPath: 100_000 });
  });

  it("rejects a tools registry that is not a map", () => {
    expect(() => buildWorkflow(parseSpec(specText()), { tools: [] as never })).toThrow(
      'buildWorkflow: expected "tools" to be a map of tools by name, received an array',
    );
  });
});

function specText(): string {
  return `name: tiny
agents: { writer: { model: "simulated:writer" } }
steps: [{ id: only, agent: writer, input: "Hello" }]
`;
}
