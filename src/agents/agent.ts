import type { Context } from "@ai-sdk/provider-utils";
import type { ModelMessage, Schema, Tool, ToolExecutionOptions } from "ai";
import { serializeError } from "../core/events.js";
import type { Runnable, RunnableEvent, RunnableOptions } from "../core/runnable.js";
import { attachSpend } from "../core/spend.js";
import { requireModule } from "../models/require-module.js";
import { type AgentOptions, type AgentSettings, resolveAgentSettings } from "./agent-options.js";
import type { AgentResult } from "./agent-result.js";
import { AsyncQueue } from "./async-queue.js";
import { toolCallScope } from "./instrument-tools.js";
import { ConversationMemory } from "./memory.js";
import { type RunOutcome, runAgent } from "./run-agent.js";

/** What an agent takes as input: a user message, or a whole conversation. */
export type AgentInput = string | ModelMessage[];

/** Options of one run; the engine fills them in when the agent is a workflow step. */
export interface AgentRunOptions extends RunnableOptions {}

/** A streaming run: read `textStream` and/or `events`; `result` settles when the run ends. */
export interface AgentStream<OUTPUT = string> {
  /** The final text as it is generated. Throws the run's error at the end of a failed run. */
  textStream: AsyncIterable<string>;
  /** The run's events (the same ones `options.emit` receives), subagents' included. */
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
   * Runs the agent on `input` to the end of its tool loop.
   * @throws ModelCallError when every model failed, TimeoutError past `timeout`,
   * CancelledError when `options.signal` aborts. A run that fails after spending has its
   * usage and cost on the error: `spendOf(error)`.
   */
  async run(input: AgentInput, options: AgentRunOptions = {}): Promise<AgentResult<OUTPUT>> {
    const outcome = await this.#execute(input, options);
    if (!outcome.ok) throw withSpend(outcome);
    return outcome.result;
  }

  /** Runs the agent, streaming its text and events as they happen. */
  stream(input: AgentInput, options: AgentRunOptions = {}): AgentStream<OUTPUT> {
    this.#checkInput(input);
    const text = new AsyncQueue<string>();
    const events = new AsyncQueue<RunnableEvent>();
    const emit = (event: RunnableEvent) => {
      events.push(event);
      options.emit?.(event);
    };
    const result = this.#execute(input, { ...options, emit }, (delta) => text.push(delta)).then(
      (outcome) => {
        events.close();
        if (!outcome.ok) {
          const error = withSpend(outcome);
          text.fail(error);
          throw error;
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
   * into the caller's result (`subagents`), as model cost rather than tool cost.
   */
  asTool(options: AsToolOptions = {}): Tool<{ task: string }, OUTPUT> {
    if (options.description !== undefined && typeof options.description !== "string") {
      throw new TypeError(
        `${this.name}.asTool(): expected options.description to be a string, received ${typeof options.description}`,
      );
    }
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
        ...(toolOptions.abortSignal ? { signal: toolOptions.abortSignal } : {}),
        ...(scope
          ? {
              emit: (event: RunnableEvent) => scope.ledger.forward(event),
              clock: scope.clock,
              ...(scope.gate ? { gate: scope.gate } : {}),
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
    const definition: Tool<{ task: string }, unknown, Context> = {
      description,
      inputSchema: taskSchema,
      execute,
    };
    return definition as Tool<{ task: string }, OUTPUT>;
  }

  /** Forgets the conversation (agents with `memory`). */
  clearMemory(): void {
    this.#memory?.clear();
  }

  async #execute(
    input: AgentInput,
    options: AgentRunOptions,
    onText?: (delta: string) => void,
  ): Promise<RunOutcome<OUTPUT>> {
    this.#checkInput(input);
    if (
      options.timeout !== undefined &&
      !(typeof options.timeout === "number" && options.timeout > 0)
    ) {
      throw new TypeError(
        `${this.name}.run(): expected options.timeout to be a number of ms > 0, received ${String(options.timeout)}`,
      );
    }
    const messages: ModelMessage[] =
      typeof input === "string" ? [{ role: "user", content: input }] : input;
    const request = {
      settings: this.#settings,
      memory: this.#memory,
      input: messages,
      options,
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

/**
 * A failed run's error, with what the run spent on it (`spendOf`) for whoever bills the
 * run: a workflow step, `context.run`, a caller. Not for `asTool()`: the calling agent
 * bills its subagents itself, and an abort's error is shared by both.
 */
function withSpend(outcome: Extract<RunOutcome<unknown>, { ok: false }>): Error {
  return attachSpend(outcome.error, { usage: outcome.usage, cost: outcome.cost });
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
 * Creates an agent. Options are checked at once: a bad option throws a `TypeError` naming
 * it, and a model string without its API key throws a `ConfigurationError`, before any work.
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
