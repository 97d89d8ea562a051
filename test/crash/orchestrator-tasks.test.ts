import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agent } from "../../src/index.js";
import { functionModel } from "../../src/models/index.js";
import { Orchestrator, type OrchestratorEvent, type Task } from "../../src/orchestrator/index.js";
import { SqliteStore } from "../../src/stores/sqlite/index.js";
import { bundledScript } from "../support/bundled-script.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
const child = join(import.meta.dirname, "orchestrator-tasks-child.ts");

/** Starts the child, waits until its four tasks are stored, and kills it with SIGKILL. */
function queueThenKill(path: string): Promise<void> {
  const entry = bundledScript(child);
  return new Promise((resolve, reject) => {
    const process = spawn(node, [entry, path], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    process.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("queued\n")) process.kill("SIGKILL");
    });
    process.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    process.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve() : reject(new Error(`child exited: ${errors}`)),
    );
  });
}

describe("Orchestrator tasks after kill -9", () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-tasks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are in the store, and a restarted orchestrator runs them all in priority order", {
    timeout: 60_000,
  }, async () => {
    const path = join(dir, "baton.db");
    await queueThenKill(path);

    const store = new SqliteStore({ path });
    const before = await store.listRuns();
    expect(before.map((run) => run.status).sort()).toEqual([
      "pending",
      "pending",
      "pending",
      "running",
    ]);
    const worker = agent({
      name: "worker",
      model: functionModel(async function echoes(messages) {
        const last = messages.at(-1)?.content;
        const text = Array.isArray(last)
          ? last.map((part) => ("text" in part ? part.text : "")).join("")
          : String(last);
        return `done: ${text}`;
      }),
      prices: { "function:echoes": { inputPerMillion: 0, outputPerMillion: 0 } },
    });
    const started: string[] = [];
    const ended: Task[] = [];
    const orchestrator = new Orchestrator({
      name: "desk",
      mainAgent: { name: "lead", model: "simulated:lead" },
      store,
      subagents: [worker],
      maxParallelTasks: 1,
    });
    orchestrator.on("task-start", (event: OrchestratorEvent) =>
      started.push(String((event as { task: Task }).task.input)),
    );
    orchestrator.on("task-end", (event: OrchestratorEvent) =>
      ended.push((event as { task: Task }).task),
    );
    await orchestrator.ready;
    while (ended.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    // The one that was running when the process died runs again, in its place by priority.
    expect(started).toEqual(["high", "middle", "low", "first"]);
    for (const task of ended) {
      expect(await orchestrator.getTask(task.id)).toMatchObject({
        status: "succeeded",
        output: `done: ${String(task.input)}`,
      });
    }
    const after = await store.listRuns();
    expect(after.map((run) => run.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    await store.close();
  });
});
