import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { Clock } from "../core/ports/clock.js";
import { systemClock } from "../runtime/system-clock.js";
import { withPreload } from "./preload-model.js";
import { currentTurnToolResults, lastUserText, promptText } from "./prompt-text.js";
import { requireModule } from "./require-module.js";
import { keywordsOf, madeUpValues, sampleJsonSchema } from "./sample-json-schema.js";

export interface SimulatedModelOptions {
  /**
   * Shown in every answer (`[simulated:<name>] ...`) and used as the model id.
   * @default "default"
   */
  name?: string;
  /**
   * How long each call takes, waited on `clock` (so a manual clock controls it in tests).
   * @default 0
   */
  latencyMs?: number;
  /**
   * Where the latency is waited.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Mixed into the prompt hash: another seed gives other (still deterministic) answers.
   * @default 0
   */
  seed?: number;
}

/** The provider name of every simulated model; simulated calls are free. */
export const SIMULATED_PROVIDER = "simulated";

type Plan =
  | { kind: "tool-calls"; calls: Array<{ toolCallId: string; toolName: string; input: string }> }
  | { kind: "text"; text: string };

/**
 * A deterministic, offline model for demos, docs and tests. It needs no key and no network.
 *
 * - The same prompt, tools, response format and seed always give the same answer.
 * - Given tools, and no tool results yet in this turn, it calls the tool whose name and
 *   description best match the last user message (else the first tool), with arguments
 *   generated from the tool's JSON schema. Once results arrive it answers using them.
 * - With `responseFormat: { type: "json", schema }` it answers with JSON valid for the schema.
 * - Text answers begin with `[simulated:<name>] `; JSON answers carry no marker inside the
 *   values, but the model id and `providerMetadata.simulated` say it was simulated.
 * - Usage is counted with gpt-tokenizer: the prompt text (and tool definitions) as input,
 *   the answer as output.
 *
 * @example
 * const { text } = await generateText({ model: simulatedModel({ name: "writer" }), prompt: "Hi" });
 * // text starts with "[simulated:writer] "
 */
export function simulatedModel(options: SimulatedModelOptions = {}): LanguageModelV4 {
  const { name = "default", latencyMs = 0, clock = systemClock, seed = 0 } = options;
  if (typeof name !== "string" || name.length === 0)
    throw new TypeError(
      `simulatedModel: expected "name" to be a non-empty string, received ${String(name)}`,
    );
  if (typeof latencyMs !== "number" || !(latencyMs >= 0))
    throw new TypeError(
      `simulatedModel: expected "latencyMs" to be a number >= 0, received ${String(latencyMs)}`,
    );

  const wait = async (signal: AbortSignal | undefined) => {
    // Same behaviour as an HTTP provider: an aborted call rejects with the signal's reason.
    if (signal?.aborted) throw signal.reason;
    if (latencyMs <= 0) return;
    try {
      await clock.sleep(latencyMs, signal ? { signal } : {});
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  };

  const answer = (call: LanguageModelV4CallOptions) => {
    const plan = planAnswer(name, seed, call);
    const inputTokens = countText(promptText(call.prompt) + toolsText(call));
    const outputText =
      plan.kind === "text"
        ? plan.text
        : plan.calls.map((entry) => `${entry.toolName}(${entry.input})`).join("\n");
    return { plan, usage: usageOf(inputTokens, countText(outputText)) };
  };

  const metadata = { simulated: { name, simulated: true } };

  const model: LanguageModelV4 = {
    specificationVersion: "v4",
    provider: SIMULATED_PROVIDER,
    modelId: name,
    supportedUrls: {},

    async doGenerate(call): Promise<LanguageModelV4GenerateResult> {
      await wait(call.abortSignal);
      const { plan, usage } = answer(call);
      const content: LanguageModelV4Content[] =
        plan.kind === "text"
          ? [{ type: "text", text: plan.text }]
          : plan.calls.map((entry) => ({ type: "tool-call", ...entry }));
      return {
        content,
        finishReason: finishReasonOf(plan),
        usage,
        providerMetadata: metadata,
        response: {
          id: responseId(call, name, seed),
          modelId: name,
          timestamp: new Date(clock.now()),
        },
        warnings: [],
      };
    },

    async doStream(call) {
      await wait(call.abortSignal);
      const { plan, usage } = answer(call);
      const parts: LanguageModelV4StreamPart[] = [
        { type: "stream-start", warnings: [] },
        {
          type: "response-metadata",
          id: responseId(call, name, seed),
          modelId: name,
          timestamp: new Date(clock.now()),
        },
      ];
      if (plan.kind === "text") {
        parts.push({ type: "text-start", id: "text-0" });
        for (const delta of plan.text.match(/\S+\s*|\s+/g) ?? [])
          parts.push({ type: "text-delta", id: "text-0", delta });
        parts.push({ type: "text-end", id: "text-0" });
      } else {
        for (const entry of plan.calls) {
          parts.push({ type: "tool-input-start", id: entry.toolCallId, toolName: entry.toolName });
          parts.push({ type: "tool-input-delta", id: entry.toolCallId, delta: entry.input });
          parts.push({ type: "tool-input-end", id: entry.toolCallId });
          parts.push({ type: "tool-call", ...entry });
        }
      }
      parts.push({
        type: "finish",
        usage,
        finishReason: finishReasonOf(plan),
        providerMetadata: metadata,
      });
      const signal = call.abortSignal;
      let index = 0;
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          pull(controller) {
            if (signal?.aborted) {
              controller.error(signal.reason);
              return;
            }
            const part = parts[index++];
            if (part) controller.enqueue(part);
            else controller.close();
          },
        }),
      };
    },
  };
  return withPreload(model, loadTokenizer);
}

