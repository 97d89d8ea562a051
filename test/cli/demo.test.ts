import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
beforeAll(async () => {
  workspace = await tempWorkspace();
});
afterAll(async () => {
  await workspace.remove();
});

describe("baton demo", { timeout: 90_000 }, () => {
  it("answers offline with the tool, then prints the tool calls and a usage and cost table", async () => {
    const { code, stdout, stderr } = await runBaton(["demo"], { cwd: workspace.dir });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Model: simulated:guide");
    expect(stdout).toMatch(/Answer: .*Eiffel Tower.*330/);
    expect(stdout).toMatch(
      /lookup\(\{"landmark":"[^"]+"\}\) -> \{"landmark":"Eiffel Tower","city":"Paris","heightMetres":330/,
    );
    expect(stdout).toMatch(/#1 step\s+simulated:guide\s+1\s+\d+\s+\d+/);
    expect(stdout).toMatch(/#2 step\s+simulated:guide\s+1\s+\d+\s+\d+/);
    // The total row is the sum of the calls' rows.
    const calls = [...stdout.matchAll(/#\d step\s+simulated:guide\s+1\s+(\d+)\s+(\d+)/g)];
    const total = /total\s+(\d+)\s+(\d+)\s+(\d+\.\d{4})¢/.exec(stdout);
    expect(Number(total?.[1])).toBe(calls.reduce((sum, call) => sum + Number(call[1]), 0));
    expect(Number(total?.[2])).toBe(calls.reduce((sum, call) => sum + Number(call[2]), 0));
    // Priced like gpt-4o-mini: $0.15 / $0.60 per million tokens.
    const expected = ((Number(total?.[1]) * 0.15 + Number(total?.[2]) * 0.6) / 1_000_000) * 100;
    expect(Number(total?.[3])).toBeCloseTo(expected, 4);
    expect(stdout).toMatch(/Cost: \d+\.\d{4}¢ for the model \+ 0\.0100¢ for tools = \d+\.\d{4}¢/);
  });

  it("asks another question with --question", async () => {
    const { code, stdout } = await runBaton(
      ["demo", "--question", "How tall is the Burj Khalifa?"],
      {
        cwd: workspace.dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("Question: How tall is the Burj Khalifa?");
    expect(stdout).toMatch(/"landmark":"Burj Khalifa","city":"Dubai","heightMetres":828/);
  });
});

describe("baton --version and help", { timeout: 90_000 }, () => {
  it("prints the package's version", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    const { code, stdout } = await runBaton(["--version"], { cwd: workspace.dir });
    expect(code).toBe(0);
    expect(stdout).toBe(`${manifest.version}\n`);
  });

  it("exits 2 on an unknown command, naming it", async () => {
    const { code, stderr } = await runBaton(["deploy"], { cwd: workspace.dir });
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'deploy'");
  });
});
