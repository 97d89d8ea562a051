/**
 * Human approval that survives the process: a run asks a person before it publishes, the
 * process exits, and later (here, a few lines on; in life, days) someone approves from
 * another process and the run finishes where it stopped. Runs offline on a simulated
 * model, with a SQLite file in a temporary directory.
 *
 *   npx tsx examples/durable-approval.ts
 *
 * From a shell, the same decisions are `baton approvals`, `baton approve <runId> <stepId>`
 * and `baton resume <runId>`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { z } from "zod";
import {
  approve,
  openDurable,
  pendingApprovals,
  requiresApproval,
  resume,
} from "../src/durable/index.js";
import { agent, workflow } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "baton-durable-approval-"));
const store = join(dir, "baton.db");

// The side effects a person must approve: count them to show each happens once.
const published: string[] = [];
const emailed: number[] = [];

const publishPost = tool({
  description: "Publishes a post on the company blog.",
  inputSchema: z.object({ title: z.string().describe("The post's title") }),
  execute: async ({ title }) => {
    published.push(title);
    return { url: `https://blog.example.com/${published.length}` };
  },
});

const publisher = agent({
  name: "publisher",
  model: "simulated:publisher",
  instructions: "Publish the launch post with the publishPost tool.",
  // Every call of publishPost now waits for a person.
  tools: requiresApproval(
    { publishPost },
    { message: ({ input }) => `Publish ${JSON.stringify(input)}?` },
  ),
  prices: { "simulated:publisher": { inputPerMillion: 15, outputPerMillion: 60 } },
});

const launch = workflow<{ product: string }>("launch")
  .step("post", publisher, { input: ({ input }) => `Announce ${input.product} on the blog.` })
  .step(
    "newsletter",
    ({ input }) => {
      emailed.push(12_000);
      return `emailed 12,000 subscribers about ${input.product}`;
    },
    { approval: { message: ({ input }) => `Email 12,000 subscribers about ${input.product}?` } },
  )
  .step("changelog", ({ input }) => `changelog entry for ${input.product}`);

const workflows = { launch };

// --- The first process: starts the run, which stops at both approvals. -----------------
const first = await openDurable({ store, workflows });
const run = first.start(launch, { product: "Baton 1.0" });
const waiting = await run.result;
await first.close();
console.log(`Run ${run.id}: ${waiting.status} (${waiting.waitReason})`);
console.log(`  changelog: ${waiting.steps.changelog?.status} (other branches went on)`);
for (const item of await pendingApprovals({ store })) {
  console.log(
    `  waiting: step "${item.stepId}"${item.tool ? ` tool ${item.tool}` : ""}: ${item.message}`,
  );
}

// --- Later, another process: a person decides, and the run is resumed. ----------------
await approve(run.id, "post", { store, comment: "Looks good" });
await approve(run.id, "newsletter", { store, comment: "Send it" });
const resumed = await resume(run.id, { store, workflows });
const result = await resumed.result;
console.log(`Run ${run.id}: ${result.status}`);
for (const [id, step] of Object.entries(result.steps)) {
  console.log(`  ${id}: ${step.status}, ran ${step.attempts} time(s)`);
}
console.log(`Posts published: ${published.length}; newsletters sent: ${emailed.length}`);

rmSync(dir, { recursive: true, force: true });
