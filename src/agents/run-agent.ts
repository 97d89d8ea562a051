import type {
  FlexibleSchema,
  GenerateTextResult,
  ModelMessage,
  Output,
  streamText,
  ToolSet,
} from "ai";
import { serializeError } from "../core/events.js";
import type { ModelCallGate } from "../core/model-call-gate.js";
import { BudgetExceededError } from "../core/policies/budget-exceeded-error.js";
import type { Clock } from "../core/ports/clock.js";
import { type RetryOptions, resolveRetryOptions } from "../core/retry-policy.js";
import { RunWaitingError } from "../core/run/run-waiting-error.js";
import type { RunContext } from "../core/run-context.js";
import type { RunnableEvent } from "../core/runnable.js";
import type { CostBreakdown, Usage } from "../core/usage.js";
import { type ResolvedModel, resolveModel, usageFromProvider } from "../models/index.js";
import { preloadModel } from "../models/preload-model.js";
import { systemClock } from "../runtime/system-clock.js";
import type { AgentSettings } from "./agent-options.js";
import { resolveModelOption } from "./agent-options.js";
import { AgentReplay } from "./agent-replay.js";
import type { AgentResult, AgentStepRecord } from "./agent-result.js";
import { compactConversation } from "./compact-conversation.js";
import { countMessageTokens, loadTokenizer, truncateText } from "./count-tokens.js";
import { abortable, abortError, anySignal, deadline } from "./deadline.js";
import { instrumentTools } from "./instrument-tools.js";
import {
  type ConversationMemory,
  defaultSummaryInstructions,
  summaryMessage,
  transcript,
} from "./memory.js";
import { type ModelCallPolicy, policyModel } from "./model-call-policy.js";
import type { ResolvedResponseCache } from "./response-cache.js";
import { RunLedger } from "./run-ledger.js";

/** How a run ended (internal): a failed run still reports what it spent. */
export type RunOutcome<OUTPUT> =
  | { ok: true; result: AgentResult<OUTPUT> }
  | {
      ok: false;
      error: Error;
      usage: Usage;
      cost: CostBreakdown;
      /** Set when a budget paused the run (its call was refused until someone decides). */
      paused?: boolean;
    };

/** Where one run happens and what it is given besides its input (internal). */
export interface AgentCall {
  signal?: AbortSignal | undefined;
  /** The run's gate (rate limits, breakers, budgets); none when the agent runs on its own. */
  gate?: ModelCallGate | undefined;
  /** Receives the run's events. */
  emit?: ((event: RunnableEvent) => void) | undefined;
  clock?: Clock | undefined;
  retry?: RetryOptions | number | undefined;
  /** The whole run's limit, in ms. */
  timeout?: number | undefined;
  fallbackModels?: readonly string[] | undefined;
  /** The run context when the agent runs as part of a run: its tools get it. */
  context?: RunContext | undefined;
  /** The run's response cache: overrides the agent's (`null` turns it off). */
  cache?: ResolvedResponseCache | null | undefined;
  /** A workflow run's response cache: used when the agent has none of its own. */
  runCache?: ResolvedResponseCache | undefined;
}

/** What one run needs besides its input (internal). */
export interface RunRequest {
  settings: AgentSettings;
  memory: ConversationMemory | undefined;
  input: ModelMessage[];
  call: AgentCall;
  /** Set for a streaming run: receives each text delta as it arrives. */
  onText?: (delta: string) => void;
}

type AnyGenerateResult = GenerateTextResult<ToolSet, Record<string, unknown>, never>;
type AI = typeof import("ai");
type OutputStrategy = ReturnType<typeof Output.object>;

/**
 * The AI SDK, imported by the first run rather than with Baton: it takes ~150 ms to load,
 * which a program that only builds workflows, reads runs or parses specs need not pay.
 */
const loadAI = (): Promise<AI> => import("ai");

