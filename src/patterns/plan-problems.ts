/** The part of a subtask the dependency checks read. */
export interface DependentTask {
  id: string;
  dependsOn?: readonly string[];
}

/**
 * Everything wrong with a set of subtasks as a dependency graph: missing or duplicate ids,
 * unknown or self dependencies, and cycles (each named by its path). Empty when it can run.
 */
export function planProblems(subtasks: readonly unknown[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const valid: DependentTask[] = [];
  subtasks.forEach((subtask, index) => {
    const record = subtask as DependentTask | null;
    if (
      typeof record !== "object" ||
      record === null ||
      typeof record.id !== "string" ||
      record.id.trim() === ""
    ) {
      problems.push(`subtask ${index + 1} has no id`);
      return;
    }
    if (ids.has(record.id)) problems.push(`two subtasks have the id "${record.id}"`);
    ids.add(record.id);
    const dependsOn = record.dependsOn ?? [];
    if (!Array.isArray(dependsOn) || dependsOn.some((dep) => typeof dep !== "string")) {
      problems.push(`subtask "${record.id}" has a dependsOn that is not a list of ids`);
      return;
    }
    valid.push({ id: record.id, dependsOn });
  });
  const byId = new Map(valid.map((subtask) => [subtask.id, subtask]));
  for (const subtask of valid) {
    for (const dep of subtask.dependsOn ?? []) {
      if (dep === subtask.id) problems.push(`subtask "${subtask.id}" depends on itself`);
      else if (!ids.has(dep))
        problems.push(`subtask "${subtask.id}" depends on "${dep}", which is not in the plan`);
    }
  }
  problems.push(...cyclesOf(byId));
  return problems;
}

/** One problem per cycle found, as `a -> b -> a` (self-dependencies are reported apart). */
function cyclesOf(byId: ReadonlyMap<string, DependentTask>): string[] {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (id: string): void => {
    state.set(id, "visiting");
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (dep === id || !byId.has(dep)) continue;
      if (state.get(dep) === "visiting") {
        const loop = [...path.slice(path.indexOf(dep)), dep];
        cycles.push(`the dependencies form a cycle: ${loop.join(" -> ")}`);
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    path.pop();
    state.set(id, "done");
  };
  for (const id of byId.keys()) if (!state.has(id)) visit(id);
  return cycles;
}
