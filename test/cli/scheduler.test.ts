import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { schedule } from "../../src/durable/index.js";
import { buildWorkflow, parseSpec } from "../../src/index.js";
import { SqliteStore } from "../../src/stores/sqlite/index.js";
import { type RunningBaton, runBaton, startBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
let scheduler: RunningBaton | undefined;

beforeEach(async () => {
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await scheduler?.stop("SIGKILL");
  scheduler = undefined;
  await workspace.remove();
});

describe("baton scheduler", { timeout: 90_000 }, () => {
  it("starts the stored schedules' runs when due, and stops cleanly on SIGINT", async () => {
    const path = join(workspace.dir, ".baton", "baton.db");
    const flow = buildWorkflow(
      parseSpec(
        "name: digest\nagents: { summariser: { model: simulated:summariser } }\nsteps: [{ id: summary, agent: summariser, input: Summarise the day. }]\n",
      ),
    );
    const store = new SqliteStore({ path });
    try {
      await schedule(
        { id: "daily-digest", workflow: flow, every: 60_000, startAt: Date.now() },
        { store },
      );
    } finally {
      await store.close();
    }

    scheduler = startBaton(["scheduler", "--poll-ms", "100"], { cwd: workspace.dir });
    await scheduler.waitFor(/Scheduler running on .*baton\.db/);
    const started = await scheduler.waitFor(
      /schedule daily-digest: started run (run_\w+); next \d{4}-\d\d-\d\d [\d:]+ UTC/,
    );
    const runId = /(run_\w+)/.exec(started)?.[1];
    await scheduler.waitFor(new RegExp(`run ${runId} succeeded`));

    expect(await scheduler.stop("SIGINT")).toBe(0);
    expect(scheduler.stdout()).toContain("Scheduler stopped.");
    // Every 60 s: it fired once, not again in the time it ran.
    expect(scheduler.stdout().match(/started run/g)).toHaveLength(1);

    const runs = JSON.parse((await runBaton(["runs", "--json"], { cwd: workspace.dir })).stdout);
    expect(runs).toEqual([
      expect.objectContaining({ id: runId, workflow: "digest", status: "succeeded" }),
    ]);
  });
});
