import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import type { LoggedEvent, RunStore, StoredEvent } from "../core/ports/run-store.js";
import { workflow } from "../runtime/workflow.js";

/** Test helpers for the durable tests (not exported from the package). */

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

export function textReply(text: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
  };
}

export function toolCallReply(
  calls: Array<{ name: string; input: unknown; id: string }>,
): LanguageModelV4GenerateResult {
  return {
    content: calls.map((call) => ({
      type: "tool-call" as const,
      toolCallId: call.id,
      toolName: call.name,
      input: JSON.stringify(call.input),
    })),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage,
    warnings: [],
  };
}

/** The tool results the prompt holds so far (what the model has seen), by tool name. */
export function toolResultsIn(prompt: LanguageModelV4Prompt): { tool: string; output: unknown }[] {
  const results: { tool: string; output: unknown }[] = [];
  for (const message of prompt) {
    if (message.role !== "tool") continue;
    for (const part of message.content) {
      if (part.type === "tool-result") results.push({ tool: part.toolName, output: part.output });
    }
  }
  return results;
}

/**
 * A model that answers with `reply(options, call)` and counts its calls; `fail` makes
 * every call throw (for replays, which must not call a model).
 */
export function scriptedModel(
  reply: (options: LanguageModelV4CallOptions, call: number) => LanguageModelV4GenerateResult,
) {
  const state = { calls: 0, fail: false };
  const model = new MockLanguageModelV4({
    provider: "test",
    modelId: "scripted",
    doGenerate: async (options) => {
      if (state.fail) throw new Error("This model must not be called");
      state.calls++;
      return reply(options, state.calls);
    },
  });
  return { model, state };
}

/** A fresh directory under the OS temp dir, and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = join(tmpdir(), `baton-durable-${process.pid}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A store whose process "dies" (after the append `dieAfter` picks, or on `kill()`): from
 * then on its writes and claims never settle, so nothing more reaches the log; reads work.
 */
export function dyingStore(
  inner: RunStore,
  dieAfter: (events: readonly LoggedEvent[], appends: number) => boolean = () => false,
): { store: RunStore; kill: () => void; readonly dead: boolean } {
  let appends = 0;
  let dead = false;
  const never = () => new Promise<never>(() => {});
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === "append") {
        return async (runId: string, events: readonly LoggedEvent[]) => {
          if (dead) return never();
          const seqs = await target.append(runId, events);
          if (dieAfter(events, ++appends)) dead = true;
          return seqs;
        };
      }
      if (property === "updateRun" || property === "claimRun" || property === "createRun") {
        return (...args: unknown[]) =>
          dead
            ? never()
            : (target[property] as (...args: unknown[]) => Promise<unknown>).apply(target, args);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    store,
    kill: () => {
      dead = true;
    },
    get dead() {
      return dead;
    },
  };
}

/** Dies after the append that logs `stepId`'s end. */
export function afterStepEnd(stepId: string) {
  return (events: readonly LoggedEvent[]) =>
    events.some((event) => event.type === "step-end" && event.stepId === stepId);
}

/** Another handle on the same data, as a second process would have (a different object). */
export function otherHandle(store: RunStore): RunStore {
  return {
    createRun: (run) => store.createRun(run),
    append: (runId, events) => store.append(runId, events),
    readLog: (runId, options) => store.readLog(runId, options),
    getRun: (runId) => store.getRun(runId),
    listRuns: (options) => store.listRuns(options),
    updateRun: (runId, patch) => store.updateRun(runId, patch),
    claimRun: (runId, owner, options) => store.claimRun(runId, owner, options),
    close: async () => {},
  };
}

/**
 * A two-step workflow whose second step waits for `release()`: its run is still going when
 * the first step's end is logged, which is what a live follower must see.
 */
export function gatedTwoSteps() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const flow = workflow("two")
    .step("first", () => "one")
    .step("second", () => gate.then(() => "two"), { dependsOn: ["first"] });
  return { flow, release: () => release() };
}

/**
 * Follows a run of `gatedTwoSteps`, releasing its gate when the first step's end arrives
 * (so the run ends only if the follower saw that live); resolves `"<type> <stepId>"` labels.
 */
export async function followReleasing(
  events: AsyncIterable<StoredEvent>,
  release: () => void,
): Promise<string[]> {
  const labels: string[] = [];
  for await (const event of events) {
    labels.push(`${event.type}${event.stepId ? ` ${event.stepId}` : ""}`);
    if (event.type === "step-end" && event.stepId === "first") release();
  }
  return labels;
}
