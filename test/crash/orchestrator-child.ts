/**
 * One life of the orchestrator crash test's worker, run as a real process:
 *
 *   node_modules/.bin/node --import tsx test/crash/orchestrator-child.ts <db> <baseURL>
 *
 * Starts the scenario's `process()` run on a SqliteStore, or resumes it when the store has
 * it already (as the stable owner "orchestrator-worker"); prints its pid first (its model
 * requests carry it in an `x-life` header), "started" once the run is under way and
 * "result <json>" when it ends: its status, the answer, and its usage and cost as its log
 * folds them. The test kills it with SIGKILL at random moments.
 */
import { foldRunLog } from "../../src/core/run/fold-run-log.js";
import { resume } from "../../src/durable/resume.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { crashOrchestrator, orchestratorTask } from "./orchestrator-crash-scenario.js";

process.stdout.write(`pid ${process.pid}\n`);
const [db, baseURL] = process.argv.slice(2);
if (!db || !baseURL) throw new Error("usage: orchestrator-child.ts <db> <baseURL>");
const store = new SqliteStore({ path: db });
const orchestrator = crashOrchestrator(store, baseURL);
const root = (await store.listRuns()).find((record) => record.parentId === undefined);
let runId: string;
let ended: Promise<unknown>;
if (root) {
  const run = await resume(root.id, {
    store,
    owner: "orchestrator-worker",
    workflows: { [orchestrator.name]: orchestrator.processWorkflow },
  });
  runId = run.id;
  ended = run.result;
} else {
  const run = orchestrator.start(orchestratorTask);
  runId = run.id;
  ended = run.result;
}
process.stdout.write("started\n");
await ended;
const state = foldRunLog(await store.readLog(runId), { runId });
const output = state.output as { text: string };
process.stdout.write(
  `result ${JSON.stringify({ status: state.status, output: output.text, usage: state.usage, cents: state.cost.totalCents })}\n`,
);
await store.close();
