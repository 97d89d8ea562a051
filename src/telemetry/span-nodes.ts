import type { Context, Span } from "@opentelemetry/api";
import { spanTime } from "./span-values.js";

/**
 * The open spans of the runs a tracer follows (internal): a run's steps, a step's agents, an
 * agent's model call and tool calls. Each node keeps the context its children start in.
 */
export interface SpanNode {
  span: Span;
  /** The parent's context, with this span: where children start. */
  context: Context;
}

export interface RunNode extends SpanNode {
  /** Step attempts by step id: the current one, or the last (ended) one. */
  steps: Map<string, StepNode>;
}

export interface StepNode extends SpanNode {
  ended: boolean;
  /** Agent runs in the step, open ones, innermost last. */
  agents: AgentNode[];
}

export interface AgentNode extends SpanNode {
  name: string;
  /** The model call in flight (an agent makes one at a time). */
  call: { span: Span; model: string } | undefined;
  /** Tool calls in flight, by tool call id. */
  tools: Map<string, SpanNode>;
}

/** The innermost open run of agent `name` in the step. */
export function findAgent(step: StepNode, name: string): AgentNode | undefined {
  for (let index = step.agents.length - 1; index >= 0; index--) {
    const agent = step.agents[index];
    if (agent?.name === name) return agent;
  }
  return undefined;
}

/** The open tool call `toolCallId` of any agent in the step. */
export function findTool(step: StepNode, toolCallId: string): SpanNode | undefined {
  for (let index = step.agents.length - 1; index >= 0; index--) {
    const tool = step.agents[index]?.tools.get(toolCallId);
    if (tool) return tool;
  }
  return undefined;
}

/** Ends an agent's span and whatever of it is still open. */
export function endAgent(agent: AgentNode, at: number): void {
  for (const tool of agent.tools.values()) tool.span.end(spanTime(at));
  agent.tools.clear();
  agent.call?.span.end(spanTime(at));
  agent.call = undefined;
  agent.span.end(spanTime(at));
}

/** Ends a step attempt's span and whatever of it is still open. */
export function endStep(step: StepNode, at: number): void {
  for (const agent of step.agents.splice(0).reverse()) endAgent(agent, at);
  step.span.end(spanTime(at));
  step.ended = true;
}
