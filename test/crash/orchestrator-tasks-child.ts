/**
 * The child of orchestrator-tasks.test.ts: an orchestrator on an SQLite store that takes
 * four tasks, one at a time; the first never ends. Prints "queued" once all four are in
 * the store and the first runs, then waits to be killed.
 */
import { agent } from "../../src/index.js";
import { functionModel } from "../../src/models/index.js";
import { Orchestrator } from "../../src/orchestrator/index.js";
import { SqliteStore } from "../../src/stores/sqlite/index.js";

const [path] = process.argv.slice(2);
const store = new SqliteStore({ path: path! });
const worker = agent({
  name: "worker",
  model: functionModel(async function hangs() {
    await new Promise(() => {});
    return "never";
  }),
  prices: { "function:hangs": { inputPerMillion: 0, outputPerMillion: 0 } },
});
const orchestrator = new Orchestrator({
  name: "desk",
  mainAgent: { name: "lead", model: "simulated:lead" },
  store,
  subagents: [worker],
  maxParallelTasks: 1,
});
await orchestrator.ready;
orchestrator.submit("worker", "first");
orchestrator.submit("worker", "low", { priority: 1 });
orchestrator.submit("worker", "high", { priority: 9 });
orchestrator.submit("worker", "middle", { priority: 5 });
const settled = async () => {
  const runs = await store.listRuns();
  return runs.length === 4 && runs.some((run) => run.status === "running");
};
while (!(await settled())) await new Promise((resolve) => setTimeout(resolve, 5));
process.stdout.write("queued\n");
await new Promise(() => {});
