/**
 * `baton show <runId> --follow`: the run's steps on stderr as whichever process runs them
 * logs them, then the run as `baton show` prints it; on SQLite (polling) in this process,
 * and on PostgreSQL (LISTEN/NOTIFY) from a separate `baton` process.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Durable, openDurable } from "../../src/durable/index.js";
import { gatedTwoSteps } from "../../src/durable/test-support.js";
import { SqliteStore } from "../../src/stores/sqlite/sqlite-store.js";
import { bundledScript } from "../support/bundled-script.js";
import {
  type PostgresServer,
  postgresAvailable,
  sharedPostgresServer,
} from "../support/postgres-server.js";
import { CLI_MAIN, runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
const open: Durable[] = [];
beforeAll(async () => {
  workspace = await tempWorkspace();
});
afterEach(async () => {
  for (const durable of open.splice(0)) await durable.close();
});
afterAll(() => workspace.remove());

/** The trace lines `--follow` printed, without their time offsets. */
const traced = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("+"))
    .map((line) => line.replace(/^\+\S+\s+/, ""));

describe("baton show --follow", { timeout: 60_000 }, () => {
  it("prints each step on stderr while another owner runs it, then the run, and exits 0", async () => {
    const file = join(workspace.dir, "follow.db");
    const store = new SqliteStore({ path: file });
    const durable = await openDurable({ store });
    open.push(durable);
    const { flow, release } = gatedTwoSteps();
    const run = durable.start(flow, undefined);
    await run.events[Symbol.asyncIterator]().next(); // the run is in the store
    const outcome = await runBaton(["show", run.id, "--follow", "--store", file], {
      cwd: workspace.dir,
      // The second step waits until the follower printed the first one's end.
      onStderr: (text) => {
        if (text.includes("step first succeeded")) release();
      },
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(traced(outcome.stderr)).toEqual([
      "run two started",
      "step first started",
      // Each end with the run's progress the event carries.
      expect.stringMatching(/^step first succeeded .* · 1\/2 steps, 50%$/),
      "step second started",
      expect.stringMatching(/^step second succeeded .* · 2\/2 steps, 100%$/),
      "run succeeded: two",
    ]);
    expect(outcome.stdout).toMatch(new RegExp(`^Run ${run.id} \\(two\\) succeeded`));
    await run.result;
  });

  it("exits 1 when the run it followed failed, after printing the view asked for", async () => {
    const file = join(workspace.dir, "failing.db");
    const durable = await openDurable({ store: new SqliteStore({ path: file }) });
    open.push(durable);
    const { flow, release } = gatedTwoSteps();
    flow.step(
      "third",
      () => {
        throw new Error("boom");
      },
      { dependsOn: ["second"] },
    );
    const run = durable.start(flow, undefined);
    await run.events[Symbol.asyncIterator]().next();
    const followed = runBaton(["show", run.id, "--follow", "--json", "--store", file], {
      cwd: workspace.dir,
    });
    release();
    const outcome = await followed;
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ runId: run.id, status: "failed" });
  });
});

describe.runIf(postgresAvailable())("baton on PostgreSQL", { timeout: 60_000 }, () => {
  let server: PostgresServer;
  let url: string;
  beforeAll(async () => {
    server = await sharedPostgresServer();
    url = await server.createDatabase("cli");
  });
  afterAll(() => server?.stop());

  it("follows from another process a run this one runs, and lists runs with BATON_STORE", async () => {
    const durable = await openDurable({ store: url });
    open.push(durable);
    const { flow, release } = gatedTwoSteps();
    const run = durable.start(flow, undefined);
    await run.events[Symbol.asyncIterator]().next();
    const follower = spawn(
      process.execPath,
      [bundledScript(CLI_MAIN), "show", run.id, "--follow", "--store", url],
      { cwd: workspace.dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    follower.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    follower.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("step first succeeded")) release();
    });
    const code = await new Promise((resolve) => follower.on("exit", resolve));
    expect(code, stderr).toBe(0);
    expect(traced(stderr)).toContain("run succeeded: two");
    expect(stdout).toMatch(new RegExp(`^Run ${run.id} \\(two\\) succeeded`));
    await run.result;

    const listed = await runBaton(["runs", "--json"], {
      cwd: workspace.dir,
      env: { BATON_STORE: url },
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((row: { id: string }) => row.id)).toEqual([run.id]);
  });

  it("names a PostgreSQL store it cannot open without its password, exit 2", async () => {
    const wrong = url.replace(`:${encodeURIComponent(server.password)}@`, ":wrong-secret@");
    const outcome = await runBaton(["runs", "--store", wrong], { cwd: workspace.dir });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/password authentication failed/);
    expect(outcome.stderr).toContain("postgres://baton:***@127.0.0.1");
    expect(outcome.stderr).not.toContain("wrong-secret");
  });
});