/**
 * Loads what an agent's first call in a run would load: the AI SDK, the packages of its
 * models, and the tokenizer that counts each call's prompt for its reservation.
 */
export async function preloadAgent(settings: AgentSettings): Promise<void> {
  const models = [
    settings.model,
    ...settings.fallbackModels,
    settings.memory?.summaryModel,
    settings.compression?.model,
  ];
  await Promise.all([
    loadAI().catch(() => {}),
    ...models.map((model) => (model ? preloadModel(model.model) : undefined)),
  ]);
  try {
    loadTokenizer();
  } catch {
    // The first count loads it again and reports the failure.
  }
}

// One `Output.object` per schema, as when it was made with the agent.
const outputStrategies = new WeakMap<object, OutputStrategy>();

function outputStrategy(ai: AI, schema: FlexibleSchema<unknown>): OutputStrategy {
  let strategy = outputStrategies.get(schema);
  if (!strategy) {
    strategy = ai.Output.object({ schema });
    outputStrategies.set(schema, strategy);
  }
  return strategy;
}

/** Runs the tool loop once under the agent's policies and books everything it spends. */
export async function runAgent<OUTPUT>(request: RunRequest): Promise<RunOutcome<OUTPUT>> {
  const { settings, memory, call: options } = request;
  const agent = settings.name;
  const clock = options.clock ?? settings.clock ?? systemClock;
  const { context } = options;
  const path = context?.path ?? "";
  const ledger = new RunLedger(agent, options.emit, path);
  // What an interrupted earlier run of this work recorded (a resumed step, a decided tool
  // call): its turns are replayed with no model call and no tool execution.
  const replay = context ? AgentReplay.of(context.recorded, path) : undefined;
  const waits = context
    ? () =>
        context.approvals.pending
          ? new RunWaitingError({ stepId: context.stepId, runnable: agent, reason: "approval" })
          : undefined
    : undefined;
  const runTimeoutMs = options.timeout ?? settings.runTimeoutMs;
  const runDeadline =
    runTimeoutMs === undefined
      ? undefined
      : deadline(clock, runTimeoutMs, `Agent "${agent}" timed out after ${runTimeoutMs} ms`);
  // Aborted when the run fails, so no model call outlives it off the books.
  const over = new AbortController();
  const signal = anySignal([options.signal, runDeadline?.signal, over.signal]);
  if (!replay?.started) ledger.emit({ type: "agent-start", agent, model: settings.model.id });
  try {
    const retry = resolveRetryOptions(options.retry ?? settings.retry);
    const fallbacks = options.fallbackModels
      ? options.fallbackModels.map((input, index) =>
          resolveModelOption(`fallbackModels[${index}]`, input, settings.modelOptions),
        )
      : settings.fallbackModels;
    const cache =
      options.cache === undefined
        ? (settings.cache ?? options.runCache)
        : (options.cache ?? undefined);
    const { onText } = request;
    const onTextDelta = onText
      ? (delta: string) => {
          ledger.emit({ type: "text-delta", agent, delta });
          onText(delta);
        }
      : undefined;
    const policy = (
      purpose: ModelCallPolicy["purpose"],
      models: ResolvedModel[],
    ): ModelCallPolicy => ({
      agent,
      purpose,
      route: { models },
      retry,
      callTimeoutMs: settings.callTimeoutMs,
      clock,
      random: options.context?.random ?? Math.random,
      signal,
      gate: options.gate,
      prices: settings.prices,
      ledger,
      context: options.context,
      resolve: (model) => resolveModel(model, settings.modelOptions),
      ...(cache ? { cache } : {}),
      ...(onTextDelta && purpose === "step" ? { onTextDelta } : {}),
      replay,
      waits,
      stored: context ? () => context.stored() : undefined,
    });

    const ai = await loadAI();
    const remembered = await prepareConversation(ai, request, signal, (models) =>
      policy("summary", models),
    );
    const conversation = settings.compression
      ? await compressConversation(ai, request, remembered, signal, ledger, (models) =>
          policy("summary", models),
        )
      : remembered;
    const call = {
      model: policyModel(policy("step", [settings.model, ...fallbacks])),
      ...(settings.instructions !== undefined ? { instructions: settings.instructions } : {}),
      messages: conversation,
      tools: instrumentTools(settings.tools, {
        agent,
        ledger,
        clock,
        gate: options.gate,
        context: options.context,
        replay,
        warned: settings.warned,
      }),
      stopWhen: ai.stepCountIs(settings.maxSteps),
      ...(settings.maxOutputTokens !== undefined
        ? { maxOutputTokens: settings.maxOutputTokens }
        : {}),
      maxRetries: 0,
      abortSignal: signal,
      ...(settings.output ? { output: outputStrategy(ai, settings.output) } : {}),
    };
    const generated = onText
      ? await streamToResult(ai, call, signal)
      : ((await abortable(ai.generateText(call), signal)) as unknown as AnyGenerateResult);
    // An attempt that timed out may still be reading its reply, which is billed once read.
    await ledger.settled();

    const answering = ledger.answeringModels();
    const steps: AgentStepRecord[] = generated.steps.map((step, index) => ({
      stepNumber: index,
      model: answering[index] ?? settings.model.id,
      text: step.text,
      toolCalls: step.toolCalls.map((toolCall) => ({
        toolName: toolCall.toolName,
        toolCallId: toolCall.toolCallId,
        input: toolCall.input,
      })),
      finishReason: step.finishReason,
      usage: usageFromProvider(step.usage),
    }));
    const messages = generated.responseMessages as ModelMessage[];
    if (replay) ledger.carried = replay.leftovers();
    const result: AgentResult<OUTPUT> = {
      text: generated.text,
      output: (settings.output ? generated.output : generated.text) as OUTPUT,
      steps,
      toolCalls: ledger.toolCalls,
      modelCalls: ledger.modelCalls,
      subagents: ledger.subagents,
      model: answering.at(-1) ?? settings.model.id,
      usage: ledger.usage(),
      cost: ledger.cost(),
      messages,
    };
    if (memory) memory.messages = [...conversation, ...messages];
    if (!replay?.ended) {
      ledger.emit({
        type: "agent-end",
        agent,
        model: result.model,
        usage: result.usage,
        cost: result.cost,
      });
    }
    ledger.close();
    return { ok: true, result };
  } catch (thrown) {
    const error = signal.aborted ? abortError(signal) : toError(thrown);
    over.abort(error);
    // Calls cut short are billed once their reply arrives, or booked as possibly billed.
    await ledger.settled();
    if (replay) ledger.carried = replay.leftovers();
    const usage = ledger.usage();
    const cost = ledger.cost();
    // Failed runs are billed too: the engine and callers read what was spent from this event
    // and from the outcome.
    ledger.emit({ type: "agent-error", agent, error: serializeError(error), usage, cost });
    ledger.close();
    const { refusal } = ledger;
    const paused =
      refusal?.reason === "budget-exceeded" &&
      BudgetExceededError.isInstance(refusal.error) &&
      refusal.error.action === "pause";
    return { ok: false, error, usage, cost, ...(paused ? { paused } : {}) };
  } finally {
    runDeadline?.cancel();
  }
}

