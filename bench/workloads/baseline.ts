import type { Contender, PreparedCase, Unsupported } from "./contender.js";
import { runFifo } from "./fifo-scheduler.js";
import { scriptedLlmRun } from "./llm-contenders.js";
import type { WorkloadCase } from "./workload.js";

/**
 * The plain async/await baseline: what a programmer writes by hand for each shape, with no
 * library. Its makespan is the floor the libraries' overhead is measured against. For the
 * durable case it keeps nothing (so W5's overhead includes the cost of durability).
 */
export function createContender(): Contender {
  return {
    async prepare(
      workloadCase: WorkloadCase,
      { model, provider },
    ): Promise<PreparedCase | Unsupported> {
      const { shape, steps, llm } = workloadCase;
      if (llm && provider) return scriptedLlmRun({ ...workloadCase, llm }, provider);
      switch (shape.kind) {
        case "chain":
          return {
            async run() {
              let value = 0;
              for (const step of steps) value = await model.call(step.id, value);
              return value;
            },
          };
        case "fan-out":
          return {
            run: () => Promise.all(steps.map((step) => model.call(step.id))),
          };
        case "layers":
          return {
            async run() {
              for (const layer of shape.layers)
                await Promise.all(layer.map((id) => model.call(id)));
            },
          };
        case "chains":
          return {
            run: () =>
              Promise.all(
                shape.chains.map(async (ids) => {
                  let value = 0;
                  for (const id of ids) value = await model.call(id, value);
                  return value;
                }),
              ),
          };
        case "dag":
          return {
            run: () =>
              runFifo(steps, workloadCase.concurrency ?? Number.POSITIVE_INFINITY, model.call),
          };
      }
    },
  };
}
