import { describe, expect, it } from "vitest";
import { checkTasks, type TaskRequest } from "./check-tasks.js";

const agents = new Set(["researcher", "writer"]);
const check = (tasks: TaskRequest[]) =>
  checkTasks(
    tasks.map((task, index) => ({ task, path: `tasks[${index}]` })),
    { agents },
  );

describe("checkTasks", () => {
  it("names tasks after their agent by default and chains sequential tasks to the one before", () => {
    const { tasks, issues } = check([
      { agent: "researcher", description: "A" },
      { agent: "researcher", description: "B" },
      { agent: "writer", description: "C", mode: "sequential" },
      { id: "final", agent: "writer", description: "D", dependsOn: ["researcher"] },
    ]);
    expect(issues).toEqual([]);
    expect(tasks.map((task) => [task.id, task.mode, task.dependsOn])).toEqual([
      ["researcher-1", "parallel", []],
      ["researcher-2", "parallel", []],
      ["writer-1", "sequential", ["researcher-2"]],
      ["final", "parallel", ["researcher-1", "researcher-2"]],
    ]);
  });

  it("reports unknown agents and tasks, duplicate and malformed ids, self-dependencies and cycles", () => {
    const { issues } = check([
      { id: "a", agent: "ghost", description: "A" },
      { id: "a", agent: "writer", description: "again" },
      { id: "has space", agent: "writer", description: "" },
      { id: "b", agent: "writer", description: "B", dependsOn: ["b", "missing"] },
      { id: "c", agent: "writer", description: "C", dependsOn: ["d"] },
      { id: "d", agent: "writer", description: "D", dependsOn: ["c"] },
    ]);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'tasks[0].agent: unknown agent "ghost" (known: researcher, writer)',
      'tasks[1].id: task id "a" is used twice (also at tasks[0])',
      "tasks[2].description: expected a description of what to do",
      'tasks[2].id: "has space" is not a valid task id: use up to 64 letters, digits, _, . and - (no spaces)',
      'tasks[3].dependsOn[0]: task "b" cannot depend on itself',
      'tasks[3].dependsOn[1]: unknown task "missing" (known: a, has space, b, c, d)',
      "tasks[4].dependsOn: tasks depend on each other in a cycle: c -> d -> c",
    ]);
    expect(check([]).issues).toEqual([{ path: "tasks", message: "expected at least one task" }]);
  });
});
