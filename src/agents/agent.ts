import type { Context } from "@ai-sdk/provider-utils";
import type { ModelMessage, Schema, Tool, ToolExecutionOptions } from "ai";
import { serializeError } from "../core/events.js";
import type { Outcome } from "../core/outcome.js";
import type { RetryOptions } from "../core/retry-policy.js";
import type { RunContext } from "../core/run-context.js";
import type { Runnable, RunnableEvent } from "../core/runnable.js";
import { requireModule } from "../models/require-module.js";
import { checkOptions } from "../runtime/check-options.js";
import {
  type AgentOptions,
  type AgentSettings,
  resolveAgentCache,
  resolveAgentSettings,
} from "./agent-options.js";
import { agentRunOptionsRule, asToolOptionsRule } from "./agent-options-rule.js";
import type { AgentResult } from "./agent-result.js";
import { AsyncQueue } from "./async-queue.js";
import { rerunOnResume, toolCallScope } from "./instrument-tools.js";
import { ConversationMemory } from "./memory.js";
import type { ResponseCacheOptions } from "./response-cache.js";
import { type AgentCall, preloadAgent, type RunOutcome, runAgent } from "./run-agent.js";

/** What an agent takes as input: a user message, or a whole conversation. */
export type AgentInput = string | ModelMessage[];

/** Options of one run of an agent on its own (`agent.run()`, `agent.stream()`). */
export interface AgentRunOptions {
  /** Cancels the run. */
  signal?: AbortSignal;
  /** The whole run's limit, in ms. @default the agent's `timeout` */
  timeout?: number;
  /** Overrides the agent's retry policy for this run (a number is `maxAttempts`). */
  retry?: RetryOptions | number;
  /** Overrides the agent's fallback models for this run. */
  fallbackModels?: readonly string[];
  /** Receives the run's events as they happen (agent-start, model-call-end, ...). */
  onEvent?: (event: RunnableEvent) => void;
  /**
   * A response cache for this run, instead of the agent's (`false`: none for this run).
   * @default the agent's `cache`
   */
  cache?: ResponseCacheOptions | false;
}

/** A streaming run: read `textStream` and/or `events`; `result` settles when the run ends. */
export interface AgentStream<OUTPUT = string> {
  /** The final text as it is generated. Throws the run's error at the end of a failed run. */
  textStream: AsyncIterable<string>;
  /** The run's events (the same ones `options.onEvent` receives), subagents' included. */
  events: AsyncIterable<RunnableEvent>;
  result: Promise<AgentResult<OUTPUT>>;
}

export interface AsToolOptions {
  /** What the calling model is told the agent does. @default the agent's `description` */
  description?: string;
}

/**
 * An LLM agent: a model with instructions and tools, run in the AI SDK's tool loop under
 * Baton's policies (retries, timeouts, fallback models, the engine's gate) with every
 * model call, tool call, token and cent on the books. Create one with {@link agent}.
 */
export class Agent<OUTPUT = string> implements Runnable<AgentInput, AgentResult<OUTPUT>> {
  readonly kind = "agent" as const;
  readonly name: string;
  /** `provider:model-id` of the primary model. */
  readonly model: string;
  /** What the agent does (the `description` option): `asTool()`'s default description. */
  readonly description?: string;
  readonly #settings: AgentSettings;
  readonly #memory: ConversationMemory | undefined;
  // Runs of an agent with memory take turns, so each one sees the previous one's messages.
  #memoryTurn: Promise<void> = Promise.resolve();

