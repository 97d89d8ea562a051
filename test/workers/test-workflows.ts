import { appendFileSync, existsSync } from "node:fs";
import { tool } from "ai";
import { z } from "zod";
import { agent } from "../../src/agents/agent.js";
import { requiresApproval } from "../../src/durable/requires-approval.js";
import type { WorkflowRegistry } from "../../src/durable/workflow-registry.js";
import { workflow } from "../../src/runtime/workflow.js";
import { endToEndWorkflows } from "../dispatch/end-to-end-workflows.js";

/** Waits until `path` exists (the test creates it to let a step go on). */
async function fileAppears(path: string, signal: AbortSignal): Promise<void> {
  while (!existsSync(path)) {
    if (signal.aborted) throw signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The workflows of the workers tests, registered alike by the test (the owner) and its
 * worker processes. Agents call the fake OpenAI-compatible server at BATON_FAKE_BASE_URL
 * (read once, when the module loads).
 */
const prices = {
  "openai-compatible:limited-model": { inputPerMillion: 100, outputPerMillion: 400 },
  "openai-compatible:mail-model": { inputPerMillion: 100, outputPerMillion: 400 },
};

export function testWorkflows(
  baseURL = process.env.BATON_FAKE_BASE_URL ?? "http://127.0.0.1:9/v1",
) {
  const writer = (name: string, model = "limited-model") =>
    agent({
      name,
      model: `openai-compatible:${model}`,
      modelOptions: { baseURL, env: {} },
      retry: { maxAttempts: 1 },
      prices,
      instructions: "Answer in one line.",
    });
  const fanout = workflow<{ topic: string }>("fanout");
  const parts = ["p1", "p2", "p3", "p4", "p5", "p6"];
  for (const id of parts) {
    fanout.step(id, writer(`writer-${id}`), { input: ({ input }) => `${id} on ${input.topic}` });
  }
  fanout.step(
    "join",
    ({ results }) =>
      parts.map((id) => (results as Record<string, { text: string }>)[id]!.text).join("|"),
    {
      dependsOn: parts,
    },
  );

  // Steps that mark their start in a file and wait until the test lets them go.
  const held = workflow<{ dir: string }>("held");
  for (const id of ["h1", "h2", "h3"]) {
    held.step(id, async ({ input, signal }) => {
      appendFileSync(`${input.dir}/${id}.started`, "started\n");
      await fileAppears(`${input.dir}/go`, signal);
      appendFileSync(`${input.dir}/${id}.ended`, "ended\n");
      return id.toUpperCase();
    });
  }
  held.step("join", ({ results }) => [results.h1, results.h2, results.h3].join("+"), {
    dependsOn: ["h1", "h2", "h3"],
  });

  const sendEmail = tool({
    description: "Sends an email",
    inputSchema: z.object({ to: z.string() }),
    execute: async ({ to }) => ({ sent: to }),
  });
  const mailer = agent({
    name: "mailer",
    model: "openai-compatible:mail-model",
    modelOptions: { baseURL, env: {} },
    retry: { maxAttempts: 1 },
    prices,
    tools: requiresApproval(
      { sendEmail },
      { message: ({ input }) => `Send to ${JSON.stringify(input)}?` },
    ),
  });
  const outreach = workflow("outreach").step("mail", mailer, { input: () => "Email Ada" });

  // An agent of several turns: each tool call appends its number to the file the model names.
  const note = tool({
    description: "Appends a note to a file",
    inputSchema: z.object({ file: z.string(), n: z.number() }),
    execute: async ({ file, n }) => {
      appendFileSync(file, `${n}\n`);
      return { noted: n };
    },
  });
  const noter = agent({
    name: "noter",
    model: "openai-compatible:notes-model",
    modelOptions: { baseURL, env: {} },
    retry: { maxAttempts: 1 },
    prices: { "openai-compatible:notes-model": { inputPerMillion: 100, outputPerMillion: 400 } },
    tools: { note },
  });
  const notes = workflow<{ file: string }>("notes").step("take", noter, {
    input: ({ input }) => input.file,
  });

  return {
    ...endToEndWorkflows(),
    fanout,
    held,
    outreach,
    notes,
  } as WorkflowRegistry;
}

export default testWorkflows();
