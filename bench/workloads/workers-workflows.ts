import { agent } from "../../src/agents/agent.js";
import type { WorkflowRegistry } from "../../src/durable/workflow-registry.js";
import { workflow } from "../../src/runtime/workflow.js";

/** Agent steps the workers run (untimed) before the timed `calls`: the JIT's warm-up. */
export const CALLS_WARMUP_STEPS = 200;

/**
 * The workflows of the workers benchmark, registered alike by the owner and the worker
 * processes: `noop` (BATON_BENCH_STEPS independent steps that return at once), `chain`
 * (BATON_BENCH_CHAIN no-op steps one after another), `calls` (BATON_BENCH_STEPS agent
 * steps on the fake OpenAI-compatible server at BATON_FAKE_BASE_URL) and `calls-warmup`
 * ({@link CALLS_WARMUP_STEPS} of the same agent steps, run before `calls` is timed).
 */
export function workersWorkflows(env = process.env): WorkflowRegistry {
  const steps = Number(env.BATON_BENCH_STEPS ?? 2000);
  const chainLength = Number(env.BATON_BENCH_CHAIN ?? 200);
  const noop = workflow("noop");
  for (let index = 0; index < steps; index++) noop.step(`s${index}`, () => index);
  const chain = workflow("chain");
  for (let index = 0; index < chainLength; index++) {
    chain.step(`c${index}`, () => index, index > 0 ? { dependsOn: [`c${index - 1}`] } : {});
  }
  const caller = agent({
    name: "caller",
    model: "openai-compatible:bench-model",
    modelOptions: { baseURL: env.BATON_FAKE_BASE_URL ?? "http://127.0.0.1:9/v1", env: {} },
    // A keep-alive connection the server closed as it was reused fails a call: try again.
    retry: { maxAttempts: 3, initialDelayMs: 10 },
    prices: { "openai-compatible:bench-model": { inputPerMillion: 100, outputPerMillion: 400 } },
  });
  const calls = workflow("calls");
  for (let index = 0; index < steps; index++) {
    calls.step(`a${index}`, caller, { input: () => `Say ok ${index}.` });
  }
  const warmup = workflow("calls-warmup");
  for (let index = 0; index < CALLS_WARMUP_STEPS; index++) {
    warmup.step(`w${index}`, caller, { input: () => `Say ok ${index}.` });
  }
  return { noop, chain, calls, "calls-warmup": warmup };
}

export default workersWorkflows();
