import type { FlexibleSchema, Tool, ToolExecutionOptions } from "ai";
import type { RunContext } from "../core/run-context.js";
import {
  type BatchCallsOptions,
  checkBatchSize,
  type Pending,
  settleBatch,
} from "./batch-calls.js";
import { anySignal } from "./deadline.js";
import { toolCallScope } from "./instrument-tools.js";

/** What `executeBatch` gets besides the inputs. */
export interface BatchExecutionOptions {
  /** Aborts when any of the batch's calls is aborted (the calls of one step share one). */
  signal: AbortSignal;
  /** The tool call ids of the batch, in the order of the inputs. */
  toolCallIds: string[];
  /** The run context of the agent's step (`runContextOf`), when the agent runs in a run. */
  context: RunContext | undefined;
}

/** A tool that takes its calls in batches: `tool()`'s fields, with `executeBatch` for `execute`. */
export interface BatchToolDefinition<INPUT, OUTPUT> extends BatchCallsOptions {
  description?: string;
  inputSchema: FlexibleSchema<INPUT>;
  outputSchema?: FlexibleSchema<OUTPUT>;
  /**
   * Runs calls of the tool together: every call the model made to it in one step (one SQL
   * query or one HTTP request for all of them). Returns one output per input, in order; an
   * output that is an `Error` fails only its call, a throw fails them all. An output may
   * carry `costInCents`, billed to its own call.
   */
  executeBatch(
    inputs: INPUT[],
    options: BatchExecutionOptions,
  ): Promise<ReadonlyArray<OUTPUT | Error>>;
}

interface BatchCall<INPUT, OUTPUT> extends Pending<INPUT, OUTPUT> {
  toolCallId: string;
  signal: AbortSignal | undefined;
  context: RunContext | undefined;
}

/**
 * An AI SDK tool whose calls arrive together. The calls a model makes to it in one step
 * (parallel tool calls) reach `executeBatch` as one batch, after the step's response has
 * ended (a streamed response announces its calls one by one). Each call is still its own
 * tool call: its own events, record, output and error. Called outside a Baton agent, calls
 * made in the same turn of the event loop are batched.
 * @example
 * const customer = batchTool({
 *   description: "Looks up a customer by id",
 *   inputSchema: z.object({ id: z.string() }),
 *   executeBatch: async (inputs) => {
 *     const rows = await sql`SELECT * FROM customers WHERE id IN ${sql(inputs.map((i) => i.id))}`;
 *     return inputs.map(({ id }) => rows.find((row) => row.id === id) ?? new Error(`no customer ${id}`));
 *   },
 * });
 */
export function batchTool<INPUT, OUTPUT>(
  definition: BatchToolDefinition<INPUT, OUTPUT>,
): Tool<INPUT, OUTPUT> {
  if (typeof definition !== "object" || definition === null) {
    throw new TypeError(`batchTool: expected a definition object, received ${String(definition)}`);
  }
  const { executeBatch, maxBatchSize: _size, ...rest } = definition;
  if (typeof executeBatch !== "function") {
    throw new TypeError(
      `batchTool: expected definition.executeBatch to be a function, received ${typeof executeBatch}`,
    );
  }
  const maxBatchSize = checkBatchSize("batchTool", definition);
  // Batches waiting to run, one per agent run (calls of different runs never mix).
  const waiting = new Map<object, BatchCall<INPUT, OUTPUT>[]>();
  const outside = {};
  const run = (calls: BatchCall<INPUT, OUTPUT>[]) =>
    settleBatch(
      calls,
      (inputs) =>
        executeBatch(inputs, {
          signal: anySignal(calls.map((call) => call.signal)),
          toolCallIds: calls.map((call) => call.toolCallId),
          context: calls[0]?.context,
        }),
      "batchTool",
    );
  const execute = (input: INPUT, options: ToolExecutionOptions<unknown>): Promise<OUTPUT> =>
    new Promise<OUTPUT>((resolve, reject) => {
      const scope = toolCallScope(options);
      const key = scope?.ledger ?? outside;
      const call: BatchCall<INPUT, OUTPUT> = {
        input,
        resolve,
        reject,
        toolCallId: options.toolCallId,
        signal: options.abortSignal,
        context: scope?.context,
      };
      const calls = waiting.get(key);
      if (calls) {
        calls.push(call);
        return;
      }
      waiting.set(key, [call]);
      // The step's calls all start within the turn its response ends in: run them after it.
      void (scope?.ledger.responseEnded() ?? Promise.resolve()).then(() =>
        setImmediate(() => {
          const batch = waiting.get(key) ?? [];
          waiting.delete(key);
          for (let start = 0; start < batch.length; start += maxBatchSize) {
            run(batch.slice(start, start + maxBatchSize));
          }
        }),
      );
    });
  // What `tool()` of "ai" returns (its argument); the generic OUTPUT defeats its inference.
  return { ...rest, execute } as unknown as Tool<INPUT, OUTPUT>;
}