  constructor(options: AgentOptions<OUTPUT>) {
    this.#settings = resolveAgentSettings(options as AgentOptions<unknown>);
    this.name = this.#settings.name;
    this.model = this.#settings.model.id;
    if (this.#settings.description !== undefined) this.description = this.#settings.description;
    this.#memory = this.#settings.memory
      ? new ConversationMemory(this.#settings.memory)
      : undefined;
  }

  /**
   * Loads what the agent's first call in a run would load (the AI SDK, its models'
   * packages, the tokenizer), so that call's time is the model's. A worker does it before
   * it takes jobs. Never rejects.
   */
  preload(): Promise<void> {
    return preloadAgent(this.#settings);
  }

  /**
   * Runs the agent on `input` to the end of its tool loop.
   * @throws ModelCallError when every model failed, TimeoutError past `timeout`,
   * CancelledError when `options.signal` aborts.
   */
  async run(input: AgentInput, options: AgentRunOptions = {}): Promise<AgentResult<OUTPUT>> {
    const outcome = await this.#execute(input, this.#callOf(options, "run"));
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * Runs the agent once as part of a run (a workflow step, `context.run`): under the run's
   * gate, clock and signal, its events in the run's log, its tools given the context.
   * Resolves with how it ended and what it spent; never rejects for a failed run.
   */
  async execute(input: AgentInput, context: RunContext): Promise<Outcome<AgentResult<OUTPUT>>> {
    const { overrides } = context;
    const outcome = await this.#execute(input, {
      signal: context.signal,
      gate: context.gate,
      emit: (event) => context.emit(event),
      clock: context.clock,
      retry: overrides.retry,
      timeout: overrides.timeout,
      fallbackModels: overrides.fallbackModels,
      runCache: overrides.cache,
      context,
    });
    if (outcome.ok) {
      const { result } = outcome;
      return {
        status: "succeeded",
        output: result,
        usage: result.usage,
        cost: result.cost,
        model: result.model,
      };
    }
    const spend = { usage: outcome.usage, cost: outcome.cost };
    if (context.approvals.pending) return { status: "waiting", reason: "tool-approval", ...spend };
    if (outcome.paused) {
      return { status: "waiting", reason: "budget-exceeded", error: outcome.error, ...spend };
    }
    if (context.signal.aborted) return { status: "cancelled", error: outcome.error, ...spend };
    return { status: "failed", error: outcome.error, ...spend };
  }

  /** Runs the agent, streaming its text and events as they happen. */
  stream(input: AgentInput, options: AgentRunOptions = {}): AgentStream<OUTPUT> {
    this.#checkInput(input);
    const call = this.#callOf(options, "stream");
    const text = new AsyncQueue<string>();
    const events = new AsyncQueue<RunnableEvent>();
    const emit = (event: RunnableEvent) => {
      events.push(event);
      call.emit?.(event);
    };
    const result = this.#execute(input, { ...call, emit }, (delta) => text.push(delta)).then(
      (outcome) => {
        events.close();
        if (!outcome.ok) {
          text.fail(outcome.error);
          throw outcome.error;
        }
        text.close();
        return outcome.result;
      },
    );
    // Reading only the text stream is fine: the error reaches it, so `result` may go unread.
    result.catch(() => {});
    return { textStream: text, events, result };
  }

  /**
   * This agent as an AI SDK tool for another agent. The subagent runs with the caller's
   * signal, clock and gate; its events reach the caller's, and its usage and cost roll up
   * into the caller's result (`subagents`), as model cost rather than tool cost. In a run,
   * it works under the tool call's path, so a resumed caller's subagent replays its turns.
   */
  asTool(options: AsToolOptions = {}): Tool<{ task: string }, OUTPUT> {
    checkOptions(asToolOptionsRule, options, `${this.name}.asTool()`);
    const description =
      options.description ??
      this.description ??
      `Hands a task to the "${this.name}" agent and returns its answer.`;
    const execute = async (
      { task }: { task: string },
      toolOptions: ToolExecutionOptions<unknown>,
    ): Promise<OUTPUT> => {
      const scope = toolCallScope(toolOptions);
      const outcome = await this.#execute(task, {
        signal: toolOptions.abortSignal,
        ...(scope
          ? {
              // The subagent's start names the tool call it runs in, so a trace nests it there.
              emit: (event: RunnableEvent) =>
                scope.ledger.forward(
                  event.type === "agent-start" && event.toolCallId === undefined
                    ? { ...event, toolCallId: scope.toolCallId }
                    : event,
                ),
              clock: scope.clock,
              gate: scope.gate,
              context: scope.context,
            }
          : {}),
      });
      scope?.ledger.subagents.push({
        agent: this.name,
        toolCallId: scope.toolCallId,
        ...(outcome.ok
          ? { model: outcome.result.model, usage: outcome.result.usage, cost: outcome.result.cost }
          : { usage: outcome.usage, cost: outcome.cost, error: serializeError(outcome.error) }),
      });
      if (!outcome.ok) throw outcome.error;
      return outcome.result.output;
    };
    // What `tool()` of "ai" returns (it returns its argument), without importing the AI SDK.
    // OUTPUT is generic here, which the Tool type cannot resolve; the cast is exact.
    // A resumed caller runs the subagent again rather than taking its recorded answer: the
    // subagent replays its own recorded turns, and its spend rolls up as it did.
    const definition: Tool<{ task: string }, unknown, Context> = rerunOnResume({
      description,
      inputSchema: taskSchema,
      execute,
    });
    return definition as Tool<{ task: string }, OUTPUT>;
  }

  /** Forgets the conversation (agents with `memory`). */
  clearMemory(): void {
    this.#memory?.clear();
  }

  /** Checks a user's run options and turns them into a call. */
  #callOf(options: AgentRunOptions, method: string): AgentCall {
    checkOptions(agentRunOptionsRule, options, () => `${this.name}.${method}()`);
    const { onEvent, signal, timeout, retry, fallbackModels, cache } = options;
    const call: AgentCall = { signal, timeout, retry, fallbackModels, emit: onEvent };
    if (cache !== undefined) call.cache = resolveAgentCache(cache) ?? null;
    return call;
  }

  async #execute(
    input: AgentInput,
    call: AgentCall,
    onText?: (delta: string) => void,
  ): Promise<RunOutcome<OUTPUT>> {
    this.#checkInput(input);
    const messages: ModelMessage[] =
      typeof input === "string" ? [{ role: "user", content: input }] : input;
    const request = {
      settings: this.#settings,
      memory: this.#memory,
      input: messages,
      call,
      ...(onText ? { onText } : {}),
    };
    if (!this.#memory) return runAgent<OUTPUT>(request);
    const previous = this.#memoryTurn;
    let done!: () => void;
    this.#memoryTurn = new Promise((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      return await runAgent<OUTPUT>(request);
    } finally {
      done();
    }
  }

  #checkInput(input: unknown): void {
    const ok =
      typeof input === "string" ||
      (Array.isArray(input) &&
        input.every(
          (message) =>
            typeof message === "object" && message !== null && typeof message.role === "string",
        ));
    if (!ok) {
      throw new TypeError(
        `${this.name}.run(): expected input to be a string or an array of ModelMessage, received ${
          input === null ? "null" : Array.isArray(input) ? "an array of non-messages" : typeof input
        }`,
      );
    }
  }
}

