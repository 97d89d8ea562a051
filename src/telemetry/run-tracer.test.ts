import { ROOT_CONTEXT, type TextMapPropagator, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "../agents/agent.js";
import { httpError, scriptedModel, textReply, toolCallReply } from "../agents/test-support.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { requiresApproval } from "../durable/requires-approval.js";
import { workflow } from "../runtime/workflow.js";
import { ManualClock } from "../testing/manual-clock.js";
import { telemetry } from "./telemetry.js";
import { memoryTracing, reportWorkflow, spanOutline, viewSpans } from "./test-support.js";

const start = 1_750_000_000_000;

describe("telemetry()", () => {
  it("turns a run into spans: the run, its steps, a sub-workflow under its step, an agent with its model and tool calls", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const run = reportWorkflow(clock).start("tides", {
      clock,
      ids: sequentialIdGenerator(),
      telemetry: telemetry({ tracer }),
    });
    const result = await clock.runUntil(run.result);
    expect(result.status).toBe("succeeded");

    const spans = exporter.getFinishedSpans();
    expect(spanOutline(spans)).toEqual([
      "invoke_workflow report",
      "  step prepare",
      "  step prepare",
      "  step research",
      "    invoke_workflow research",
      "      step ask",
      "        invoke_agent researcher",
      "          chat alpha",
      "          chat alpha",
      "          execute_tool lookup",
      "          chat alpha",
    ]);
    // One trace for the whole run tree.
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);

    const views = viewSpans(spans);
    const named = (name: string) => views.filter((view) => view.name === name);
    const childRunId = named("invoke_workflow research")[0]?.attributes["baton.run.id"];
    expect(named("invoke_workflow report")[0]).toMatchObject({
      startMs: start,
      attributes: {
        "gen_ai.operation.name": "invoke_workflow",
        "gen_ai.workflow.name": "report",
        "baton.run.id": run.id,
        "baton.status": "succeeded",
        "gen_ai.usage.input_tokens": 40,
        "gen_ai.usage.output_tokens": 9,
      },
      events: ["baton.step.retry"],
    });
    expect(named("invoke_workflow research")[0]?.attributes).toMatchObject({
      "baton.parent_run.id": run.id,
    });

    // The step's retry: two attempts, the first failed and said it would be retried.
    const [first, second] = named("step prepare");
    expect(first).toMatchObject({
      error: "flaky once",
      attributes: { "baton.step.attempt": 1, "baton.will_retry": true, "baton.status": "failed" },
    });
    expect(second).toMatchObject({
      error: undefined,
      attributes: { "baton.step.attempt": 2, "baton.status": "succeeded" },
    });
    expect(second!.startMs).toBe(first!.endMs + 10);

    expect(named("invoke_agent researcher")[0]).toMatchObject({
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "researcher",
        "gen_ai.provider.name": "mock",
        "gen_ai.request.model": "alpha",
        "gen_ai.response.model": "alpha",
        "baton.run.id": childRunId,
        "baton.step.id": "ask",
        "gen_ai.usage.input_tokens": 40,
        "gen_ai.usage.output_tokens": 9,
      },
      events: ["baton.model_call.retry"],
    });

    // The model call's retry: the 429 is a failed chat span of its own, 100 ms before attempt 2.
    const [refused, retried, answered] = named("chat alpha");
    expect(refused).toMatchObject({
      error: "HTTP 429",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "mock",
        "gen_ai.request.model": "alpha",
        "gen_ai.agent.name": "researcher",
        "baton.model_call.attempt": 1,
        "error.type": "429",
        "baton.step.id": "ask",
      },
      events: ["exception"],
    });
    expect(retried).toMatchObject({
      error: undefined,
      attributes: {
        "baton.model_call.attempt": 2,
        "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 5,
        "baton.cost.cents": 20,
      },
    });
    expect(retried!.startMs).toBe(refused!.endMs + 100);
    expect(answered?.attributes).toMatchObject({
      "baton.model_call.attempt": 1,
      "gen_ai.usage.input_tokens": 30,
      "gen_ai.usage.output_tokens": 4,
      "baton.cost.cents": 38,
    });

    expect(named("execute_tool lookup")[0]).toMatchObject({
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "lookup",
        "gen_ai.tool.call.id": "call-lookup",
        "gen_ai.agent.name": "researcher",
        "baton.cost.cents": 0.5,
      },
    });
    const toolSpan = named("execute_tool lookup")[0]!;
    expect(toolSpan.endMs - toolSpan.startMs).toBe(40);
  });

  it("shows a fallback: the failed model's chat span, an event on the agent, then the fallback's chat", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const writer = agent({
      name: "writer",
      model: scriptedModel("alpha", httpError(500)),
      fallbackModels: [scriptedModel("beta", textReply("From beta."))],
      retry: { maxAttempts: 1 },
    });
    const run = workflow("write")
      .step("draft", writer)
      .start("Hi", { clock, telemetry: telemetry({ tracer }) });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");

    const spans = exporter.getFinishedSpans();
    expect(spanOutline(spans)).toEqual([
      "invoke_workflow write",
      "  step draft",
      "    invoke_agent writer",
      "      chat alpha",
      "      chat beta",
    ]);
    const views = viewSpans(spans);
    expect(views.find((view) => view.name === "chat alpha")).toMatchObject({
      error: expect.any(String),
      attributes: { "error.type": "500", "gen_ai.request.model": "alpha" },
    });
    expect(views.find((view) => view.name === "chat beta")?.error).toBeUndefined();
    const writerSpan = spans.find((span) => span.name === "invoke_agent writer");
    expect(writerSpan?.events.map((event) => [event.name, event.attributes])).toEqual([
      ["baton.model_call.fallback", { "baton.from": "mock:alpha", "baton.to": "mock:beta" }],
    ]);
    expect(writerSpan?.attributes["gen_ai.response.model"]).toBe("beta");
  });

  it("nests a subagent called as a tool under that tool call", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const checker = agent({
      name: "checker",
      model: scriptedModel("beta", textReply("Checked.")),
    });
    const writer = agent({
      name: "writer",
      model: scriptedModel(
        "alpha",
        toolCallReply([{ name: "check", input: { task: "Check the draft" }, id: "call-check" }]),
        textReply("Done."),
      ),
      tools: { check: checker.asTool() },
    });
    const run = workflow("write")
      .step("draft", writer)
      .start("Write", { clock, telemetry: telemetry({ tracer }) });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");

    expect(spanOutline(exporter.getFinishedSpans())).toEqual([
      "invoke_workflow write",
      "  step draft",
      "    invoke_agent writer",
      "      chat alpha",
      "      execute_tool check",
      "        invoke_agent checker",
      "          chat beta",
      "      chat alpha",
    ]);
    const checkerSpan = viewSpans(exporter.getFinishedSpans()).find(
      (view) => view.name === "invoke_agent checker",
    );
    expect(checkerSpan?.attributes["gen_ai.tool.call.id"]).toBe("call-check");
  });

  it("marks what failed: error status and type on the chat, agent, step and run spans", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const broken = agent({
      name: "broken",
      model: scriptedModel("alpha", httpError(400)),
      retry: 1,
    });
    const run = workflow("fails")
      .step("ask", broken, { retry: 1 })
      .start("Hi", { clock, telemetry: telemetry({ tracer }) });
    expect((await clock.runUntil(run.result)).status).toBe("failed");

    const views = viewSpans(exporter.getFinishedSpans());
    const find = (name: string) => views.find((view) => view.name === name);
    expect(find("chat alpha")).toMatchObject({
      error: "HTTP 400",
      attributes: { "error.type": "400" },
    });
    expect(find("invoke_agent broken")?.error).toBeDefined();
    expect(find("step ask")).toMatchObject({
      attributes: { "baton.will_retry": false, "baton.status": "failed" },
    });
    expect(find("step ask")?.error).toBeDefined();
    expect(find("invoke_workflow fails")).toMatchObject({
      attributes: { "baton.status": "failed" },
    });
    expect(find("invoke_workflow fails")?.error).toBeDefined();
  });

  it("puts the model call's span context on its request as a W3C traceparent", async () => {
    // With the propagator given, and with none (none is registered here: W3C all the same).
    for (const propagator of [new W3CTraceContextPropagator(), undefined]) {
      const clock = new ManualClock(start);
      const { exporter, tracer } = memoryTracing();
      const model = scriptedModel("alpha", textReply("Hi."));
      const run = workflow("greet")
        .step("hello", agent({ name: "greeter", model }))
        .start("Hello", {
          clock,
          telemetry: telemetry({ tracer, ...(propagator ? { propagator } : {}) }),
        });
      expect((await clock.runUntil(run.result)).status).toBe("succeeded");

      const chat = viewSpans(exporter.getFinishedSpans()).find(
        (view) => view.name === "chat alpha",
      );
      expect(model.doGenerateCalls[0]?.headers?.traceparent).toBe(
        `00-${chat?.traceId}-${chat?.spanId}-01`,
      );
    }
  });

  it("sends what the propagator it is given writes, and nothing more", async () => {
    const clock = new ManualClock(start);
    const { tracer } = memoryTracing();
    const model = scriptedModel("alpha", textReply("Hi."));
    const onlyBaggage: TextMapPropagator = {
      inject: (_context, carrier: Record<string, string>) => {
        carrier.baggage = "tenant=acme";
      },
      extract: (context) => context,
      fields: () => ["baggage"],
    };
    const run = workflow("greet")
      .step("hello", agent({ name: "greeter", model }))
      .start("Hello", { clock, telemetry: telemetry({ tracer, propagator: onlyBaggage }) });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");
    expect(model.doGenerateCalls[0]?.headers).toMatchObject({ baggage: "tenant=acme" });
    expect(model.doGenerateCalls[0]?.headers).not.toHaveProperty("traceparent");
  });

  it("starts a top-level run's span in the context it is given", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const request = tracer.startSpan("POST /report");
    const run = workflow("nested")
      .step("one", async () => 1)
      .start(undefined, {
        clock,
        telemetry: telemetry({ tracer, context: trace.setSpan(ROOT_CONTEXT, request) }),
      });
    await clock.runUntil(run.result);
    request.end();
    expect(spanOutline(exporter.getFinishedSpans())).toEqual([
      "POST /report",
      "  invoke_workflow nested",
      "    step one",
    ]);
  });

  it("records nothing and sends no headers when no tracer provider is registered", async () => {
    const clock = new ManualClock(start);
    const model = scriptedModel("alpha", textReply("Hi."));
    const tracing = telemetry({ propagator: new W3CTraceContextPropagator() });
    const run = workflow("untraced")
      .step("hello", agent({ name: "greeter", model }))
      .start("Hello", { clock, telemetry: tracing });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");
    expect(model.doGenerateCalls[0]?.headers?.traceparent).toBeUndefined();
    // It declines the run as it starts, so the run shows it nothing more; a traced one it keeps.
    const started = { type: "workflow-start", at: start, runId: "run-x", workflow: "w" } as const;
    expect(telemetry().observe(started)).toBe(false);
    expect(telemetry({ tracer: memoryTracing().tracer }).observe(started)).toBe(true);
  });

  it("sends no trace headers for a run that is not traced", async () => {
    const clock = new ManualClock(start);
    const model = scriptedModel("alpha", textReply("Hi."));
    const run = workflow("plain")
      .step("hello", agent({ name: "greeter", model }))
      .start("Hello", { clock });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");
    expect(model.doGenerateCalls[0]?.headers).not.toHaveProperty("traceparent");
  });

  it("ends the spans a waiting run leaves open, and says why it stopped", async () => {
    const clock = new ManualClock(start);
    const { exporter, tracer } = memoryTracing();
    const send = tool({
      description: "Sends an email",
      inputSchema: z.object({ to: z.string() }),
      execute: async ({ to }) => `sent to ${to}`,
    });
    const mailer = agent({
      name: "mailer",
      model: scriptedModel(
        "alpha",
        toolCallReply([{ name: "send", input: { to: "ops" }, id: "call-send" }]),
      ),
      tools: requiresApproval({ send }),
    });
    const run = workflow("notify")
      .step("mail", mailer)
      .start("Tell ops", { clock, telemetry: telemetry({ tracer }) });
    const result = await clock.runUntil(run.result);
    expect(result.status).toBe("waiting");

    const views = viewSpans(exporter.getFinishedSpans());
    expect(views.find((view) => view.name === "invoke_workflow notify")?.attributes).toMatchObject({
      "baton.status": "waiting",
      "baton.reason": "approval",
    });
    // The step waits for the decision: still in flight when the run stopped, its span ends there.
    expect(views.find((view) => view.name === "step mail")).toMatchObject({
      events: ["baton.approval-request"],
      attributes: { "baton.status": "waiting" },
    });
  });

  it("checks its options", () => {
    expect(() => telemetry(null as never)).toThrow(
      "telemetry options: expected an object, received null",
    );
    expect(() => telemetry({ tracer: {} as never })).toThrow(
      "telemetry options.tracer: expected an OpenTelemetry Tracer (with startSpan), received an object without it",
    );
    expect(() => telemetry({ propagator: 5 as never })).toThrow(
      "telemetry options.propagator: expected a TextMapPropagator (with inject), received number",
    );
  });
});
