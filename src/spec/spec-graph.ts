import type { PathSegment } from "./spec-path.js";

/** The dependency graph of a spec read defensively, for the spec checks (internal). */

export interface LooseStep {
  index: number;
  id: string | undefined;
  record: Record<string, unknown>;
  /** Dependencies that are strings, with their position in `dependsOn`. */
  dependsOn: Array<{ id: string; path: PathSegment[] }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function collectSteps(value: unknown): LooseStep[] {
  if (!Array.isArray(value)) return [];
  const steps: LooseStep[] = [];
  value.forEach((record, index) => {
    if (!isRecord(record)) return;
    const dependsOn: LooseStep["dependsOn"] = [];
    if (typeof record.dependsOn === "string") {
      dependsOn.push({ id: record.dependsOn, path: ["steps", index, "dependsOn"] });
    } else if (Array.isArray(record.dependsOn)) {
      record.dependsOn.forEach((id, position) => {
        if (typeof id === "string")
          dependsOn.push({ id, path: ["steps", index, "dependsOn", position] });
      });
    }
    steps.push({
      index,
      id: typeof record.id === "string" ? record.id : undefined,
      record,
      dependsOn,
    });
  });
  return steps;
}

/** Every step `step` depends on, directly or not (cycles tolerated). */
export function ancestors(step: LooseStep, byId: ReadonlyMap<string, LooseStep>): Set<string> {
  const found = new Set<string>();
  const pending = step.dependsOn.map((dependency) => dependency.id);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (found.has(id) || id === step.id) continue;
    found.add(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) pending.push(dependency.id);
  }
  return found;
}

/** Each distinct cycle once, starting at its earliest step. */
export function findCycles(
  steps: readonly LooseStep[],
  byId: ReadonlyMap<string, LooseStep>,
): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) {
      if (dependency.id === id || !byId.has(dependency.id)) continue;
      const mark = state.get(dependency.id);
      if (mark === "visiting") {
        // The stack runs from dependents to dependencies; show the cycle in running order.
        const cycle = stack.slice(stack.indexOf(dependency.id)).reverse();
        const start = cycle.reduce(
          (best, item, position) =>
            byId.get(item)!.index < byId.get(cycle[best]!)!.index ? position : best,
          0,
        );
        const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = [...ordered].sort().join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(ordered);
        }
      } else if (mark === undefined) visit(dependency.id);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const step of steps) if (step.id !== undefined && !state.has(step.id)) visit(step.id);
  return cycles;
}
