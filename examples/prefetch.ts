/**
 * Prefetch: the answer step needs the refund policy and the customer's history, which do
 * not depend on the research before it. Loaded in the step, they wait for the research;
 * declared as `prefetch`, they load while it runs. Same work, shorter makespan.
 *
 * Durations are simulated on a ManualClock from baton/testing (virtual time), so the
 * example is exact and instant: research 4 s, policy 1.5 s, history 2.5 s, writing 1 s.
 * Offline: simulated models with latency on that clock.
 *
 *   npx tsx examples/prefetch.ts
 */
import { agent, workflow } from "../src/index.js";
import { ManualClock } from "../src/testing/index.js";

const clock = new ManualClock();
const researcher = agent({ name: "researcher", model: "simulated:researcher?latency=4000", clock });
const writer = agent({ name: "writer", model: "simulated:writer?latency=1000", clock });
const loadPolicy = async () => {
  await clock.sleep(1500);
  return "Refunds within 30 days of delivery.";
};
const loadHistory = async () => {
  await clock.sleep(2500);
  return "2 orders, 1 refund last year.";
};
const prompt = (research: string, policy: unknown, history: unknown) =>
  `${research}\n\nPolicy: ${String(policy)}\nHistory: ${String(history)}\n\nWrite the reply.`;

const inTheStep = workflow<string>("reply-loading-in-step")
  .step("research", researcher)
  .step(
    "answer",
    async ({ results, run }) => {
      const [policy, history] = await Promise.all([loadPolicy(), loadHistory()]);
      return (await run(writer, prompt(results.research.text, policy, history))).text;
    },
    { dependsOn: ["research"] },
  );

const prefetched = workflow<string>("reply-with-prefetch")
  .step("research", researcher)
  .step("answer", writer, {
    dependsOn: ["research"],
    prefetch: { policy: loadPolicy, history: loadHistory },
    input: ({ results, prefetched }) =>
      prompt(results.research.text, prefetched?.policy, prefetched?.history),
  });

async function makespan(flow: typeof inTheStep): Promise<number> {
  const startedAt = clock.now();
  const result = await clock.runUntil(flow.start("Can I return my boots?", { clock }).result);
  if (result.status !== "succeeded") throw result.error;
  for (const [id, step] of Object.entries(result.steps)) {
    console.log(
      `  ${id.padEnd(16)} ${(step.startedAt! - startedAt) / 1000} s -> ${(step.endedAt! - startedAt) / 1000} s`,
    );
  }
  return clock.now() - startedAt;
}

console.log("Loading in the step:");
const slow = await makespan(inTheStep);
console.log(`  makespan ${slow / 1000} s`);
console.log("With prefetch:");
const fast = await makespan(prefetched);
console.log(`  makespan ${fast / 1000} s`);
console.log(`Prefetch saved ${(slow - fast) / 1000} s (${Math.round((1 - fast / slow) * 100)}%)`);
