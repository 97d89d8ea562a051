/**
 * A test helper run as a separate process by sqlite-store.test.ts: opens the database
 * named in argv, waits for "go", then claims the run and appends batches, racing the
 * other processes, and reports what it got back.
 */
import { SqliteStore } from "./sqlite-store.js";

const [path, owner, batchesText] = process.argv.slice(2);
if (!path || !owner || !batchesText || !process.send) {
  throw new Error("usage: sqlite-store.contender.ts <path> <owner> <batches> (as a forked child)");
}
const store = new SqliteStore({ path, busyTimeoutMs: 20_000 });
process.send({ ready: true });
process.on("message", async () => {
  const claimed = await store.claimRun("r1", owner, { now: 100, staleBefore: 50 });
  const seqs: number[] = [];
  for (let batch = 0; batch < Number(batchesText); batch++) {
    seqs.push(
      ...(await store.append("r1", [
        { type: "step-start", at: batch, owner },
        { type: "step-end", at: batch, owner },
      ])),
    );
  }
  await store.close();
  process.send?.({ claimed, seqs }, () => process.exit(0));
});
