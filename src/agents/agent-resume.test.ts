import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import type { WorkflowResult } from "../core/run/run.js";
import type { Workflow } from "../core/workflow/workflow.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { agent } from "./agent.js";
import { providerUsage, textReply, toolCallReply } from "./test-support.js";

const prices = { "test:scripted": { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } };

/** How many tool results the prompt holds: which turn of the loop the model is asked for. */
function resultsIn(call: LanguageModelV4CallOptions): string[] {
  return call.prompt.flatMap((message) =>
    message.role === "tool"
      ? message.content.flatMap((part) =>
          part.type === "tool-result" ? [JSON.stringify(part.output)] : [],
        )
      : [],
  );
}

/**
 * A model that answers by what it has seen so far, and counts its calls; its call number
 * `hangOnCall` never returns (the process dies there).
 */
function scriptedModel(
  reply: (call: LanguageModelV4CallOptions) => LanguageModelV4GenerateResult,
  hangOnCall?: number,
) {
  const counter = { calls: 0 };
  const model = new MockLanguageModelV4({
    provider: "test",
    modelId: "scripted",
    doGenerate: async (call) => {
      if (++counter.calls === hangOnCall) {
        await new Promise((_, reject) =>
          call.abortSignal?.addEventListener("abort", () => reject(new Error("gone"))),
        );
      }
      return reply(call);
    },
  });
  return { model, counter };
}