let taskSchemaInstance: Schema<{ task: string }> | undefined;

/**
 * The input of `asTool()`: a lazySchema(), so zod and the AI SDK load when a tool loop first
 * reads it (they are loaded by then), not when Baton is imported.
 */
function taskSchema(): Schema<{ task: string }> {
  if (!taskSchemaInstance) {
    const { zodSchema } = requireModule<typeof import("ai")>("ai");
    const { z } = requireModule<typeof import("zod")>("zod");
    taskSchemaInstance = zodSchema(
      z.object({
        task: z.string().describe("The task, with all the context the agent needs to do it."),
      }),
    );
  }
  return taskSchemaInstance;
}

/**
 * Creates an agent. Options are checked at once, before any work: bad options throw an
 * `OptionsError` that lists every problem with its path (unknown options included), and
 * a model string without its API key throws a `ConfigurationError`.
 *
 * @example
 * const researcher = agent({
 *   name: "researcher",
 *   model: "openai:gpt-4o-mini",
 *   instructions: "Find facts. Cite sources.",
 *   tools: { search },
 *   fallbackModels: ["anthropic:claude-haiku-4-5"],
 *   timeout: { callMs: 30_000, runMs: 120_000 },
 * });
 * const { text, usage, cost } = await researcher.run("What changed in Node 24?");
 */
export function agent<OUTPUT = string>(options: AgentOptions<OUTPUT>): Agent<OUTPUT> {
  return new Agent(options);
}
