import type { LoggedEvent, SerializedError } from "../engine/index.js";
import type { BatonEvent, Usage, WorkflowResult } from "../index.js";
import {
  type AgentRole,
  type OrchestratorCostBreakdown,
  orchestratorCost,
} from "./cost-breakdown.js";
import type { MainStepOutput } from "./main-step.js";
import { OrchestratorError } from "./orchestrator-error.js";

/** One tool call made during a `process()` run, by the main agent or a subagent. */
export interface ToolOutput {
  agent: string;
  tool: string;
  toolCallId: string;
  /** The run the call happened in (the process run, or a delegation run). */
  runId: string;
  input: unknown;
  /** What the tool returned; absent when it failed. */
  output?: unknown;
  error?: SerializedError;
  durationMs?: number;
  costCents?: number;
}

/** What `process()` resolves with. */
export interface ProcessResult {
  /** The `process()` run; read it back with `store.readLog(runId)` (and its child runs). */
  runId: string;
  /** The main agent's final answer. */
  content: string;
  /** Every tool call, in the order they started: the main agent's and the subagents'. */
  toolOutputs: ToolOutput[];
  /** Names of the subagents the designer created during the run. */
  subagentsCreated: string[];
  /** Tokens of every model call, failed attempts included. */
  usage: Usage;
  costBreakdown: OrchestratorCostBreakdown;
}

type AnyEvent = BatonEvent | LoggedEvent;

/** The tool calls in a run's events, in the order they started. */
export function toolOutputsOf(events: Iterable<AnyEvent>): ToolOutput[] {
  const calls = new Map<string, ToolOutput>();
  for (const event of events) {
    const record = event as LoggedEvent;
    if (!event.type.startsWith("tool-call-")) continue;
    const key = `${String(record.runId)}:${String(record.toolCallId)}`;
    if (event.type === "tool-call-start") {
      calls.set(key, {
        agent: String(record.agent),
        tool: String(record.tool),
        toolCallId: String(record.toolCallId),
        runId: String(record.runId),
        input: record.input,
      });
      continue;
    }
    const call = calls.get(key);
    if (!call) continue;
    if (typeof record.durationMs === "number") call.durationMs = record.durationMs;
    if (event.type === "tool-call-end") {
      call.output = record.output;
      if (typeof record.costCents === "number") call.costCents = record.costCents;
    } else if (event.type === "tool-call-error") {
      call.error = record.error as SerializedError;
    }
  }
  return [...calls.values()];
}

/** The names of subagents created in a run (from its `decomposition-end` events). */
export function subagentsCreatedIn(events: Iterable<AnyEvent>): string[] {
  const names: string[] = [];
  for (const event of events) {
    if (event.type !== "decomposition-end") continue;
    const agents = (event as LoggedEvent).agents;
    if (!Array.isArray(agents)) continue;
    for (const agent of agents) {
      if (typeof agent?.name === "string") names.push(agent.name);
    }
  }
  return names;
}

/**
 * Reads a `process()` run's outcome off its result and events. Throws `OrchestratorError`
 * (with the exact spend) when the run did not succeed.
 */
export function processResultOf(
  orchestrator: string,
  result: WorkflowResult,
  events: readonly AnyEvent[],
  roles: { main: string; designer: string },
): ProcessResult {
  const roleOf = (agent: string): AgentRole =>
    agent === roles.main ? "main" : agent === roles.designer ? "designer" : "subagent";
  const spent = orchestratorCost(events, roleOf);
  if (result.status !== "succeeded") {
    throw new OrchestratorError(orchestrator, result, spent);
  }
  const output = result.output as MainStepOutput;
  return {
    runId: result.runId,
    content: output.text,
    toolOutputs: toolOutputsOf(events),
    subagentsCreated: subagentsCreatedIn(events),
    usage: spent.usage,
    costBreakdown: spent.costBreakdown,
  };
}
