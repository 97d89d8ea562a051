import {
  type Attributes,
  type Context,
  context as contextAPI,
  defaultTextMapSetter,
  diag,
  isSpanContextValid,
  propagation,
  type Span,
  type SpanContext,
  SpanKind,
  type TextMapPropagator,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { BatonEvent } from "../core/events.js";
import type { ModelCallRef, RunTelemetry } from "../core/ports/run-telemetry.js";
import { GenAIAttributes as A, GenAIOperations, splitModelId } from "./gen-ai-attributes.js";
import {
  type AgentNode,
  endAgent,
  endStep,
  findAgent,
  findTool,
  type RunNode,
  type StepNode,
} from "./span-nodes.js";
import { failSpan, spanTime, spendAttributes } from "./span-values.js";

/** How a {@link RunTracer} makes and links spans. */
export interface RunTracerOptions {
  /**
   * Makes the spans.
   * @default trace.getTracer("baton-ai"): the tracer provider registered with `@opentelemetry/api`
   */
  tracer?: Tracer;
  /**
   * Writes a model call's trace context into its HTTP request's headers.
   * @default propagation: the propagator registered with `@opentelemetry/api` (an SDK's
   * default is W3C `traceparent` and baggage); with none registered, a W3C `traceparent`
   * (and `tracestate`) all the same
   */
  propagator?: TextMapPropagator;
  /**
   * The context a top-level run's span starts in (its parent span, baggage).
   * @default the active context when the run starts (`context.active()`)
   */
  context?: Context;
}

type EventOf<T extends BatonEvent["type"]> = Extract<BatonEvent, { type: T }>;
/** What an agent run emits once started: its model calls, tool calls and end. */
type AgentEvent = Exclude<Extract<BatonEvent, { agent: string }>, { type: "agent-start" }>;

/**
 * Turns a run's events into OpenTelemetry spans following the GenAI semantic conventions, as
 * they happen (given to `start({ telemetry })`) or afterwards (`traceEvents`). Spans take their
 * times from the events, so a replayed log gives the trace the run had.
 *
 * - `invoke_workflow {workflow}` per run; a child run (sub-workflow, delegation, pattern
 *   branch) nests under the step that started it;
 * - `step {id}` per step attempt (`baton.step.attempt`); retries and skips are events on the run's span;
 * - `invoke_agent {agent}` per agent run; a subagent called as a tool nests under that tool call;
 * - `chat {model}` per model call attempt (failed ones too); retries and fallbacks are events on the agent's span;
 * - `execute_tool {tool}` per tool call.
 *
 * With no tracer provider registered, a run's first span is invalid and the run is declined:
 * it shows the tracer nothing more.
 */
export class RunTracer implements RunTelemetry {
  readonly #tracer: Tracer;
  /** `undefined`: the registered propagator, or W3C trace context when none is. */
  readonly #propagator: TextMapPropagator | undefined;
  readonly #context: Context | undefined;
  /** Keep ended runs, so child runs logged after their parent ended still find it (replays). */
  readonly #retain: boolean;
  readonly #runs = new Map<string, RunNode>();
  /** The parent step of child runs, from their `run-start`, until their span opens. */
  readonly #parentSteps = new Map<string, string>();
  /** Runs resumed from their log (`run-resume`), until their span opens. */
  readonly #resumed = new Set<string>();

  constructor(options: RunTracerOptions = {}, internal: { retain?: boolean } = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`telemetry options: expected an object, received ${String(options)}`);
    }
    const { tracer, propagator, context } = options;
    if (tracer !== undefined && typeof tracer?.startSpan !== "function") {
      throw new TypeError(
        `telemetry options.tracer: expected an OpenTelemetry Tracer (with startSpan), received ${describe(tracer)}`,
      );
    }
    if (propagator !== undefined && typeof propagator?.inject !== "function") {
      throw new TypeError(
        `telemetry options.propagator: expected a TextMapPropagator (with inject), received ${describe(propagator)}`,
      );
    }
    this.#tracer = tracer ?? trace.getTracer("baton-ai");
    this.#propagator = propagator;
    this.#context = context;
    this.#retain = internal.retain ?? false;
  }

  observe(event: BatonEvent): boolean {
    try {
      this.#observe(event);
    } catch (error) {
      // Tracing must never break the run it watches.
      diag.error(`baton-ai telemetry: could not trace a ${event?.type} event`, error);
    }
    // A run whose span is recorded nowhere (no tracer provider) is declined as it starts.
    return event?.type !== "workflow-start" || this.#runs.has(event.runId);
  }

  modelCallHeaders(call: ModelCallRef): Record<string, string> | undefined {
    const step = this.#runs.get(call.runId)?.steps.get(call.stepId);
    const current = step && findAgent(step, call.agent)?.call;
    if (!current || current.model !== call.model) return undefined;
    const carrier: Record<string, string> = {};
    const base = this.#context ?? contextAPI.active();
    const propagator = this.#propagator ?? propagation;
    propagator.inject(trace.setSpan(base, current.span), carrier, defaultTextMapSetter);
    if (Object.keys(carrier).length > 0) return carrier;
    // No propagator registered (a bare TracerProvider): the model call still names its span.
    return this.#propagator ? undefined : traceContextHeaders(current.span.spanContext());
  }

  #observe(event: BatonEvent): void {
    if (event.type === "run-start") {
      if (event.parentRunId !== undefined && event.parentStepId !== undefined) {
        this.#parentSteps.set(event.runId, event.parentStepId);
      }
      return;
    }
    if (event.type === "run-resume") {
      this.#resumed.add(event.runId);
      return;
    }
    if (event.type === "workflow-start") {
      this.#openRun(event);
      return;
    }
    const run = this.#runs.get(event.runId);
    if (!run) return;
    switch (event.type) {
      case "workflow-end":
      case "workflow-error":
      case "text-delta":
        // The run's span covers the workflow and its end says how it ended; text deltas, one
        // per streamed chunk, are far too many for span events.
        return;
      case "run-end":
        run.span.setAttributes(spendAttributes(event.usage, event.cost));
        this.#closeRun(event.runId, run, event.at, "succeeded");
        return;
      case "run-error":
        failSpan(run.span, event.error, event.at);
        this.#closeRun(event.runId, run, event.at, "failed");
        return;
      case "run-cancel":
      case "run-wait":
        if (event.reason !== undefined) run.span.setAttribute("baton.reason", event.reason);
        this.#closeRun(
          event.runId,
          run,
          event.at,
          event.type === "run-wait" ? "waiting" : "cancelled",
        );
        return;
      case "step-start":
        this.#openStep(run, event);
        return;
      case "step-end":
      case "step-error": {
        const step = run.steps.get(event.stepId);
        if (!step || step.ended) return;
        step.span.setAttributes(spendAttributes(event.usage, event.cost));
        if (event.type === "step-error") {
          step.span.setAttributes({ [A.willRetry]: event.willRetry, [A.status]: "failed" });
          failSpan(step.span, event.error, event.at);
        } else {
          step.span.setAttribute(A.status, "succeeded");
        }
        endStep(step, event.at);
        return;
      }
      case "step-retry":
        run.span.addEvent(
          "baton.step.retry",
          {
            [A.stepId]: event.stepId,
            [A.stepAttempt]: event.attempt,
            "baton.delay_ms": event.delayMs,
          },
          spanTime(event.at),
        );
        return;
      case "step-skip":
        run.span.addEvent(
          "baton.step.skip",
          { [A.stepId]: event.stepId, "baton.reason": event.reason },
          spanTime(event.at),
        );
        return;
      case "agent-start":
        this.#openAgent(run, event);
        return;
      case "agent-end":
      case "agent-error":
      case "model-call-start":
      case "model-call-end":
      case "model-call-error":
      case "model-call-retry":
      case "model-call-fallback":
      case "tool-call-start":
      case "tool-call-end":
      case "tool-call-error": {
        const step = event.stepId === undefined ? undefined : run.steps.get(event.stepId);
        const agent = step && findAgent(step, event.agent);
        if (step && agent) this.#observeAgent(step, agent, event);
        return;
      }
      default:
        this.#annotate(run, event);
    }
  }

  /** What happens inside an agent run: its model calls and tool calls, and its end. */
  #observeAgent(step: StepNode, agent: AgentNode, event: AgentEvent): void {
    const at = spanTime(event.at);
    switch (event.type) {
      case "agent-end":
      case "agent-error":
        if (event.usage && event.cost) {
          agent.span.setAttributes(spendAttributes(event.usage, event.cost));
        }
        if (event.type === "agent-end") {
          agent.span.setAttribute(A.responseModel, splitModelId(event.model).modelId);
        } else {
          failSpan(agent.span, event.error, event.at);
        }
        endAgent(agent, event.at);
        step.agents.splice(step.agents.lastIndexOf(agent), 1);
        return;
      case "model-call-start": {
        agent.call?.span.end(at);
        const { provider, modelId } = splitModelId(event.model);
        const span = this.#start(`${GenAIOperations.chat} ${modelId}`, agent.context, event, {
          [A.operationName]: GenAIOperations.chat,
          [A.providerName]: provider,
          [A.requestModel]: modelId,
          [A.agentName]: event.agent,
          [A.modelCallAttempt]: event.attempt,
        });
        agent.call = { span, model: event.model };
        return;
      }
      case "model-call-end":
      case "model-call-error": {
        const { call } = agent;
        if (!call) return;
        if (event.usage && event.cost)
          call.span.setAttributes(spendAttributes(event.usage, event.cost));
        if (event.type === "model-call-end") {
          call.span.setAttribute(A.responseModel, splitModelId(event.model).modelId);
        } else {
          failSpan(call.span, event.error, event.at);
        }
        call.span.end(at);
        agent.call = undefined;
        return;
      }
      case "model-call-retry":
        agent.span.addEvent(
          "baton.model_call.retry",
          {
            [A.requestModel]: splitModelId(event.model).modelId,
            [A.modelCallAttempt]: event.attempt,
            "baton.delay_ms": event.delayMs,
          },
          at,
        );
        return;
      case "model-call-fallback":
        agent.span.addEvent(
          "baton.model_call.fallback",
          { "baton.from": event.from, "baton.to": event.to },
          at,
        );
        return;
      case "tool-call-start": {
        const span = this.#start(`${GenAIOperations.tool} ${event.tool}`, agent.context, event, {
          [A.operationName]: GenAIOperations.tool,
          [A.toolName]: event.tool,
          [A.toolCallId]: event.toolCallId,
          [A.toolType]: "function",
          [A.agentName]: event.agent,
        });
        agent.tools.set(event.toolCallId, { span, context: trace.setSpan(agent.context, span) });
        return;
      }
      case "tool-call-end":
      case "tool-call-error": {
        const tool = agent.tools.get(event.toolCallId);
        if (!tool) return;
        if (event.costCents !== undefined) tool.span.setAttribute(A.costCents, event.costCents);
        if (event.type === "tool-call-error") failSpan(tool.span, event.error, event.at);
        tool.span.end(at);
        agent.tools.delete(event.toolCallId);
      }
    }
  }

  #openRun(event: EventOf<"workflow-start">): void {
    const { runId, parentRunId } = event;
    if (this.#runs.has(runId)) return;
    const parentStepId = this.#parentSteps.get(runId);
    this.#parentSteps.delete(runId);
    const resumed = this.#resumed.delete(runId);
    const parent = parentRunId === undefined ? undefined : this.#runs.get(parentRunId);
    const context = parent
      ? ((parentStepId === undefined ? undefined : parent.steps.get(parentStepId)?.context) ??
        parent.context)
      : (this.#context ?? contextAPI.active());
    const span = this.#start(`${GenAIOperations.workflow} ${event.workflow}`, context, event, {
      [A.operationName]: GenAIOperations.workflow,
      [A.workflowName]: event.workflow,
      ...(parentRunId !== undefined ? { [A.parentRunId]: parentRunId } : {}),
      ...(resumed ? { [A.runResumed]: true } : {}),
    });
    // No tracer provider registered (or a parent run that is not traced): nothing to trace.
    if (!isSpanContextValid(span.spanContext())) return;
    this.#runs.set(runId, { span, context: trace.setSpan(context, span), steps: new Map() });
  }

  #closeRun(runId: string, run: RunNode, at: number, status: string): void {
    for (const step of run.steps.values()) {
      if (step.ended) continue;
      step.span.setAttribute(A.status, status);
      endStep(step, at);
    }
    run.span.setAttribute(A.status, status);
    run.span.end(spanTime(at));
    if (!this.#retain) this.#runs.delete(runId);
  }

  #openStep(run: RunNode, event: EventOf<"step-start">): void {
    const previous = run.steps.get(event.stepId);
    if (previous && !previous.ended) endStep(previous, event.at);
    const span = this.#start(`step ${event.stepId}`, run.context, event, {
      [A.stepAttempt]: event.attempt,
      ...(event.iteration !== undefined ? { [A.stepIteration]: event.iteration } : {}),
    });
    run.steps.set(event.stepId, {
      span,
      context: trace.setSpan(run.context, span),
      ended: false,
      agents: [],
    });
  }

  #openAgent(run: RunNode, event: EventOf<"agent-start">): void {
    const step = event.stepId === undefined ? undefined : run.steps.get(event.stepId);
    if (!step || step.ended) return;
    const { toolCallId } = event;
    // A subagent called as a tool runs inside that tool call.
    const parent =
      (toolCallId !== undefined && findTool(step, toolCallId)?.context) || step.context;
    const { provider, modelId } = splitModelId(event.model);
    const span = this.#start(`${GenAIOperations.agent} ${event.agent}`, parent, event, {
      [A.operationName]: GenAIOperations.agent,
      [A.agentName]: event.agent,
      [A.providerName]: provider,
      [A.requestModel]: modelId,
      ...(toolCallId !== undefined ? { [A.toolCallId]: toolCallId } : {}),
    });
    step.agents.push({
      name: event.agent,
      span,
      context: trace.setSpan(parent, span),
      call: undefined,
      tools: new Map(),
    });
  }

  /** Starts a span at the event's time, with the run and step ids besides `attributes`. */
  #start(name: string, parent: Context, event: BatonEvent, attributes: Attributes): Span {
    return this.#tracer.startSpan(
      name,
      {
        kind: event.type === "model-call-start" ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: spanTime(event.at),
        attributes: {
          ...attributes,
          [A.runId]: event.runId,
          ...(event.stepId !== undefined ? { [A.stepId]: event.stepId } : {}),
        },
      },
      parent,
    );
  }

  /** Everything else that happens in a run (budgets, breakers, approvals, phases): an event on the step's span, or the run's. */
  #annotate(run: RunNode, event: BatonEvent): void {
    const step = event.stepId === undefined ? undefined : run.steps.get(event.stepId);
    const target = step && !step.ended ? step.span : run.span;
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(event)) {
      if (baseFields.has(key)) continue;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        attributes[`baton.${key}`] = value;
      }
    }
    const name = event.type.startsWith("custom:") ? event.type : `baton.${event.type}`;
    target.addEvent(name, attributes, spanTime(event.at));
  }
}

const baseFields = new Set(["type", "at", "runId", "parentRunId"]);

/** A span context as W3C trace context headers (version 00). */
function traceContextHeaders(span: SpanContext): Record<string, string> {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  const state = span.traceState?.serialize();
  return {
    traceparent: `00-${span.traceId}-${span.spanId}-${flags}`,
    ...(state ? { tracestate: state } : {}),
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return typeof value === "object" ? "an object without it" : typeof value;
}
