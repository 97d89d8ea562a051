import { agent } from "../../src/agents/agent.js";
import type { WorkflowRegistry } from "../../src/durable/workflow-registry.js";
import { workflow } from "../../src/runtime/workflow.js";

/** 20 agent steps in 4 layers of 5; each step of a layer reads every answer of the one before. */
export const LAYERS = 4;
export const WIDTH = 5;

/**
 * The chaos campaign's workflow, registered alike by the owners, the workers and the
 * campaign (which runs it once in process for the expected outputs). The agent calls the
 * fake OpenAI-compatible server at `baseURL`, naming its process in a header so what the
 * server answered can be traced to the worker that asked.
 */
export function chaosWorkflows(
  baseURL = process.env.BATON_FAKE_BASE_URL ?? "http://127.0.0.1:9/v1",
): WorkflowRegistry {
  const answerer = agent({
    name: "answerer",
    model: "openai-compatible:chaos-model",
    modelOptions: { baseURL, env: {}, headers: { "x-baton-pid": String(process.pid) } },
    // A keep-alive connection the server closed as it was reused fails a call: try again.
    retry: { maxAttempts: 3, initialDelayMs: 10 },
    prices: { "openai-compatible:chaos-model": { inputPerMillion: 100, outputPerMillion: 400 } },
  });
  const flow = workflow<{ seed: number }>("chaos", {
    output: (results) =>
      Array.from(
        { length: WIDTH },
        (_, at) => (results as Record<string, { text: string }>)[`l${LAYERS - 1}s${at}`]!.text,
      ).join(" "),
  });
  for (let layer = 0; layer < LAYERS; layer++) {
    for (let column = 0; column < WIDTH; column++) {
      const id = `l${layer}s${column}`;
      const before = Array.from({ length: WIDTH }, (_, at) => `l${layer - 1}s${at}`);
      flow.step(id, answerer, {
        ...(layer > 0 ? { dependsOn: before } : {}),
        input: ({ input, results }) =>
          layer === 0
            ? `seed ${input.seed} step ${id}`
            : `${id}: ${before.map((dep) => (results as Record<string, { text: string }>)[dep]!.text).join(" ")}`,
      });
    }
  }
  return { chaos: flow };
}

export default chaosWorkflows();