/** Resolves once `ready` says the store's log of `runId` is far enough along. */
async function logReaches(
  store: MemoryStore,
  runId: string,
  ready: (log: LoggedEvent[]) => boolean,
): Promise<void> {
  for (;;) {
    const log: LoggedEvent[] = await store.readLog(runId);
    if (ready(log)) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * One "process": an agent that looks a word up, then another, then answers, with tools
 * that count their runs; `hangOn` makes that tool never return (the process dies there),
 * `hangOnCall` that model call.
 */
function researcher(hangOn?: string, hangOnCall?: number) {
  const { model, counter } = scriptedModel((call) => {
    const seen = resultsIn(call);
    if (seen.length === 0)
      return toolCallReply([{ name: "lookup", input: { word: "tide" } }], providerUsage(10, 5));
    if (seen.length === 1)
      return toolCallReply(
        [{ name: "lookup", input: { word: "moon" }, id: "call-2" }],
        providerUsage(20, 5),
      );
    return textReply(`Answer from ${seen.join(" + ")}`, providerUsage(30, 7));
  }, hangOnCall);
  const ran: string[] = [];
  const lookup = tool({
    description: "Looks a word up",
    inputSchema: z.object({ word: z.string() }),
    execute: async ({ word }, { abortSignal }) => {
      ran.push(word);
      if (word === hangOn) {
        await new Promise((_, reject) =>
          abortSignal?.addEventListener("abort", () => reject(new Error("gone"))),
        );
      }
      return { definition: `${word}!` };
    },
  });
  return { agent: agent({ name: "researcher", model, tools: { lookup }, prices }), counter, ran };
}

/**
 * What survives when the process running `run` dies now: a new store holding the run's
 * record and its log as stored so far (the first process is then stopped).
 */
async function crash(
  store: MemoryStore,
  run: { id: string; cancel(): void; result: Promise<unknown> },
) {
  const log = await store.readLog(run.id);
  const record = (await store.getRun(run.id))!;
  run.cancel();
  await run.result;
  const surviving = new MemoryStore();
  await surviving.createRun({ ...record, status: "running" });
  await surviving.append(
    run.id,
    log.map(({ seq: _seq, ...event }) => event),
  );
  return { surviving, state: foldRunLog(log, { runId: run.id }) };
}

async function uninterrupted(build: () => Workflow<string>): Promise<WorkflowResult> {
  return build().start("go", { store: new MemoryStore() }).result;
}

function stepUsage(result: WorkflowResult, stepId: string) {
  return { usage: result.steps[stepId]!.usage, cost: result.steps[stepId]!.cost };
}

describe("A resumed agent step", () => {
  it("replays its recorded turns with no model call and no tool run, and goes on from the first turn not recorded", async () => {
    const reference = researcher();
    const expected = await uninterrupted(() =>
      workflow<string>("research").step("look", reference.agent),
    );

    // The first process dies while the second lookup runs: two replies and one tool result are logged.
    const store = new MemoryStore();
    const first = researcher("moon");
    const run = workflow<string>("research").step("look", first.agent).start("go", { store });
    await logReaches(store, run.id, (log) =>
      log.some((event) => event.type === "tool-call-start" && event.toolCallId === "call-2"),
    );
    const { surviving, state } = await crash(store, run);
    const logged = state.running.look!.work["1.1"]!.map((event) => event.type);
    expect(logged).toEqual(["agent-start", "model-call-end", "tool-call-end", "model-call-end"]);

    const second = researcher();
    const resumed = workflow<string>("research")
      .step("look", second.agent)
      .start("go", { store: surviving, resumeFrom: state });
    const result = await resumed.result;

    expect(result.status).toBe("succeeded");
    expect(second.counter.calls).toBe(1);
    expect(second.ran).toEqual(["moon"]);
    const output = result.steps.look!.output as { text: string; modelCalls: unknown[] };
    expect(output.text).toBe((expected.steps.look!.output as { text: string }).text);
    expect(output.modelCalls).toHaveLength(3);
    // Each call billed once: the resumed step's spend is the uninterrupted one's.
    expect(stepUsage(result, "look")).toEqual(stepUsage(expected, "look"));
    const log = await surviving.readLog(run.id);
    expect(log.filter((event) => event.type === "model-call-end")).toHaveLength(3);
    expect(log.filter((event) => event.type === "agent-start")).toHaveLength(1);
    expect(log.filter((event) => event.type === "tool-call-end")).toHaveLength(2);
  });

  it("gives each agent a function step runs its own recorded turns, by key", async () => {
    const build = (one: ReturnType<typeof researcher>, two: ReturnType<typeof researcher>) =>
      workflow<string>("pair").step("both", async ({ run }) => {
        const [a, b] = await Promise.all([run(one.agent, "first"), run(two.agent, "second")]);
        return `${a.text} / ${b.text}`;
      });
    const expected = await uninterrupted(() => build(researcher(), researcher()));

    const store = new MemoryStore();
    const one = researcher("moon");
    const two = researcher();
    const run = build(one, two).start("go", { store });
    await logReaches(
      store,
      run.id,
      (log) =>
        log.some(
          (event) =>
            event.type === "tool-call-start" && event.path === "1" && event.toolCallId === "call-2",
        ) && log.some((event) => event.type === "agent-end" && event.path === "2"),
    );
    const { surviving, state } = await crash(store, run);
    const nextOne = researcher();
    const nextTwo = researcher();
    const result = await build(nextOne, nextTwo).start("go", {
      store: surviving,
      resumeFrom: state,
    }).result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(expected.output);
    expect(nextOne.counter.calls).toBe(1);
    expect(nextOne.ran).toEqual(["moon"]);
    expect(nextTwo.counter.calls).toBe(0);
    expect(nextTwo.ran).toEqual([]);
    expect(stepUsage(result, "both")).toEqual(stepUsage(expected, "both"));
  });

  it("runs a subagent called as a tool again, and the subagent replays its own recorded turns", async () => {
    /** A lead that asks a helper (another agent, as a tool), then answers with what it said. */
    const team = (hang: boolean) => {
      const helperModel = scriptedModel((call) =>
        resultsIn(call).length === 0
          ? toolCallReply([{ name: "lookup", input: { word: "tide" } }], providerUsage(11, 3))
          : textReply(`helper read ${resultsIn(call).join("")}`, providerUsage(12, 4)),
      );
      let helperCalls = 0;
      const hangingHelper = new MockLanguageModelV4({
        provider: "test",
        modelId: "scripted",
        doGenerate: async (call) => {
          if (++helperCalls === 2) {
            await new Promise((_, reject) =>
              call.abortSignal?.addEventListener("abort", () => reject(new Error("gone"))),
            );
          }
          return helperModel.model.doGenerate(call);
        },
      });
      const ran: string[] = [];
      const lookup = tool({
        description: "Looks a word up",
        inputSchema: z.object({ word: z.string() }),
        execute: async ({ word }) => {
          ran.push(word);
          return `${word}!`;
        },
      });
      const helper = agent({
        name: "helper",
        description: "Helps",
        model: hang ? hangingHelper : helperModel.model,
        tools: { lookup },
        prices,
      });
      const lead = scriptedModel((call) =>
        resultsIn(call).length === 0
          ? toolCallReply(
              [{ name: "helper", input: { task: "read" }, id: "ask" }],
              providerUsage(13, 5),
            )
          : textReply(`lead heard ${resultsIn(call).join("")}`, providerUsage(14, 6)),
      );
      const main = agent({
        name: "lead",
        model: lead.model,
        tools: { helper: helper.asTool() },
        prices,
      });
      const flow = workflow<string>("team").step("lead", main);
      return { flow, lead: lead.counter, helper: helperModel.counter, ran };
    };
    const expected = await uninterrupted(() => team(false).flow);

    const store = new MemoryStore();
    const first = team(true);
    const run = first.flow.start("go", { store });
    await logReaches(store, run.id, (log) =>
      log.some((event) => event.type === "model-call-start" && event.path === "1:ask"),
    );
    const { surviving, state } = await crash(store, run);
    const helperTurns = state.running.lead!.work["1.1"]!.filter((event) => event.path === "1:ask");
    expect(helperTurns.map((event) => event.type)).toEqual([
      "agent-start",
      "model-call-end",
      "tool-call-end",
    ]);

    const second = team(false);
    const result = await second.flow.start("go", { store: surviving, resumeFrom: state }).result;
    expect(result.status).toBe("succeeded");
    expect((result.steps.lead!.output as { text: string }).text).toBe(
      (expected.steps.lead!.output as { text: string }).text,
    );
    expect(second.lead.calls).toBe(1);
    expect(second.helper.calls).toBe(1);
    expect(second.ran).toEqual([]);
    // The helper's call in flight at the crash is possibly billed besides.
    const { usage, cost } = stepUsage(result, "lead");
    const { possiblyBilledTokens, ...confirmedUsage } = usage;
    const { possiblyBilledCents, ...confirmedCost } = cost;
    expect({ usage: confirmedUsage, cost: confirmedCost }).toEqual(stepUsage(expected, "lead"));
    expect(possiblyBilledTokens).toBeGreaterThan(0);
    expect(possiblyBilledCents).toBeGreaterThan(0);
  });
});

describe("The spend of an interrupted agent step", () => {
  it("stays on the books: recorded calls are confirmed spend, the call cut short is logged on resume as possibly billed, and each call is billed once", async () => {
    const expected = await uninterrupted(() =>
      workflow<string>("research").step("look", researcher().agent),
    );

    // The first process dies while its third model call is in flight.
    const store = new MemoryStore();
    const first = researcher(undefined, 3);
    const run = workflow<string>("research").step("look", first.agent).start("go", { store });
    await logReaches(
      store,
      run.id,
      (log) => log.filter((event) => event.type === "model-call-start").length === 3,
    );
    const { surviving, state } = await crash(store, run);
    // Two replies recorded: 10 + 5 and 20 + 5 tokens, at $1 per input and $2 per output token.
    const confirmed = { inputTokens: 30, outputTokens: 10, totalTokens: 40 };
    expect(state.status).toBe("running");
    expect(state.steps.look!.usage).toMatchObject(confirmed);
    expect(state.usage).toMatchObject(confirmed);
    expect(state.cost).toMatchObject({ modelCents: 5000, totalCents: 5000 });
    const [open, ...others] = Object.values(state.openCalls);
    expect(others).toEqual([]);
    const reservation = open!.reservation as { tokens: number; cents: number };
    expect(reservation.tokens).toBeGreaterThan(0);
    expect(reservation.cents).toBeGreaterThan(0);

    const second = researcher();
    const result = await workflow<string>("research")
      .step("look", second.agent)
      .start("go", { store: surviving, resumeFrom: state }).result;
    expect(result.status).toBe("succeeded");
    expect(second.counter.calls).toBe(1);
    // Every recorded call billed once, as uninterrupted; the call cut short, possibly billed.
    expect(expected.usage.possiblyBilledTokens).toBeUndefined();
    expect(result.usage).toEqual({ ...expected.usage, possiblyBilledTokens: reservation.tokens });
    expect(result.cost).toEqual({ ...expected.cost, possiblyBilledCents: reservation.cents });
    const log = await surviving.readLog(run.id);
    const cutShort = log.filter(
      (event) =>
        event.type === "model-call-error" &&
        (event.error as { code?: string }).code === "call-cut-short",
    );
    expect(cutShort).toHaveLength(1);
    expect(cutShort[0]).toMatchObject({ stepId: "look", agent: "researcher", attempt: 1 });
    const folded = foldRunLog(log, { runId: run.id });
    expect(folded.usage).toEqual(result.usage);
    expect(folded.openCalls).toEqual({});
  });
});
