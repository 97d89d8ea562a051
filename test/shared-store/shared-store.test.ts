/**
 * Many processes, one PostgreSQL database: 4 processes each run 50 runs and a scheduler
 * (with auto-resume) on the same database, against one schedule that fires every 100 ms.
 * Every run succeeds, no process reports an error (no run taken from a live owner, no
 * store error), and each schedule slot fires exactly once across the 4 schedulers.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedule } from "../../src/durable/schedules.js";
import { PostgresStore } from "../../src/stores/postgres/postgres-store.js";
import { bundledScript } from "../support/bundled-script.js";
import {
  type PostgresServer,
  postgresAvailable,
  sharedPostgresServer,
} from "../support/postgres-server.js";

const worker = join(import.meta.dirname, "worker.ts");
const processes = 4;
const runsEach = 50;
const minimumSlots = 20;

interface Report {
  type: string;
  statuses?: string[];
  fires?: { slot: number; missed: boolean; ran: boolean }[];
  errors?: string[];
}

function nextMessage(child: ChildProcess, type: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Report) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before "${type}"`)));
  });
}

describe.runIf(postgresAvailable())("Processes sharing one PostgreSQL database", () => {
  let server: PostgresServer;
  let url: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await sharedPostgresServer();
    url = await server.createDatabase("shared");
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await server?.stop();
  });

  it("run 50 runs each and a scheduler each: 0 errors, every run succeeded, each slot fired once", {
    timeout: 240_000,
  }, async () => {
    await schedule({ id: "beat", workflow: "tick", every: 100 }, { store: url });
    const entry = bundledScript(worker);
    for (let index = 0; index < processes; index++) {
      children.push(
        fork(entry, [url, `p${index}`, String(runsEach)], {
          execArgv: [],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        }),
      );
    }
    await Promise.all(children.map((child) => nextMessage(child, "ready")));
    const done = children.map((child) => nextMessage(child, "runs-done"));
    for (const child of children) child.send("go");
    const statuses = (await Promise.all(done)).flatMap((report) => report.statuses ?? []);

    // Let the schedulers race for slots until enough have fired.
    const store = await PostgresStore.open(url, { readOnly: true });
    try {
      while (
        (await store.listRuns()).filter((run) => run.workflow === "tick").length < minimumSlots
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const reports = children.map((child) => nextMessage(child, "report"));
      for (const child of children) child.send("stop");
      const finals = await Promise.all(reports);

      expect(finals.flatMap((report) => report.errors ?? [])).toEqual([]);
      expect(statuses).toHaveLength(processes * runsEach);
      expect(statuses.filter((status) => status !== "succeeded")).toEqual([]);

      const fired = finals.flatMap((report) => report.fires ?? []).map((fire) => fire.slot);
      expect(fired.length).toBeGreaterThanOrEqual(minimumSlots);
      expect(new Set(fired).size, "slots fired by more than one scheduler").toBe(fired.length);
      const runs = await store.listRuns();
      const ticks = runs.filter((run) => run.workflow === "tick");
      const slots = ticks.map((run) => run.metadata?.scheduledFor);
      expect(new Set(slots).size, "slots with more than one run").toBe(slots.length);
      expect(runs.filter((run) => run.workflow === "job")).toHaveLength(processes * runsEach);
      expect(runs.filter((run) => run.status !== "succeeded").map((run) => run.id)).toEqual([]);
      const firingProcesses = finals.filter((report) => (report.fires ?? []).length > 0).length;
      console.log(
        `shared PostgreSQL store: ${processes} processes, ${statuses.length} runs succeeded, ` +
          `${fired.length} slots fired once each (${ticks.length} tick runs) by ${firingProcesses} schedulers, 0 errors`,
      );
    } finally {
      await store.close();
    }
  });
});
