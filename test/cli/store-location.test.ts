import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
beforeEach(async () => {
  workspace = await tempWorkspace();
});
afterEach(() => workspace.remove());

const spec = `
name: tiny
agents:
  writer: { model: simulated:writer?latency=0 }
steps:
  - id: draft
    agent: writer
    input: "Write one line about tides."
`;

describe("The CLI's store location (--store, BATON_STORE)", () => {
  it("takes sqlite:<path>, read from where the user stands", async () => {
    const file = await workspace.write("tiny.yaml", spec);
    const ran = await runBaton(["run", file, "--json", "--store", "sqlite:runs/here.db"], {
      cwd: workspace.dir,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(existsSync(join(workspace.dir, "runs", "here.db"))).toBe(true);
    const listed = await runBaton(["runs", "--json"], {
      cwd: workspace.dir,
      env: { BATON_STORE: "sqlite:runs/here.db" },
    });
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });

  it("refuses a scheme no store opens, exit 2, naming the known ones, and creates nothing", async () => {
    const file = await workspace.write("tiny.yaml", spec);
    const outcome = await runBaton(["run", file, "--store", "redis://127.0.0.1:6379/0"], {
      cwd: workspace.dir,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      'baton: No store opens "redis:" locations (redis://127.0.0.1:6379/0); known: sqlite:, memory:, postgres:, postgresql:, or a file path for SQLite\n',
    );
    expect(readdirSync(workspace.dir)).toEqual(["tiny.yaml"]);
  });

  it("runs on memory: and says there is no run to show afterwards", async () => {
    const file = await workspace.write("tiny.yaml", spec);
    const ran = await runBaton(["run", file, "--json", "--store", "memory:"], {
      cwd: workspace.dir,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).status).toBe("succeeded");
    expect(readdirSync(workspace.dir)).toEqual(["tiny.yaml"]);
  });
});