/**
 * The conversation the model sees: the memory (summarised first when it has grown past
 * its threshold) followed by this run's input.
 */
async function prepareConversation(
  ai: AI,
  request: RunRequest,
  signal: AbortSignal,
  summaryPolicy: (models: ResolvedModel[]) => ModelCallPolicy,
): Promise<ModelMessage[]> {
  const { memory, input, settings } = request;
  if (!memory || !settings.memory) return input;
  const conversation = [...memory.messages, ...input];
  const plan = memory.plan(conversation, memory.messages.length);
  if (!plan) return conversation;
  const { summaryMaxTokens } = settings.memory;
  const summary = await abortable(
    ai.generateText({
      model: policyModel(summaryPolicy([settings.memory.summaryModel])),
      instructions: settings.memory.summaryInstructions,
      prompt:
        summaryMaxTokens === undefined
          ? transcript(plan.older)
          : `${transcript(plan.older)}\n\nWrite the summary in at most ${summaryMaxTokens} tokens.`,
      ...(summaryMaxTokens !== undefined ? { maxOutputTokens: summaryMaxTokens } : {}),
      maxRetries: 0,
      abortSignal: signal,
    }),
    signal,
  );
  const text =
    summaryMaxTokens === undefined ? summary.text : truncateText(summary.text, summaryMaxTokens);
  const compacted = [summaryMessage(text), ...plan.kept];
  memory.messages = compacted.slice(0, compacted.length - input.length);
  return compacted;
}

