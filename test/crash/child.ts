/**
 * One life of the crash tests' worker, run as a real process:
 *
 *   node_modules/.bin/node --import tsx test/crash/child.ts <db> <effects> <runId> [chain|parent]
 *
 * Starts the run (or resumes it when the store has it already) on a SqliteStore, as the
 * stable owner "crash-worker" (a restarted worker takes its own run back at once), prints
 * "started" once the run is under way and "result <json>" when it ends. The test kills it
 * with SIGKILL at random moments. `chain` (the default) runs the 200-step chain; `parent`
 * runs a parent whose middle step is a 40-step sub-workflow.
 */
import { openDurable } from "../../src/durable/open-durable.js";
import { resume } from "../../src/durable/resume.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { crashWorkflow, parentWorkflow } from "./crash-workflow.js";

const [db, effects, runId, kind = "chain"] = process.argv.slice(2);
if (!db || !effects || !runId || (kind !== "chain" && kind !== "parent")) {
  throw new Error("usage: child.ts <db> <effects> <runId> [chain|parent]");
}
const flow = kind === "chain" ? crashWorkflow(effects) : parentWorkflow(effects);
const store = new SqliteStore({ path: db });
const settings = { store, owner: "crash-worker", workflows: { [flow.name]: flow } };
const run = (await store.getRun(runId))
  ? await resume(runId, settings)
  : (await openDurable(settings)).start(flow, 7, { runId });
process.stdout.write("started\n");
const result = await run.result;
process.stdout.write(
  `result ${JSON.stringify({ status: result.status, output: result.output })}\n`,
);
await store.close();
