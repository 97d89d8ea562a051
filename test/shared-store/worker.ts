/**
 * One process of the shared-store test, forked by shared-store.test.ts:
 *
 *   node --import tsx test/shared-store/worker.ts <url> <name> <runs>
 *
 * Starts a scheduler (with auto-resume) on the PostgreSQL database, says "ready", and on
 * "go" starts `runs` runs of a three-step workflow through the scheduler's durable
 * instance; says "runs-done" when they have all ended. On "stop" it stops the scheduler
 * and reports every run's status, every firing it handled and every error it saw.
 */
import { startScheduler } from "../../src/durable/scheduler.js";
import { workflow } from "../../src/runtime/workflow.js";

const [url, name, count] = process.argv.slice(2);
if (!url || !name || !count) throw new Error("usage: worker.ts <url> <name> <runs>");

const job = workflow<{ worker: string; index: number }>("job")
  .step("fetch", ({ input }) => `${input.worker}-${input.index}`)
  .step(
    "think",
    async ({ results }) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return `${results.fetch as string}!`;
    },
    { dependsOn: ["fetch"] },
  )
  .step("write", ({ results }) => (results.think as string).length, { dependsOn: ["think"] });
const tick = workflow("tick").step("beat", () => "beat");

const errors: string[] = [];
const fires: { slot: number; missed: boolean; ran: boolean }[] = [];
const scheduler = await startScheduler({
  store: url,
  workflows: { job, tick },
  pollMs: 20,
  autoResume: true,
  onFire: (fire) =>
    fires.push({ slot: fire.slot, missed: fire.missed, ran: fire.run !== undefined }),
  onError: (error, scheduleId) => errors.push(`${scheduleId ?? "-"}: ${String(error)}`),
});
const send = (message: unknown) => process.send?.(message);

process.on("message", async (message) => {
  if (message === "go") {
    const runs = Array.from({ length: Number(count) }, (_, index) =>
      scheduler.durable.start("job", { worker: name, index }),
    );
    const results = await Promise.all(runs.map((run) => run.result));
    send({ type: "runs-done", statuses: results.map((result) => result.status) });
  }
  if (message === "stop") {
    await scheduler.stop();
    send({ type: "report", fires, errors });
    process.disconnect?.();
  }
});
send({ type: "ready" });