/**
 * The conversation within the agent's `compression.maxTokens` (its instructions counted
 * too): the middle summarised by the compression model (a model call of the run, billed
 * as a summary) or dropped.
 */
async function compressConversation(
  ai: AI,
  request: RunRequest,
  conversation: ModelMessage[],
  signal: AbortSignal,
  ledger: RunLedger,
  summaryPolicy: (models: ResolvedModel[]) => ModelCallPolicy,
): Promise<ModelMessage[]> {
  const { settings } = request;
  const compression = settings.compression!;
  const { model } = compression;
  const reservedTokens =
    settings.instructions === undefined
      ? 0
      : countMessageTokens([{ role: "system", content: settings.instructions }]);
  const compacted = await compactConversation(conversation, {
    maxTokens: compression.maxTokens,
    reservedTokens,
    summaryMaxTokens: compression.summaryMaxTokens,
    summarise: model
      ? async (text, maxTokens) =>
          (
            await abortable(
              ai.generateText({
                model: policyModel(summaryPolicy([model])),
                instructions: defaultSummaryInstructions,
                prompt: `${text}\n\nWrite the summary in at most ${maxTokens} tokens.`,
                maxOutputTokens: maxTokens,
                maxRetries: 0,
                abortSignal: signal,
              }),
              signal,
            )
          ).text
      : undefined,
  });
  if (
    compacted.tokens === compacted.originalTokens &&
    compacted.messages.length === conversation.length
  ) {
    return conversation;
  }
  ledger.emit({
    type: "conversation-compress",
    agent: settings.name,
    originalTokens: compacted.originalTokens,
    tokens: compacted.tokens,
    summarised: compacted.summarised,
    dropped: compacted.dropped,
    truncated: compacted.truncated,
  });
  return compacted.messages;
}

/**
 * Drives `streamText` to its end and returns what it produced. Text deltas are relayed
 * by the model wrapper as they arrive, not here: `streamText` reads ahead of its consumer.
 */
async function streamToResult(
  ai: AI,
  call: Parameters<typeof streamText>[0],
  signal: AbortSignal,
): Promise<AnyGenerateResult> {
  let failure: { error: unknown } | undefined;
  const streamed = ai.streamText({
    ...call,
    onError: ({ error }) => {
      failure ??= { error };
    },
  } as Parameters<typeof streamText>[0]);
  const parts = streamed.fullStream[Symbol.asyncIterator]();
  for (;;) {
    const next = await abortable(parts.next(), signal);
    if (next.done) break;
    if (next.value.type === "error") failure ??= { error: next.value.error };
  }
  if (failure) throw failure.error;
  const [steps, text, responseMessages] = await Promise.all([
    streamed.steps,
    streamed.text,
    streamed.responseMessages,
  ]);
  const output = call.output ? await streamed.output : undefined;
  return { steps, text, responseMessages, output } as unknown as AnyGenerateResult;
}

function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
