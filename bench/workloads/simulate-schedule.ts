import type { StepSpec } from "./workload.js";

/**
 * The makespan a list scheduler reaches on `steps` at `concurrency` when every step takes
 * exactly its `ms` and scheduling costs nothing: a reference for W7's measured figures
 * (the gap between the two is timer slack and engine overhead). Among ready steps the one
 * with the highest `priority` starts first; ties go to the one that became ready first.
 */
export function simulateSchedule(
  steps: readonly StepSpec[],
  concurrency: number,
  priority: (step: StepSpec) => number,
): number {
  const waiting = new Map(steps.map((step) => [step.id, step.deps.length]));
  const next = successors(steps);
  const byId = new Map(steps.map((step) => [step.id, step]));
  let ready = steps.filter((step) => step.deps.length === 0);
  const running: { end: number; step: StepSpec }[] = [];
  let now = 0;
  while (ready.length > 0 || running.length > 0) {
    ready = [...ready].sort((a, b) => priority(b) - priority(a));
    while (running.length < concurrency && ready.length > 0) {
      const step = ready.shift()!;
      running.push({ end: now + step.ms, step });
    }
    running.sort((a, b) => a.end - b.end);
    const finished = running.shift()!;
    now = finished.end;
    for (const id of next.get(finished.step.id) ?? []) {
      const left = waiting.get(id)! - 1;
      waiting.set(id, left);
      if (left === 0) ready.push(byId.get(id)!);
    }
  }
  return now;
}

/**
 * The longest path from each step to the end of the graph, each step weighted by `weight`.
 * Expects `steps` in an order where every step comes after its dependencies.
 */
export function remainingPath(
  steps: readonly StepSpec[],
  weight: (step: StepSpec) => number,
): Map<string, number> {
  const next = successors(steps);
  const result = new Map<string, number>();
  for (let index = steps.length - 1; index >= 0; index--) {
    const step = steps[index]!;
    let longest = 0;
    for (const id of next.get(step.id) ?? []) longest = Math.max(longest, result.get(id) ?? 0);
    result.set(step.id, longest + weight(step));
  }
  return result;
}

function successors(steps: readonly StepSpec[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const step of steps) {
    for (const dep of step.deps) {
      const list = next.get(dep);
      if (list === undefined) next.set(dep, [step.id]);
      else list.push(step.id);
    }
  }
  return next;
}
