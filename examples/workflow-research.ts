/**
 * A research workflow built with `workflow().step()`: a planner, three researchers that run
 * two at a time in priority order, a writer that drafts in a loop, and a reviewer whose
 * verdict routes the run to "publish" or "revise". Prints the run's events as they happen,
 * then what each step cost.
 *
 * Runs offline on simulated models; with OPENAI_API_KEY set it uses openai:gpt-4o-mini.
 *
 *   npx tsx examples/workflow-research.ts
 */
import { tool } from "ai";
import { z } from "zod";
import {
  type AgentResult,
  agent,
  type BatonEvent,
  type WorkflowResult,
  workflow,
} from "../src/index.js";
import type { PriceTable } from "../src/models/index.js";

const live = Boolean(process.env.OPENAI_API_KEY);
const modelFor = (name: string) => (live ? "openai:gpt-4o-mini" : `simulated:${name}`);

// Simulated models are free; price them like gpt-4o-mini so the summary shows real-looking cents.
const prices: PriceTable = {};
for (const name of ["planner", "researcher", "writer", "reviewer"])
  prices[`simulated:${name}`] = { inputPerMillion: 0.15, outputPerMillion: 0.6 };

// A tool that bills its own cost: `costInCents` is booked as tool cost and hidden from the model.
const notes: Record<string, string> = {
  history: "La Rance (France) opened in 1966 and was the largest tidal plant for 45 years.",
  recent: "Sihwa Lake (South Korea) has run since 2011 at 254 MW, now the largest.",
  outlook: "Tidal stream turbines are getting cheaper; MeyGen in Scotland keeps expanding.",
};
const search = tool({
  description: "Searches the energy archive for notes on a question.",
  inputSchema: z.object({ query: z.string().describe("What to search for") }),
  execute: async ({ query }) => {
    const hits = Object.values(notes).filter((note) =>
      query
        .toLowerCase()
        .split(/\W+/)
        .some((word) => word.length > 4 && note.toLowerCase().includes(word)),
    );
    return { hits: hits.length > 0 ? hits : Object.values(notes), costInCents: 0.05 };
  },
});

const planner = agent({
  name: "planner",
  model: modelFor("planner"),
  instructions: "Break the topic into exactly three research questions and name the audience.",
  output: z.object({
    questions: z.array(z.string()).length(3),
    audience: z.enum(["general", "expert"]),
  }),
  prices,
});
const researcher = agent({
  name: "researcher",
  model: modelFor("researcher"),
  instructions: "Answer the question from the archive. Use the search tool; cite what you use.",
  tools: { search },
  prices,
});
const writer = agent({
  name: "writer",
  model: modelFor("writer"),
  instructions: "Write a short, clear report from the notes you are given.",
  prices,
});
const reviewer = agent({
  name: "reviewer",
  model: modelFor("reviewer"),
  instructions: "Approve the report only if every claim is supported by the notes.",
  output: z.object({ approved: z.boolean(), notes: z.string() }),
  prices,
});

type Plan = { questions: string[]; audience: "general" | "expert" };
type Review = { approved: boolean; notes: string };
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

