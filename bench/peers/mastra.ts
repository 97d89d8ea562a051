/**
 * Mastra (`@mastra/core` 1.x workflows) running the benchmark's workloads the way its users
 * would: createStep + createWorkflow with `.then` for chains, `.parallel` for fan-outs and
 * layers, two sequential sub-workflows in one `.parallel` for independent chains, and a Mastra
 * instance with `@mastra/libsql`'s LibSQLStore for the durable case. Mastra's builder composes
 * sequences and parallel blocks; it has no arbitrary dependency edges and no concurrency limit
 * on `.parallel`, so the random DAG at concurrency 4 is out of its reach.
 */
import { join } from "node:path";
import { Mastra } from "@mastra/core/mastra";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { LibSQLStore } from "@mastra/libsql";
import { z } from "zod";
import type { Contender, PreparedCase, Unsupported } from "../workloads/contender.js";
import type { FakeModel } from "../workloads/fake-model.js";
import type { WorkloadCase } from "../workloads/workload.js";

/** Mastra's Workflow generics track every step's schemas; the graphs here are built in loops. */
// biome-ignore lint/suspicious/noExplicitAny: a builder whose type changes with every call
type LooseWorkflow = any;

function chainStep(model: FakeModel, id: string) {
  return createStep({
    id,
    inputSchema: z.number(),
    outputSchema: z.number(),
    execute: async ({ inputData }) => model.call(id, inputData),
  });
}

function branchStep(model: FakeModel, id: string) {
  return createStep({
    id,
    inputSchema: z.any(),
    outputSchema: z.number(),
    execute: async () => model.call(id),
  });
}

let workflows = 0;

function build(workloadCase: WorkloadCase, model: FakeModel): LooseWorkflow | Unsupported {
  const { shape, steps } = workloadCase;
  const id = `bench-${++workflows}`;
  switch (shape.kind) {
    case "chain": {
      let workflow: LooseWorkflow = createWorkflow({
        id,
        inputSchema: z.number(),
        outputSchema: z.number(),
      });
      for (const step of steps) workflow = workflow.then(chainStep(model, step.id));
      return workflow.commit();
    }
    case "fan-out":
      return createWorkflow({ id, inputSchema: z.number(), outputSchema: z.any() })
        .parallel(steps.map((step) => branchStep(model, step.id)))
        .commit();
    case "layers": {
      let workflow: LooseWorkflow = createWorkflow({
        id,
        inputSchema: z.number(),
        outputSchema: z.any(),
      });
      for (const layer of shape.layers) {
        workflow = workflow.parallel(layer.map((stepId) => branchStep(model, stepId)));
      }
      return workflow.commit();
    }
    case "chains": {
      const chains = shape.chains.map((ids, index) => {
        let sub: LooseWorkflow = createWorkflow({
          id: `${id}-chain-${index}`,
          inputSchema: z.number(),
          outputSchema: z.number(),
        });
        for (const stepId of ids) sub = sub.then(chainStep(model, stepId));
        return sub.commit();
      });
      return createWorkflow({ id, inputSchema: z.number(), outputSchema: z.any() })
        .parallel(chains)
        .commit();
    }
    case "dag":
      return {
        unsupported: "n/a: no arbitrary dependency edges and no concurrency limit on .parallel()",
      };
  }
}

export function createContender(): Contender {
  return {
    async prepare(workloadCase, { model, directory }) {
      const built = build(workloadCase, model);
      if ("unsupported" in built) return built as Unsupported;
      let workflow: LooseWorkflow = built;
      let storage: LibSQLStore | undefined;
      if (workloadCase.durable) {
        storage = new LibSQLStore({
          id: "bench",
          url: `file:${join(directory, "mastra.sqlite")}`,
        });
        const mastra = new Mastra({ workflows: { bench: workflow }, storage, logger: false });
        workflow = mastra.getWorkflow("bench");
      }
      const isChain = workloadCase.shape.kind === "chain";
      const prepared: PreparedCase = {
        async run() {
          const run = await workflow.createRun();
          const result = await run.start({ inputData: 0 });
          if (result.status !== "success") {
            throw new Error(`Mastra run ended ${result.status}: ${String(result.error)}`);
          }
          return isChain ? result.result : undefined;
        },
        async close() {
          await storage?.close();
        },
      };
      return prepared;
    },
  };
}
