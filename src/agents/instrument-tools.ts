import type { ToolExecutionOptions, ToolSet } from "ai";
import { type SerializedError, serializeError } from "../core/events.js";
import type { ModelCallGate } from "../core/model-call-gate.js";
import type { Clock } from "../core/ports/clock.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { scopedRunContext } from "../core/run/scoped-run-context.js";
import type { RunContext } from "../core/run-context.js";
import type { AgentReplay } from "./agent-replay.js";
import type { ToolCallRecord } from "./agent-result.js";
import type { RunLedger } from "./run-ledger.js";

/** What a tool call can reach of the agent run that made it (internal). */
export interface ToolCallScope {
  toolCallId: string;
  agent: string;
  ledger: RunLedger;
  clock: Clock;
  gate: ModelCallGate | undefined;
  /**
   * The run context of this tool call, when the agent runs as part of a run: the agent's,
   * with a path of its own (`<agent's path>/<turn>:<toolCallId>`).
   */
  context: RunContext | undefined;
  /** A tool marked `rerunOnResume` runs again for a call whose end is in the log already. */
  rerun: boolean;
  reportCost(cents: number): void;
}

// A symbol survives `{ ...options }`, so a tool that passes its options on keeps the scope.
const scopeKey = Symbol.for("baton.tool-call-scope");
const rerunKey = Symbol.for("baton.rerun-on-resume");

/**
 * Marks a tool whose work resumes on its own: it starts child runs (which resume from
 * their logs when the step resumes) or runs agents (which replay their recorded turns).
 * When a resumed agent replays a turn that called it, the tool runs again, quietly (no new
 * events), instead of handing back its recorded output, so what it started is found again
 * and its spend rolls up as in an uninterrupted run. It must do the same work given the
 * same input. Other tools' recorded outputs are handed back and they never run twice.
 * @example
 * const delegate = rerunOnResume(tool({ inputSchema, execute: (input, options) => runChildFlow(input, options) }));
 */
export function rerunOnResume<T extends object>(tool: T): T {
  Object.defineProperty(tool, rerunKey, { value: true, enumerable: true });
  return tool;
}

function runsAgainOnResume(tool: object): boolean {
  return (tool as { [rerunKey]?: boolean })[rerunKey] === true;
}

/**
 * Whether this call of a `rerunOnResume` tool runs again for a call that ended before (a
 * resumed agent replays the turn that made it): what the call logged is in the log
 * already, so the tool skips events it would log twice.
 */
export function isRerun(options: unknown): boolean {
  return toolCallScope(options)?.rerun === true;
}

/** The agent-run scope of a tool call, when the call comes from a Baton agent. */
export function toolCallScope(options: unknown): ToolCallScope | undefined {
  if (typeof options !== "object" || options === null) return undefined;
  return (options as { [scopeKey]?: ToolCallScope })[scopeKey];
}

/**
 * The run context of the step whose agent called this tool: the run and step ids, the
 * store, the gate, the step's tool-call approvals. `undefined` when the agent runs on its
 * own (`agent.run()`), outside any run.
 * @example
 * execute: async (input, options) => {
 *   const context = runContextOf(options);
 *   context?.emit({ type: "custom:progress", data: { step: context.stepId } });
 * }
 */
export function runContextOf(options: unknown): RunContext | undefined {
  return toolCallScope(options)?.context;
}

/**
 * Adds `cents` to the cost of the tool call whose execution `options` belong to. It
 * counts as tool cost (`cost.toolCents`), not model cost. Returns `false` when the tool
 * was not called by a Baton agent (nothing to report to).
 *
 * @example
 * const search = tool({
 *   inputSchema: z.object({ query: z.string() }),
 *   execute: async ({ query }, options) => {
 *     const hits = await searchApi(query);
 *     reportToolCost(options, 0.5); // half a cent per search
 *     return hits;
 *   },
 * });
 */
export function reportToolCost(options: ToolExecutionOptions<unknown>, cents: number): boolean {
  const scope = toolCallScope(options);
  if (!scope) return false;
  scope.reportCost(cents);
  return true;
}

