/**
 * A local dashboard of a finished run: a workflow runs offline on a simulated model into a
 * SQLite file in a temporary directory (an agent with a priced tool, a step that needs
 * approval, approved with a comment), then `dashboard()` serves the store on 127.0.0.1 and
 * prints the URL to open, with its access token. Open it to see the run's step graph,
 * timeline, tokens and cost, tool trace, and to replay or fork it.
 *
 *   npx tsx examples/dashboard.ts            # serves until Ctrl-C
 *   npx tsx examples/dashboard.ts --exit     # prints the URL, reads the runs back, exits
 *
 * From a shell, on the runs `baton run` stored: `baton dashboard`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { z } from "zod";
import { dashboard } from "../src/dashboard/index.js";
import { openDurable } from "../src/durable/index.js";
import { agent, workflow } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "baton-dashboard-"));
const store = join(dir, "baton.db");

const lookup = tool({
  description: "Looks a topic up in the almanac (0.25¢ a lookup).",
  inputSchema: z.object({ topic: z.string() }),
  execute: async ({ topic }) => ({ fact: `${topic}: twice a day`, costInCents: 0.25 }),
});

const researcher = agent({
  name: "researcher",
  model: "simulated:researcher",
  instructions: "Look the topic up with the lookup tool, then answer in two sentences.",
  tools: { lookup },
  prices: { "simulated:researcher": { inputPerMillion: 150, outputPerMillion: 600 } },
});

const review = workflow<{ topic: string }>("review")
  .step("research", researcher, { input: ({ input }) => `Look up ${input.topic}.` })
  .step("words", ({ results }) => results.research.text.split(/\s+/).length, {
    dependsOn: ["research"],
  })
  .step("publish", ({ results }) => `published ${results.words} words`, {
    dependsOn: ["words"],
    approval: { message: ({ input }) => `Publish the review of ${input.topic}?` },
  });

// A run that stops at the approval, is approved, and finishes.
const durable = await openDurable({ store, workflows: { review } });
const run = durable.start(review, { topic: "tides" });
await run.result;
await durable.approve(run.id, "publish", { comment: "Reads well" });
const finished = await (await durable.resume(run.id)).result;
await durable.close();
console.log(`Run ${run.id}: ${finished.status}`);

// The dashboard of the store. `workflows` lets its pages replay and fork the run.
const board = await dashboard({ store, workflows: { review } });
console.log(`Dashboard: ${board.url}`);

const exitAtOnce = process.argv.includes("--exit") || process.env.BATON_EXAMPLE_EXIT === "1";
if (exitAtOnce) {
  // What the runs page shows, read with the token as a bearer header.
  const url = new URL(board.url);
  const response = await fetch(`${url.origin}/api/runs`, {
    headers: { authorization: `Bearer ${url.searchParams.get("token")}` },
  });
  const { runs } = (await response.json()) as {
    runs: Array<{ id: string; workflow: string; status: string; tokens: number; cost: string }>;
  };
  for (const row of runs) {
    console.log(`  ${row.id} ${row.workflow} ${row.status}: ${row.tokens} tokens, ${row.cost}`);
  }
  const refused = await fetch(`${url.origin}/api/runs`);
  console.log(`Without the token: ${refused.status}`);
} else {
  console.log("Open it in a browser. Ctrl-C stops it.");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
}
await board.close();
rmSync(dir, { recursive: true, force: true });
console.log("Dashboard closed");