const research = workflow<{ topic: string }>("research", {
  // The run's output: whichever of the two last steps ran.
  output: (results) => results.publish ?? results.revise?.text,
})
  .step("plan", planner, { input: ({ input }) => `Plan a short report on ${input.topic}.` })
  // Three researchers become ready together; with concurrency 2, priority decides who goes first.
  .step("background", researcher, {
    dependsOn: ["plan"],
    priority: 2,
    input: ({ results }) => (results.plan.output as Plan).questions[0],
  })
  .step("recent", researcher, {
    dependsOn: ["plan"],
    priority: 1,
    input: ({ results }) => (results.plan.output as Plan).questions[1],
  })
  .step("outlook", researcher, {
    dependsOn: ["plan"],
    input: ({ results }) => (results.plan.output as Plan).questions[2],
  })
  // A loop: the writer drafts, then improves its own draft until it is long enough.
  .step("draft", writer, {
    dependsOn: ["background", "recent", "outlook"],
    input: ({ input, results, iteration, previous }) =>
      iteration === 1
        ? [
            `Write a report on ${input.topic} for a ${(results.plan.output as Plan).audience} audience.`,
            `Background: ${results.background.text}`,
            `Recent: ${results.recent.text}`,
            `Outlook: ${results.outlook.text}`,
          ].join("\n\n")
        : `Expand this draft with more detail:\n\n${(previous as AgentResult).text}`,
    loop: { until: ({ output }) => words((output as AgentResult).text) >= 150, maxIterations: 2 },
  })
  // A route: the reviewer's structured verdict picks the one successor that runs.
  .step("review", reviewer, {
    dependsOn: ["draft"],
    input: ({ results }) => `Review this report:\n\n${results.draft.text}`,
    route: ({ output }) => ((output as AgentResult<Review>).output.approved ? "publish" : "revise"),
  })
  .step("publish", async ({ results }) => `# Tidal energy\n\n${results.draft.text}`, {
    dependsOn: ["review"],
  })
  .step("revise", writer, {
    dependsOn: ["review"],
    input: ({ results }) =>
      `Revise the report.\n\nReport:\n${results.draft.text}\n\nNotes:\n${(results.review.output as Review).notes}`,
  });

console.log(live ? "Models: openai:gpt-4o-mini" : "Models: simulated (offline)");
const run = research.start({ topic: "tidal energy" }, { concurrency: 2 });

// Every event of the run, as it happens. Events arrive in log order, each once.
for await (const event of run.events) {
  const line = describe(event);
  if (line) console.log(line);
}
const result = await run.result;
const plan = result.steps.plan?.output as AgentResult<Plan> | undefined;
if (plan)
  console.log(`\nPlan (${plan.output.audience} audience): ${plan.output.questions.join(" | ")}`);
printSummary(result);

function describe(event: BatonEvent): string | undefined {
  switch (event.type) {
    case "step-start":
      return `start ${event.stepId}${event.iteration && event.iteration > 1 ? ` (iteration ${event.iteration})` : ""}`;
    case "step-end": {
      const extra = [
        event.next ? `route -> ${event.next.join(", ")}` : "",
        event.iterations ? `${event.iterations} iterations` : "",
      ].filter(Boolean);
      return `end   ${event.stepId}${extra.length > 0 ? `: ${extra.join("; ")}` : ""}`;
    }
    case "step-skip":
      return `skip  ${event.stepId} (${event.reason})`;
    case "step-error":
      return `error ${event.stepId}: ${event.error.message}`;
    case "tool-call-end":
      return `      ${event.stepId} called ${event.tool} (${event.costCents ?? 0}¢)`;
    case "run-end":
    case "run-error":
    case "run-cancel":
      return `run   ${event.type}`;
    default:
      return undefined;
  }
}

function printSummary(result: WorkflowResult): void {
  const cents = (value: number | null) => (value === null ? "unknown" : `${value.toFixed(5)}¢`);
  console.log(`Status: ${result.status}`);
  console.log("Cost by step:");
  for (const step of Object.values(result.steps)) {
    const spent =
      step.status === "succeeded"
        ? `${step.usage.totalTokens} tokens, ${cents(step.cost.totalCents)}`
        : (step.skipReason ?? step.error?.message ?? "");
    console.log(`  ${step.id.padEnd(10)} ${step.status.padEnd(9)} ${spent}`);
  }
  const { usage, cost } = result;
  console.log(
    `Total: ${usage.totalTokens} tokens (${usage.inputTokens} in, ${usage.outputTokens} out); ` +
      `${cents(cost.totalCents)} = models ${cents(cost.modelCents)} + tools ${cents(cost.toolCents)}`,
  );
  const output = typeof result.output === "string" ? result.output : JSON.stringify(result.output);
  console.log(`Output: ${output.replace(/\s+/g, " ").slice(0, 100)}…`);
}