function checkCents(cents: unknown, source: string): number {
  if (typeof cents !== "number" || !Number.isFinite(cents) || cents < 0) {
    throw new TypeError(
      `${source}: expected a finite number of cents >= 0, received ${String(cents)}`,
    );
  }
  return cents;
}

/** The run context that instrumented tools report to. */
export interface ToolRun {
  agent: string;
  ledger: RunLedger;
  clock: Clock;
  gate: ModelCallGate | undefined;
  context: RunContext | undefined;
  /** What was already warned about, so each warning is given once per agent. */
  warned?: Set<string>;
  /** What an interrupted earlier run recorded: tool outcomes served instead of running. */
  replay?: AgentReplay | undefined;
}

/**
 * Wraps each tool's `execute` to time it, record its input, output or error and cost,
 * emit tool-call events, and give it a scope (`reportToolCost`, subagent roll-up).
 * Tools without `execute` pass through untouched.
 */
export function instrumentTools(tools: ToolSet, run: ToolRun): ToolSet {
  const instrumented: ToolSet = {};
  for (const [name, original] of Object.entries(tools)) {
    const execute = original.execute as
      | ((input: unknown, options: ToolExecutionOptions<unknown>) => unknown)
      | undefined;
    const rerun = runsAgainOnResume(original);
    instrumented[name] =
      typeof execute === "function"
        ? ({
            ...original,
            execute: (input, options) => runTool(name, execute, input, options, run, rerun),
          } as ToolSet[string])
        : original;
  }
  return instrumented;
}

function runTool(
  name: string,
  execute: (input: unknown, options: ToolExecutionOptions<unknown>) => unknown,
  input: unknown,
  options: ToolExecutionOptions<unknown>,
  run: ToolRun,
  rerun: boolean,
): unknown {
  const { clock, ledger, agent } = run;
  const turn = ledger.turns;
  const recorded = run.replay?.toolOutcome(turn, options.toolCallId);
  if (recorded && !rerun) return serveRecorded(name, input, recorded, run);
  // A tool whose work resumes on its own runs again; its events are in the log already.
  const quiet = recorded?.type === "tool-call-end";
  if (recorded && quiet) run.replay?.served(recorded);
  const record: ToolCallRecord = {
    tool: name,
    toolCallId: options.toolCallId,
    input,
    startedAt: clock.now(),
    durationMs: 0,
    costCents: 0,
  };
  ledger.toolCalls.push(record);
  let reported = 0;
  const scope: ToolCallScope = {
    toolCallId: options.toolCallId,
    agent,
    ledger,
    clock,
    gate: run.gate,
    context: run.context && scopedRunContext(run.context, `${turn}:${options.toolCallId}`),
    rerun: quiet,
    reportCost: (cents) => {
      reported += checkCents(cents, `reportToolCost (tool "${name}")`);
    },
  };
  const emit: RunLedger["emit"] = quiet ? () => {} : (event) => ledger.emit(event);
  emit({ type: "tool-call-start", agent, tool: name, toolCallId: record.toolCallId, input });
  // What the tool spent counts against the run's budgets as soon as the call ends.
  const charge = (cents: number) => {
    if (cents > 0) run.gate?.recordToolCost?.({ agent, tool: name, cents });
  };

  const succeed = (returned: unknown): unknown => {
    const { cents: ownCost, field } = costInCentsOf(returned, name);
    if (field !== "costInCents" && field !== undefined) warnMisspelledCost(run, name, field);
    const output = withoutCost(returned, field);
    record.durationMs = clock.now() - record.startedAt;
    record.output = output;
    record.costCents = reported + ownCost;
    charge(record.costCents);
    emit({
      type: "tool-call-end",
      agent,
      tool: name,
      toolCallId: record.toolCallId,
      output,
      durationMs: record.durationMs,
      costCents: record.costCents,
    });
    return output;
  };
  const fail = (error: unknown): never => {
    record.durationMs = clock.now() - record.startedAt;
    record.error = serializeError(error);
    record.costCents = reported;
    charge(record.costCents);
    emit({
      type: "tool-call-error",
      agent,
      tool: name,
      toolCallId: record.toolCallId,
      error: record.error,
      durationMs: record.durationMs,
      ...(record.costCents > 0 ? { costCents: record.costCents } : {}),
    });
    throw error;
  };

  let result: unknown;
  try {
    result = execute(input, { ...options, [scopeKey]: scope } as ToolExecutionOptions<unknown>);
  } catch (error) {
    return Promise.reject(error).catch(fail);
  }
  if (isAsyncIterable(result)) return relayPreliminary(result, succeed, fail);
  return Promise.resolve(result).then((output) => {
    try {
      return succeed(output);
    } catch (error) {
      return fail(error);
    }
  }, fail);
}

