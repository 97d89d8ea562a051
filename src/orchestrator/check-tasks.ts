import type { PlanIssue } from "../patterns/index.js";

/** How a task is scheduled: `parallel` as soon as its dependencies end; `sequential` also after the task listed before it. */
export type ExecutionMode = "parallel" | "sequential";

/** A task as the main agent or the designer writes it. */
export interface TaskRequest {
  /** Unique within the delegation. @default the agent's name (`<agent>-<n>` when it has several tasks) */
  id?: string | undefined;
  /** The subagent that does the task. */
  agent: string;
  /** What to do, with all the context the subagent needs. */
  description: string;
  /** @default "parallel" */
  mode?: ExecutionMode | undefined;
  /** Task ids (or agent names, meaning all of that agent's tasks) that must end first. */
  dependsOn?: readonly string[] | undefined;
}

/** A checked task, ready to become a workflow step. */
export interface DelegationTask {
  id: string;
  agent: string;
  description: string;
  mode: ExecutionMode;
  /** Every task that must end first: the listed ones plus, for `sequential`, the one before. */
  dependsOn: string[];
}

const idPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/**
 * Checks a delegation's tasks: ids unique and well-formed, agents known, dependencies
 * known and acyclic. Returns the tasks with ids and dependencies resolved, and every
 * problem found, each named by its path (`tasks[1].dependsOn[0]`).
 */
export function checkTasks(
  entries: ReadonlyArray<{ task: TaskRequest; path: string }>,
  { agents }: { agents: ReadonlySet<string> },
): { tasks: DelegationTask[]; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const report = (path: string, message: string) => issues.push({ path, message });
  if (entries.length === 0) report("tasks", "expected at least one task");

  const perAgent = new Map<string, number>();
  for (const { task } of entries) perAgent.set(task.agent, (perAgent.get(task.agent) ?? 0) + 1);
  const counters = new Map<string, number>();
  const tasks: DelegationTask[] = [];
  const pathOf = new Map<string, string>();
  for (const { task, path } of entries) {
    if (!agents.has(task.agent)) {
      report(`${path}.agent`, `unknown agent "${task.agent}" ${known(agents)}`);
    }
    if (typeof task.description !== "string" || task.description.trim() === "") {
      report(`${path}.description`, "expected a description of what to do");
    }
    const count = (counters.get(task.agent) ?? 0) + 1;
    counters.set(task.agent, count);
    const id =
      task.id !== undefined && task.id !== ""
        ? task.id
        : perAgent.get(task.agent) === 1
          ? task.agent
          : `${task.agent}-${count}`;
    if (!idPattern.test(id)) {
      report(
        `${path}.id`,
        `"${id}" is not a valid task id: use up to 64 letters, digits, _, . and - (no spaces)`,
      );
    }
    if (pathOf.has(id)) {
      report(`${path}.id`, `task id "${id}" is used twice (also at ${pathOf.get(id)})`);
      continue;
    }
    pathOf.set(id, path);
    tasks.push({
      id,
      agent: task.agent,
      description: task.description,
      mode: task.mode ?? "parallel",
      dependsOn: [],
    });
  }

  const ids = new Set(tasks.map((task) => task.id));
  const idsOfAgent = (name: string) => tasks.filter((task) => task.agent === name).map((t) => t.id);
  let previous: DelegationTask | undefined;
  for (const [index, task] of tasks.entries()) {
    const { task: request, path } = entries.find((entry) => pathOf.get(task.id) === entry.path)!;
    const dependsOn = new Set<string>();
    for (const [position, dependency] of (request.dependsOn ?? []).entries()) {
      const where = `${path}.dependsOn[${position}]`;
      if (ids.has(dependency)) dependsOn.add(dependency);
      else if (agents.has(dependency) && idsOfAgent(dependency).length > 0) {
        for (const id of idsOfAgent(dependency)) dependsOn.add(id);
      } else {
        report(where, `unknown task "${dependency}" ${known(ids)}`);
        continue;
      }
      if (dependsOn.has(task.id)) {
        report(where, `task "${task.id}" cannot depend on itself`);
        dependsOn.delete(task.id);
      }
    }
    if (task.mode === "sequential" && previous !== undefined) dependsOn.add(previous.id);
    task.dependsOn = [...dependsOn];
    previous = tasks[index];
  }

  const cycle = findCycle(tasks);
  if (cycle) {
    report(
      `${pathOf.get(cycle[0]!)}.dependsOn`,
      `tasks depend on each other in a cycle: ${cycle.join(" -> ")}`,
    );
  }
  return { tasks, issues };
}

function known(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "(none are defined)" : `(known: ${list.join(", ")})`;
}

/** A cycle among the tasks' dependencies, as ids with the first repeated last. */
function findCycle(tasks: readonly DelegationTask[]): string[] | undefined {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.id);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}
