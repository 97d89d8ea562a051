/**
 * One life of the PostgreSQL crash test's worker, run as a real process:
 *
 *   node_modules/.bin/node --import tsx test/crash/postgres-child.ts <url> <effects> <runId>
 *
 * Starts the run (or resumes it when the database has it already) with the default owner
 * id (`<host>:<pid>:<random>`), so each life is a different owner: it takes the run over
 * from the dead one at once because that owner's process is gone. Prints "started" once
 * the run is under way and "result <json>" when it ends.
 */
import { openDurable } from "../../src/durable/open-durable.js";
import { resume } from "../../src/durable/resume.js";
import { PostgresStore } from "../../src/stores/postgres/postgres-store.js";
import { crashWorkflow } from "./crash-workflow.js";

const [url, effects, runId] = process.argv.slice(2);
if (!url || !effects || !runId) {
  throw new Error("usage: postgres-child.ts <url> <effects> <runId>");
}
const flow = crashWorkflow(effects);
const store = await PostgresStore.open(url);
const settings = { store, workflows: { "crash-chain": flow } };
const run = (await store.getRun(runId))
  ? await resume(runId, settings)
  : (await openDurable(settings)).start(flow, 7, { runId });
process.stdout.write(`owner ${run.owner}\nstarted\n`);
const result = await run.result;
process.stdout.write(
  `result ${JSON.stringify({ status: result.status, output: result.output })}\n`,
);
await store.close();