function finishReasonOf(plan: Plan) {
  return plan.kind === "tool-calls"
    ? { unified: "tool-calls" as const, raw: "tool_calls" }
    : { unified: "stop" as const, raw: "stop" };
}

function usageOf(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

// gpt-tokenizer takes ~250 ms and ~70 MB to load: it is loaded before the first call is
// timed (preloadModel), not when Baton is imported.
const loadTokenizer = () => requireModule<typeof import("gpt-tokenizer")>("gpt-tokenizer");

function countText(text: string): number {
  return loadTokenizer().countTokens(text, { disallowedSpecial: new Set() });
}

function functionTools(call: LanguageModelV4CallOptions): LanguageModelV4FunctionTool[] {
  return (call.tools ?? []).filter(
    (tool): tool is LanguageModelV4FunctionTool => tool.type === "function",
  );
}

function toolsText(call: LanguageModelV4CallOptions): string {
  const tools = functionTools(call);
  if (tools.length === 0) return "";
  return `\n${JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })))}`;
}

/** FNV-1a, 32 bits: small, stable across runs and platforms. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a seeded pseudo-random generator. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function callHash(call: LanguageModelV4CallOptions, name: string, seed: number): number {
  const prompt = call.prompt.map((message) =>
    message.role === "system"
      ? { role: message.role, content: message.content }
      : {
          role: message.role,
          content: message.content.map(({ providerOptions: _ignored, ...part }) => part),
        },
  );
  const tools = functionTools(call).map(({ name: toolName, description, inputSchema }) => ({
    toolName,
    description,
    inputSchema,
  }));
  return hashText(
    JSON.stringify({
      name,
      seed,
      callSeed: call.seed,
      prompt,
      tools,
      responseFormat: call.responseFormat,
      toolChoice: call.toolChoice,
    }),
  );
}

function responseId(call: LanguageModelV4CallOptions, name: string, seed: number): string {
  return `sim-${callHash(call, name, seed).toString(16).padStart(8, "0")}`;
}

function wordsOf(text: string): Set<string> {
  return new Set(
    keywordsOf(text.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2")).map((word) =>
      word.toLowerCase(),
    ),
  );
}

/**
 * The tool whose name and description share the most words with the request; among equals,
 * the one that needs the fewest made-up arguments (see `madeUpValues`), then the first.
 */
function chooseTool(tools: LanguageModelV4FunctionTool[], request: string) {
  const wanted = wordsOf(request);
  let best: { tool: LanguageModelV4FunctionTool; score: number; madeUp: number } | undefined;
  for (const tool of tools) {
    let score = 0;
    for (const word of wordsOf(`${tool.name} ${tool.description ?? ""}`))
      if (wanted.has(word)) score++;
    const madeUp = madeUpValues(tool.inputSchema);
    if (!best || score > best.score || (score === best.score && madeUp < best.madeUp))
      best = { tool, score, madeUp };
  }
  return best?.tool;
}

const CLOSINGS = [
  "This answer was produced offline by Baton's simulated model.",
  "No real model was called; the simulated model answers deterministically.",
  "Swap in a real model string (for example openai:gpt-4o-mini) for real answers.",
  "The simulated model gives the same answer to the same prompt every time.",
];

function planAnswer(name: string, seed: number, call: LanguageModelV4CallOptions): Plan {
  const hash = callHash(call, name, seed);
  const random = randomFrom(hash);
  const request = lastUserText(call.prompt);
  const results = currentTurnToolResults(call.prompt);
  const tools = functionTools(call);
  const choice = call.toolChoice ?? { type: "auto" };

  const wantsTool =
    tools.length > 0 &&
    choice.type !== "none" &&
    (choice.type === "required" || choice.type === "tool" || results.length === 0);
  if (wantsTool) {
    const tool =
      choice.type === "tool"
        ? (tools.find((entry) => entry.name === choice.toolName) ?? chooseTool(tools, request))
        : chooseTool(tools, request);
    if (tool) {
      const input = sampleJsonSchema(tool.inputSchema, { text: request, random });
      return {
        kind: "tool-calls",
        calls: [
          {
            toolCallId: `call_${hash.toString(16).padStart(8, "0")}_0`,
            toolName: tool.name,
            input: JSON.stringify(input ?? {}),
          },
        ],
      };
    }
  }

  const evidence = results.map((result) => `${result.toolName}: ${truncate(result.text, 400)}`);
  if (call.responseFormat?.type === "json") {
    const text = [request, ...results.map((result) => result.text)].join(" ");
    const value = call.responseFormat.schema
      ? sampleJsonSchema(call.responseFormat.schema, { text, random })
      : { answer: truncate(text, 200) };
    return { kind: "text", text: JSON.stringify(value) };
  }

  const marker = `[simulated:${name}]`;
  const closing = CLOSINGS[Math.floor(random() * CLOSINGS.length)];
  if (evidence.length > 0) {
    return {
      kind: "text",
      text: `${marker} Based on ${evidence.join("; ")}. ${closing}`,
    };
  }
  if (request.length === 0)
    return { kind: "text", text: `${marker} There was no request to answer. ${closing}` };
  const keywords = [...new Set(keywordsOf(request))].slice(0, 4);
  const points =
    keywords.length > 1
      ? ` The key points are ${keywords.slice(0, -1).join(", ")} and ${keywords.at(-1)}.`
      : "";
  return {
    kind: "text",
    text: `${marker} On "${truncate(request, 160)}":${points} ${closing}`,
  };
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}
