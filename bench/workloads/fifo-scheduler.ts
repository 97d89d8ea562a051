import type { StepSpec } from "./workload.js";

/**
 * A plain scheduler for a DAG under a concurrency limit: ready steps start in the order they
 * became ready (a FIFO queue), with no notion of priority. The W7 reference point.
 */
export function runFifo(
  steps: readonly StepSpec[],
  concurrency: number,
  call: (id: string) => Promise<unknown>,
): Promise<void> {
  const waiting = new Map<string, number>();
  const next = new Map<string, string[]>();
  const ready: string[] = [];
  for (const step of steps) {
    waiting.set(step.id, step.deps.length);
    if (step.deps.length === 0) ready.push(step.id);
    for (const dep of step.deps) {
      const list = next.get(dep);
      if (list === undefined) next.set(dep, [step.id]);
      else list.push(step.id);
    }
  }
  let head = 0;
  let running = 0;
  let ended = 0;
  return new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (ended === steps.length) {
        resolve();
        return;
      }
      while (running < concurrency && head < ready.length) {
        const id = ready[head++]!;
        running++;
        call(id).then(() => {
          running--;
          ended++;
          for (const child of next.get(id) ?? []) {
            const left = waiting.get(child)! - 1;
            waiting.set(child, left);
            if (left === 0) ready.push(child);
          }
          pump();
        }, reject);
      }
    };
    pump();
  });
}
