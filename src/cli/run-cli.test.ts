import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";
import { type CollectingContext, collectingContext } from "./test-support/collecting-context.js";

let cwd: string;
let context: CollectingContext;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ context, dispose } = await collectingContext("baton-cli-unit-"));
  cwd = context.cwd;
});
afterEach(() => dispose());

const spec = `name: hello
agents: { greeter: { model: simulated:greeter } }
inputs: { name: { type: string, default: world } }
steps: [{ id: greet, agent: greeter, input: "Say hello to {{input.name}}." }]
`;

describe("runCli", () => {
  it("runs a command in-process on the context's streams, cwd and ids", async () => {
    await writeFile(join(cwd, "hello.yaml"), spec);

    const code = await runCli(["run", "hello.yaml", "--json", "--input", "name=Ada"], context);

    expect(context.stderr.text).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(context.stdout.text);
    expect(report).toMatchObject({ runId: "run_1", workflow: "hello", status: "succeeded" });
    expect(report.output).toContain("[simulated:greeter]");
    expect(report.output).toContain("Ada");

    context.stdout.text = "";
    expect(await runCli(["runs", "--json"], context)).toBe(0);
    expect(JSON.parse(context.stdout.text)).toEqual([
      expect.objectContaining({ id: "run_1", workflow: "hello", status: "succeeded" }),
    ]);
  });

  it("reads the store from BATON_STORE when --store is not given", async () => {
    await writeFile(join(cwd, "hello.yaml"), spec);
    context.env.BATON_STORE = "custom/runs.db";
    expect(await runCli(["run", "hello.yaml", "--json"], context)).toBe(0);
    context.stdout.text = "";
    expect(await runCli(["show", "run_1", "--json", "--store", "custom/runs.db"], context)).toBe(0);
    expect(JSON.parse(context.stdout.text).runId).toBe("run_1");
  });

  it("returns 2 with commander's message for a missing argument, and never exits the process", async () => {
    expect(await runCli(["show"], context)).toBe(2);
    expect(context.stderr.text).toContain("error: missing required argument 'runId'");
    expect(await runCli(["run", "hello.yaml", "--concurrency", "0"], context)).toBe(2);
    expect(context.stderr.text).toContain("Expected a whole number >= 1.");
  });

  it("returns 0 and writes help and the version to stdout", async () => {
    expect(await runCli(["--help"], context)).toBe(0);
    expect(context.stdout.text).toContain("Usage: baton [options] [command]");
    context.stdout.text = "";
    expect(await runCli(["-v"], context)).toBe(0);
    expect(context.stdout.text).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("returns 2 naming the store when the store file cannot be opened", async () => {
    await writeFile(join(cwd, "hello.yaml"), spec);
    // A directory where the store file should be: SQLite cannot open it.
    const code = await runCli(["run", "hello.yaml", "--store", "."], context);
    expect(code).toBe(2);
    expect(context.stderr.text).toMatch(/Cannot open the run store/);
  });
});
