import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("examples/demo.ts", () => {
  it("answers offline with the tool, then prints the tool calls and a cost table", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "examples/demo.ts"], {
      env: { ...process.env, OPENAI_API_KEY: "" },
    });
    expect(stdout).toContain("Model: simulated:guide");
    expect(stdout).toMatch(/Answer: .*Eiffel Tower/);
    expect(stdout).toMatch(
      /lookup\(\{"landmark":"[^"]+"\}\) -> \{"landmark":"Eiffel Tower","city":"Paris"/,
    );
    expect(stdout).toMatch(/#1 step\s+simulated:guide\s+1\s+\d+\s+\d+/);
    expect(stdout).toMatch(/#2 step\s+simulated:guide/);
    expect(stdout).toMatch(/total\s+\d+\s+\d+\s+\d+\.\d{4}¢/);
    expect(stdout).toMatch(/Cost: \d+\.\d{4}¢ for the model \+ 0\.0100¢ for tools = \d+\.\d{4}¢/);
  });
});
