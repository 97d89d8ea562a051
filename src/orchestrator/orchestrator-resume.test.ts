import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { approve, pendingApprovals, requiresApproval, resume } from "../durable/index.js";
import { agent } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { DELEGATE_TOOL, Orchestrator, OrchestratorError } from "./index.js";
import { promptText, text, toolCall, usage } from "./test-support.js";

const prices = {
  "mock:main": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "mock:mailer": { inputPerMillion: 5_000, outputPerMillion: 10_000 },
};

/** A model that answers by what it has seen (so every process answers alike), counting its calls. */
function modelOf(
  modelId: string,
  reply: (call: LanguageModelV4CallOptions, seen: string) => ReturnType<typeof text>,
) {
  return new MockLanguageModelV4({
    provider: "mock",
    modelId,
    doGenerate: async (call) => reply(call, promptText(call)),
  });
}

const toolResults = (call: LanguageModelV4CallOptions) =>
  call.prompt.filter((message) => message.role === "tool").length;

/**
 * One process's orchestrator: the main agent delegates one task to a registered mailer,
 * whose email tool needs a person's approval, then reports the delegation's outcome.
 */
function processOf(store: MemoryStore) {
  const sent: string[] = [];
  const sendEmail = tool({
    description: "Sends an email",
    inputSchema: z.object({ to: z.string() }),
    execute: async ({ to }) => {
      sent.push(to);
      return { sent: to };
    },
  });
  const mailerModel = modelOf("mailer", (call, seen) =>
    toolResults(call) === 0
      ? toolCall("sendEmail", { to: "ada@example.com" }, "mail-1", usage(20, 4))
      : text(`mailer saw ${seen.includes('"sent":"ada@example.com"') ? "sent" : "nothing"}`),
  );
  const mailer = agent({
    name: "mailer",
    description: "Sends emails",
    model: mailerModel,
    prices,
    tools: requiresApproval(
      { sendEmail },
      { message: ({ input }) => `Email ${(input as { to: string }).to}?` },
    ),
  });
  const mainModel = modelOf("main", (call, seen) =>
    toolResults(call) === 0
      ? toolCall(
          DELEGATE_TOOL,
          { tasks: [{ id: "mail", agent: "mailer", description: "Email Ada." }] },
          "delegate-1",
          usage(50, 10),
        )
      : text(`Done: ${seen.includes("mailer saw sent") ? "Ada was emailed" : "no email"}`),
  );
  const orchestrator = new Orchestrator({
    name: "desk",
    store,
    mainAgent: { name: "lead", model: mainModel },
    subagents: [mailer],
    prices,
  });
  return { orchestrator, sent, mainModel, mailerModel };
}

describe("Resuming an orchestrator run", () => {
  it("honours an approval inside a delegated subagent's run, decided while no process ran it: not asked again, no call repeated", async () => {
    const store = new MemoryStore();
    const first = processOf(store);
    const waiting = await first.orchestrator.process("Email Ada.").catch((error: unknown) => error);
    expect(OrchestratorError.isInstance(waiting)).toBe(true);
    const { runId, status } = waiting as OrchestratorError;
    expect(status).toBe("waiting");
    expect(first.sent).toEqual([]);

    // The process is gone; a person approves the email in the delegation's run.
    const [pending, ...others] = await pendingApprovals({ store });
    expect(others).toEqual([]);
    expect(pending).toMatchObject({
      runId: `${runId}/main/delegate-1.delegation`,
      stepId: "mail",
      tool: "sendEmail",
      input: { to: "ada@example.com" },
      message: "Email ada@example.com?",
    });
    const decided = await approve(pending!.runId, pending!.stepId, { store });
    expect(decided.delivery).toBe("stored");

    // A new process resumes the run.
    const second = processOf(store);
    const run = await resume(runId, {
      store,
      workflows: { desk: second.orchestrator.processWorkflow },
    });
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect((result.output as { text: string }).text).toBe("Done: Ada was emailed");
    expect(second.sent).toEqual(["ada@example.com"]);
    // Each agent made only the calls not recorded before: its turn after the approval.
    expect(second.mainModel.doGenerateCalls).toHaveLength(1);
    expect(second.mailerModel.doGenerateCalls).toHaveLength(1);
    const delegation = await store.readLog(pending!.runId);
    expect(delegation.filter((event) => event.type === "approval-request")).toHaveLength(1);
    expect((await store.listRuns({ parentId: runId })).map((child) => child.id)).toEqual([
      pending!.runId,
    ]);
    expect(await pendingApprovals({ store })).toEqual([]);
    // Each call billed once: 2 of the main agent, 2 of the mailer.
    const calls = [...(await store.readLog(runId)), ...delegation].filter(
      (event) => event.type === "model-call-end",
    );
    expect(calls).toHaveLength(4);
    expect(result.usage.totalTokens).toBe(
      calls.reduce((sum, event) => sum + (event.usage as { totalTokens: number }).totalTokens, 0),
    );
  });
});
