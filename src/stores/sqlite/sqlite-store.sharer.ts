/**
 * A test helper run as a separate process by sqlite-store.processes.test.ts: behaves like
 * one `baton run` after another on a shared file. Each run opens the store, creates a run,
 * appends its events one commit at a time, marks it succeeded and closes the store (the
 * last connection to close checkpoints the write-ahead log into the file).
 *
 *   sqlite-store.sharer.ts <path> <name> <runs | "forever"> <events per run> [start at]
 *
 * With `start at` (ms since the epoch), the first run opens the store at that moment (sharers
 * started one after another open it together).
 * Sends `{ ready: true }` once its first run is stored, then, with a count, `{ errors }`
 * (one message per failed run) when done. "forever" runs until the process is killed.
 */
import { SqliteStore } from "./sqlite-store.js";

const [path, name, runsText, eventsText, startAtText] = process.argv.slice(2);
if (!path || !name || !runsText || !eventsText || !process.send) {
  throw new Error(
    "usage: sqlite-store.sharer.ts <path> <name> <runs | forever> <events> (as a forked child)",
  );
}
const eventsPerRun = Number(eventsText);
const runs = runsText === "forever" ? Number.POSITIVE_INFINITY : Number(runsText);
const errors: string[] = [];
if (startAtText) {
  const startAt = Number(startAtText);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now() - 20)));
  while (Date.now() < startAt) {}
}
for (let index = 0; index < runs; index++) {
  try {
    const store = new SqliteStore({ path });
    const runId = `${name}-${index}`;
    await store.createRun({ id: runId, workflow: "w", status: "running", createdAt: index });
    for (let seq = 1; seq <= eventsPerRun; seq++) {
      // A few KiB per event, so checkpoints grow the file by many pages at a time.
      await store.append(runId, [{ type: "step-end", at: seq, output: "x".repeat(3000) }]);
    }
    await store.updateRun(runId, { status: "succeeded", updatedAt: index });
    await store.close();
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  if (index === 0) process.send({ ready: true });
}
process.send({ errors }, () => process.exit(0));
