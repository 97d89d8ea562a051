import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { schedule } from "../../src/durable/index.js";
import { buildWorkflow, parseSpec } from "../../src/spec/index.js";
import { SqliteStore } from "../../src/stores/sqlite/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeEach(async () => {
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await workspace.remove();
});

/** Resolves once `text()` matches `pattern`, checked each time `changed` is called. */
function waiter(text: () => string) {
  const waits: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
  return {
    changed() {
      for (const wait of [...waits]) {
        const match = wait.pattern.exec(text());
        if (match) {
          waits.splice(waits.indexOf(wait), 1);
          wait.resolve(match);
        }
      }
    },
    until: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const match = pattern.exec(text());
        if (match) resolve(match);
        else waits.push({ pattern, resolve });
      }),
  };
}

describe("baton scheduler", () => {
  it("starts the stored schedules' runs when due, again a period later, and stops cleanly when interrupted", async () => {
    const clock = new ManualClock(Date.parse("2026-12-01T08:00:00Z"));
    const flow = buildWorkflow(
      parseSpec(
        "name: digest\nagents: { summariser: { model: simulated:summariser } }\nsteps: [{ id: summary, agent: summariser, input: Summarise the day. }]\n",
      ),
    );
    // One run in memory first: the modules a run loads (real I/O) are loaded before the
    // manual clock drives the scheduler, so only the clock decides what happens when.
    expect((await flow.start({}).result).status).toBe("succeeded");
    const store = new SqliteStore({ path: join(workspace.dir, ".baton", "baton.db") });
    try {
      await schedule(
        { id: "daily-digest", workflow: flow, every: 60_000, startAt: clock.now() },
        { store },
      );
    } finally {
      await store.close();
    }

    let stdout = "";
    const output = waiter(() => stdout);
    const interrupt = new AbortController();
    const scheduler = runBaton(["scheduler", "--poll-ms", "100"], {
      cwd: workspace.dir,
      clock,
      signal: interrupt.signal,
      onStdout: (text) => {
        stdout = text;
        output.changed();
      },
    });

    await output.until(/Scheduler running on /);
    const first = await clock.runUntil(output.until(/run (run_\w+) succeeded/));
    expect(stdout).toMatch(/^Scheduler running on .*baton\.db/);
    expect(stdout).toContain(
      `schedule daily-digest: started run ${first[1]}; next 2026-12-01 08:01:00 UTC`,
    );
    // Every 60 s on the scheduler's clock: the next run starts a minute after the first.
    const second = await clock.runUntil(
      output.until(/schedule daily-digest: started run (run_\w+); next 2026-12-01 08:02:00 UTC/),
    );
    expect(clock.now()).toBe(Date.parse("2026-12-01T08:01:00Z"));
    await clock.runUntil(output.until(new RegExp(`run ${second[1]} succeeded`)));

    interrupt.abort(new Error("received SIGINT"));
    const { code } = await clock.runUntil(scheduler);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Scheduler stopped\.\n$/);
    expect(stdout.match(/started run/g)).toHaveLength(2);

    const runs = JSON.parse((await runBaton(["runs", "--json"], { cwd: workspace.dir })).stdout);
    expect(runs).toEqual([
      expect.objectContaining({ id: second[1], workflow: "digest", status: "succeeded" }),
      expect.objectContaining({ id: first[1], workflow: "digest", status: "succeeded" }),
    ]);
  });
});
