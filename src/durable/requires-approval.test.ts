import { tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "../agents/agent.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { approve, pendingApprovals, reject } from "./approvals.js";
import { openDurable } from "./open-durable.js";
import { requiresApproval } from "./requires-approval.js";
import { resume } from "./resume.js";
import { scriptedModel, textReply, toolCallReply, toolResultsIn } from "./test-support.js";

/** An agent whose model sends the emails in `to`, one call each, then says what it got back. */
function mailer(to: string[], sent: string[]) {
  const { model, state } = scriptedModel((options) => {
    const results = toolResultsIn(options.prompt);
    if (results.length < to.length) {
      return toolCallReply([
        { name: "sendEmail", input: { to: to[results.length] }, id: `call-${state.calls}` },
      ]);
    }
    return textReply(results.map((result) => JSON.stringify(result.output)).join(" | "));
  });
  const sendEmail = tool({
    description: "Sends an email",
    inputSchema: z.object({ to: z.string() }),
    execute: async ({ to }) => {
      sent.push(to);
      return { sent: to };
    },
  });
  const bot = agent({
    name: "mailer",
    model,
    prices: { "test:scripted": { inputPerMillion: 100, outputPerMillion: 200 } },
    tools: {
      ...requiresApproval(
        { sendEmail },
        { message: ({ input }) => `Send to ${JSON.stringify(input)}?` },
      ),
    },
  });
  return { bot, state };
}

describe("requiresApproval", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("makes the step wait for a tool call's approval, then runs the call exactly once", async () => {
    const store = new MemoryStore();
    const sent: string[] = [];
    const { bot } = mailer(["ada@example.com"], sent);
    let other = 0;
    const flow = workflow("outreach")
      .step("mail", bot, { input: () => "Email Ada" })
      .step("other", async () => {
        other++;
        return "independent";
      });
    const durable = await openDurable({ store, workflows: { outreach: flow } });
    cleanups.push(() => durable.close());
    const run = durable.start(flow, undefined);
    const waiting = await run.result;
    expect(waiting.status).toBe("waiting");
    expect(waiting.waitReason).toBe("approval");
    expect(waiting.steps.other!.status).toBe("succeeded");
    expect(waiting.steps.mail!.status).toBe("waiting");
    expect(sent).toEqual([]);
    const [pending] = await pendingApprovals({ store });
    expect(pending).toMatchObject({
      runId: run.id,
      stepId: "mail",
      toolCallId: "call-1",
      tool: "sendEmail",
      input: { to: "ada@example.com" },
      message: 'Send to {"to":"ada@example.com"}?',
    });

    await approve(run.id, "mail", { store, comment: "fine" });
    const result = await (await resume(run.id, { store, workflows: { outreach: flow } })).result;
    expect(result.status).toBe("succeeded");
    expect(sent).toEqual(["ada@example.com"]);
    expect((result.steps.mail!.output as { text: string }).text).toBe(
      JSON.stringify({ type: "json", value: { sent: "ada@example.com" } }),
    );
    expect(other).toBe(1);
    const log = await store.readLog(run.id);
    expect(log.some((event) => event.type === "tool-call-end" && event.tool === "sendEmail")).toBe(
      true,
    );
    expect(
      log.some((event) => event.type === "model-call-end" && event.response !== undefined),
    ).toBe(true);
  });

  it("tells the model a rejected call was rejected, with the comment, and never runs it", async () => {
    const store = new MemoryStore();
    const sent: string[] = [];
    const { bot } = mailer(["bob@example.com"], sent);
    const flow = workflow("outreach").step("mail", bot, { input: () => "Email Bob" });
    const run = await (await openDurable({ store })).start(flow, undefined).result;
    expect(run.status).toBe("waiting");
    await reject(run.runId, "mail", { store, comment: "Bob unsubscribed" });
    const result = await (await resume(run.runId, { store, workflows: { outreach: flow } })).result;
    expect(result.status).toBe("succeeded");
    expect(sent).toEqual([]);
    const seen = JSON.parse((result.steps.mail!.output as { text: string }).text);
    expect(seen).toEqual({
      type: "error-text",
      value:
        'ToolCallRejectedError: A person rejected this call of tool "sendEmail": Bob unsubscribed. Do not retry it.',
    });
  });

  it("waits again for a second call, and never repeats a call approved in an earlier attempt", async () => {
    const store = new MemoryStore();
    const sent: string[] = [];
    const { bot, state } = mailer(["ada@example.com", "bob@example.com"], sent);
    const flow = workflow("outreach").step("mail", bot, { input: () => "Email both" });
    const durable = await openDurable({ store, workflows: { outreach: flow }, autoResume: true });
    cleanups.push(() => durable.close());
    const first = await durable.start(flow, undefined).result;
    expect(first.status).toBe("waiting");
    const runId = first.runId;

    // Approved through the auto-resuming instance: it resumes the run at once.
    expect((await durable.approve(runId, "mail")).delivery).toBe("resumed");
    const second = await durable.runs.get(runId)!.result;
    expect(second.status).toBe("waiting");
    expect(sent).toEqual(["ada@example.com"]);
    const pending = await pendingApprovals({ store, runId });
    expect(pending.map((item) => item.input)).toEqual([{ to: "bob@example.com" }]);

    await durable.approve(runId, "mail");
    const third = await durable.runs.get(runId)!.result;
    expect(third.status).toBe("succeeded");
    // Ada's email went out once, though the step ran three times; and each model call was
    // made once: every later run of the step replayed the turns recorded before it.
    expect(sent).toEqual(["ada@example.com", "bob@example.com"]);
    expect(state.calls).toBe(3);
  });

  it("refuses to run outside a workflow step, where nothing could wait", async () => {
    const sent: string[] = [];
    const { bot } = mailer(["x@example.com"], sent);
    await expect(bot.run("Email x")).resolves.toMatchObject({
      text: expect.stringMatching(/requires approval, so it must run inside a workflow step/),
    });
    expect(sent).toEqual([]);
    expect(() => requiresApproval({ nothing: { description: "x" } as never })).toThrow(
      /has no execute function/,
    );
  });
});
