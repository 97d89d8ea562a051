import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/durable-approval.ts", () => {
  it("stops at both approvals, then finishes after approve and resume, each side effect once", async () => {
    const { stdout } = await runExample(join(import.meta.dirname, "durable-approval.ts"));
    expect(stdout).toMatch(/Run run_\w+: waiting \(approval\)/);
    expect(stdout).toContain("changelog: succeeded (other branches went on)");
    expect(stdout).toContain(
      'waiting: step "newsletter": Email 12,000 subscribers about Baton 1.0?',
    );
    expect(stdout).toMatch(/waiting: step "post" tool publishPost: Publish \{"title":/);
    expect(stdout).toMatch(/Run run_\w+: succeeded/);
    expect(stdout).toContain("Posts published: 1; newsletters sent: 1");
  });
});
