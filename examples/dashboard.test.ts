import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/dashboard.ts", () => {
  it("serves a finished run's store on 127.0.0.1 with a token, reads its runs back, and exits", async () => {
    // What `--exit` does: close after printing the URL instead of serving until Ctrl-C.
    vi.stubEnv("BATON_EXAMPLE_EXIT", "1");
    const { stdout, stderr } = await runExample(join(import.meta.dirname, "dashboard.ts"));
    const runId = /^Run (run_\w+): succeeded$/m.exec(stdout)?.[1];
    expect(runId, stdout).toBeDefined();
    expect(stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/m);
    expect(stdout).toMatch(
      new RegExp(`^ {2}${runId} review succeeded: [1-9]\\d* tokens, \\d+\\.\\d{4}¢$`, "m"),
    );
    expect(stdout).toMatch(/^Without the token: 401$/m);
    expect(stdout).toMatch(/^Dashboard closed$/m);
    expect(stderr).toBe("");
  });
});
