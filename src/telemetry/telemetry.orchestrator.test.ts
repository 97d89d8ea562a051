import { describe, expect, it } from "vitest";
import { agent } from "../agents/agent.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { DELEGATE_TOOL, Orchestrator } from "../orchestrator/index.js";
import { scripted, text, toolCall } from "../orchestrator/test-support.js";
import { telemetry } from "./telemetry.js";
import { memoryTracing, spanOutline } from "./test-support.js";

describe("telemetry() on an orchestrator", () => {
  it("traces a process() run with its delegation as a child run of the main step", async () => {
    const { exporter, tracer } = memoryTracing();
    const researcher = agent({
      name: "researcher",
      model: scripted("researcher", text("Tides rise twice a day.")),
    });
    const orchestrator = new Orchestrator({
      mainAgent: {
        name: "lead",
        model: scripted(
          "main",
          toolCall(DELEGATE_TOOL, {
            tasks: [{ id: "facts", agent: "researcher", description: "Find facts about tides." }],
          }),
          text("Tides rise twice a day."),
        ),
      },
      subagents: [researcher],
      ids: sequentialIdGenerator(),
      telemetry: telemetry({ tracer }),
    });
    const result = await orchestrator.process("Tell me about tides.");
    expect(result.content).toBe("Tides rise twice a day.");

    const outline = spanOutline(exporter.getFinishedSpans());
    const main = outline.indexOf("  step main");
    expect(outline[0]).toMatch(/^invoke_workflow /);
    expect(outline.slice(main)).toEqual([
      "  step main",
      "    invoke_agent lead",
      "      chat main",
      `      execute_tool ${DELEGATE_TOOL}`,
      "      chat main",
      "    invoke_workflow delegation",
      "      step facts",
      "        invoke_agent researcher",
      "          chat researcher",
    ]);
  });

  it("checks the option", () => {
    expect(
      () =>
        new Orchestrator({
          mainAgent: { name: "lead", model: "simulated:x" },
          telemetry: {} as never,
        }),
    ).toThrow("\n  telemetry: expected a RunTelemetry (telemetry() of baton-ai/telemetry)");
  });
});