/**
 * Hands back how a tool call ended in an interrupted earlier run, without running the
 * tool: its output, or its error (one the model already saw). Booked in the ledger as it
 * was recorded; no events (they are in the log already).
 */
function serveRecorded(name: string, input: unknown, recorded: LoggedEvent, run: ToolRun): unknown {
  run.replay?.served(recorded);
  const durationMs = typeof recorded.durationMs === "number" ? recorded.durationMs : 0;
  const record: ToolCallRecord = {
    tool: name,
    toolCallId: String(recorded.toolCallId),
    input,
    startedAt: recorded.at - durationMs,
    durationMs,
    costCents: typeof recorded.costCents === "number" ? recorded.costCents : 0,
  };
  run.ledger.toolCalls.push(record);
  if (recorded.type === "tool-call-end") {
    record.output = recorded.output;
    return Promise.resolve(recorded.output);
  }
  const error = recorded.error as SerializedError;
  record.error = error;
  // The model saw this error's message: the same message keeps the conversation the same.
  return Promise.reject(Object.assign(new Error(error.message), { name: error.name }));
}

/**
 * A tool may stream preliminary results; the last one is its output, and its
 * `costInCents` the call's cost. Each is passed on without `costInCents`, which is for the
 * books, not for the model.
 */
async function* relayPreliminary(
  results: AsyncIterable<unknown>,
  succeed: (output: unknown) => unknown,
  fail: (error: unknown) => never,
): AsyncGenerator<unknown> {
  let last: unknown;
  try {
    for await (const value of results) {
      last = value;
      yield withoutCost(value, costFieldOf(value));
    }
  } catch (error) {
    fail(error);
  }
  try {
    succeed(last);
  } catch (error) {
    fail(error);
  }
}

/**
 * Spellings of `costInCents` that a tool plainly meant (`cost_in_cents`, `costCents`, ...):
 * billed like it, with a warning, rather than billed as 0 without a word.
 */
const nearMisses = new Set(["costincents", "costcents", "costincent", "costcent"]);

/** The field of a tool's result that carries its cost: `costInCents`, or a near miss of it. */
function costFieldOf(output: unknown): string | undefined {
  if (typeof output !== "object" || output === null || Array.isArray(output)) return undefined;
  if ("costInCents" in output) return "costInCents";
  return Object.keys(output).find((key) =>
    nearMisses.has(key.toLowerCase().replace(/[_\-\s]/g, "")),
  );
}

function costInCentsOf(output: unknown, name: string): { cents: number; field?: string } {
  const field = costFieldOf(output);
  if (field === undefined) return { cents: 0 };
  const cents = (output as Record<string, unknown>)[field];
  return { cents: checkCents(cents, `tool "${name}" ${field}`), field };
}

function warnMisspelledCost(run: ToolRun, tool: string, field: string): void {
  const key = `cost-field:${tool}:${field}`;
  if (run.warned?.has(key)) return;
  run.warned?.add(key);
  process.emitWarning(
    `Tool "${tool}" of agent "${run.agent}" reported its cost as "${field}"; the field is ` +
      `spelled "costInCents". It was billed as tool cost this time; rename it to keep it so.`,
    { type: "BatonToolCostWarning" },
  );
}

/** The cost field is for the books, not for the model: it is taken out of the output. */
function withoutCost(output: unknown, field: string | undefined): unknown {
  if (field === undefined || typeof output !== "object" || output === null) return output;
  if (Object.getPrototypeOf(output) !== Object.prototype) return output;
  const { [field]: _cost, ...rest } = output as Record<string, unknown>;
  return rest;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
