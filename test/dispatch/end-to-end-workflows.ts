import { agent } from "../../src/agents/agent.js";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { workflow } from "../../src/runtime/workflow.js";

/**
 * A small real workflow for the dispatcher end-to-end test: function steps, an agent step,
 * a function step that runs an agent through `context.run`, and a sub-workflow. The
 * simulated model answers offline.
 */
export function endToEndWorkflows(): Record<string, Workflow<never>> {
  const writer = agent({
    name: "writer",
    model: "simulated:writer?latency=0",
    instructions: "Write briefly.",
  });
  const title = workflow<string>("e2e-title").step("shout", ({ input }) =>
    String(input).toUpperCase(),
  );
  const report = workflow<{ topic: string }>("e2e-report")
    .step("topic", ({ input }) => input.topic)
    .step("draft", writer, {
      dependsOn: ["topic"],
      input: ({ results }) => `Write one line about ${results.topic}.`,
    })
    .step(
      "review",
      async ({ results, run }) => (await run(writer, `Review: ${results.draft.text}`)).text,
      { dependsOn: ["draft"] },
    )
    .step("title", title, { dependsOn: ["topic"], input: ({ results }) => results.topic })
    .step(
      "report",
      ({ results }) => ({
        title: results.title.output,
        draft: results.draft.text,
        review: results.review,
      }),
      { dependsOn: ["review", "title"] },
    );
  return { [report.name]: report as Workflow<never>, [title.name]: title as Workflow<never> };
}
