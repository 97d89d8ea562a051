import type { StepSpec, WorkloadCase } from "./workload.js";

/**
 * The fake "model" every contender's steps call: it waits the step's fixed delay and returns
 * `input + 1`. It also checks what the benchmark must not take on trust: that each step
 * starts only after its dependencies ended, that every step ran exactly once, and that no more
 * than the concurrency limit ran at once. A 0 ms delay waits one `setImmediate` turn (a real
 * macrotask, like an I/O completion) because Node clamps `setTimeout(0)` to 1 ms.
 */
export class FakeModel {
  readonly #steps: Map<string, StepSpec>;
  #done = new Set<string>();
  #running = 0;
  #maxRunning = 0;
  #calls = 0;
  #violations: string[] = [];

  constructor(workloadCase: WorkloadCase) {
    this.#steps = new Map(workloadCase.steps.map((step) => [step.id, step]));
  }

  /** Runs the step `id`: waits its delay and returns `input + 1`. */
  call = async (id: string, input = 0): Promise<number> => {
    const step = this.#steps.get(id);
    if (step === undefined) {
      this.#violations.push(`unknown step ${id}`);
      return input + 1;
    }
    for (const dep of step.deps) {
      if (!this.#done.has(dep)) this.#violations.push(`${id} started before ${dep} ended`);
    }
    this.#calls++;
    this.#running++;
    if (this.#running > this.#maxRunning) this.#maxRunning = this.#running;
    await (step.ms === 0
      ? new Promise<void>((resolve) => setImmediate(resolve))
      : new Promise<void>((resolve) => setTimeout(resolve, step.ms)));
    this.#running--;
    if (this.#done.has(id)) this.#violations.push(`${id} ran twice`);
    this.#done.add(id);
    return input + 1;
  };

  reset(): void {
    this.#done = new Set();
    this.#running = 0;
    this.#maxRunning = 0;
    this.#calls = 0;
    this.#violations = [];
  }

  /** Problems seen in the run just finished; empty when it was a faithful run. */
  problems(workloadCase: WorkloadCase): string[] {
    const problems = [...this.#violations.slice(0, 5)];
    if (this.#calls !== workloadCase.steps.length) {
      problems.push(`${this.#calls} step calls, expected ${workloadCase.steps.length}`);
    }
    if (workloadCase.concurrency !== undefined && this.#maxRunning > workloadCase.concurrency) {
      problems.push(`${this.#maxRunning} steps ran at once, limit ${workloadCase.concurrency}`);
    }
    return problems;
  }

  get maxRunning(): number {
    return this.#maxRunning;
  }
}
