import type { ToolSet } from "ai";
import { DELEGATE_TOOL, PLAN_TOOL } from "./orchestration-tools.js";

/** What the main agent is told before its own instructions. */
export const MAIN_INSTRUCTIONS =
  "You coordinate a team of subagents. Hand the work to them rather than doing it yourself: " +
  `use ${DELEGATE_TOOL} to give tasks to the subagents you have, or ${PLAN_TOOL} to design ` +
  "new specialised subagents when none of them fits. Then answer from their results.";

/** The designer's instructions: the rules of a plan, and the tools it may hand out. */
export function designerInstructions(tools: ToolSet): string {
  const lines = Object.entries(tools).map(
    ([name, tool]) => `- ${name}: ${tool.description ?? "(no description)"}`,
  );
  return [
    "You design a small team of specialised subagents that together reach a goal.",
    "Return a plan: the subagents to create, each with a short name, instructions (its role, " +
      "how to work, what to return), the tools it needs and its tasks.",
    "Give each subagent only the tools it will use, and only from the available tools below.",
    "Tasks run in parallel unless they depend on others: a task that needs another task's " +
      "result lists that task's id (or that agent's name) in dependsOn. No cycles.",
    "Write every task description with all the context the subagent needs: it sees nothing else.",
    "Prefer few subagents with clear, separate roles.",
    'Answer with JSON only, in this shape: {"agents":[{"name":"researcher","instructions":"...",' +
      '"tools":["..."],"tasks":[{"id":"facts","description":"...","dependsOn":[]}]}]}',
    `Available tools:\n${lines.length > 0 ? lines.join("\n") : "(none: give every subagent an empty tools list)"}`,
  ].join("\n\n");
}
