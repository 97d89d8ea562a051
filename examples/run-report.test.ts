import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/run-report.ts", () => {
  it("writes a run's report as Markdown and as a PDF, its totals counting the paid search", async () => {
    const { stdout, stderr } = await runExample(join(import.meta.dirname, "run-report.ts"));
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^document-generation-end: pdf, \d+ pages, \d+ bytes$/m);
    expect(stdout).toContain("# Tides in Scotland: the brief's run\n\n## Summary\n");
    expect(stdout).toContain("- **Tool calls:** 1 (1 ✓, 0 ✗)");
    expect(stdout).toMatch(/^- \*\*Cost:\*\* 0\.5\d{3}¢ = 0\.0\d{3}¢ models \+ 0\.5000¢ tools$/m);
    expect(stdout).toContain("### researcher (agent)");
    expect(stdout).toContain("### writer (agent)");

    const written = /^Wrote (\S+report\.md) and (\S+report\.pdf)$/m.exec(stdout);
    expect(written).not.toBeNull();
    const [, markdownPath, pdfPath] = written!;
    try {
      const markdown = await readFile(markdownPath!, "utf8");
      expect(markdown).toContain("## Flowchart");
      expect(markdown).toContain("## Errors\n\nNone.\n");
      expect((await readFile(pdfPath!)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    } finally {
      await rm(dirname(markdownPath!), { recursive: true, force: true });
    }
  });
});
