import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/stores/sqlite/index.js";
import { report } from "../../src/views/index.js";
import { pdfInfo, pdfText, popplerSkipReason } from "../support/poppler.js";
import { runBaton, tempWorkspace } from "./cli-harness.js";

const SUPPORT_ROUTING = fileURLToPath(
  new URL("../../examples/support-routing.yaml", import.meta.url),
);

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
let runId: string;

beforeAll(async () => {
  workspace = await tempWorkspace();
  const run = await runBaton(["run", SUPPORT_ROUTING, "--json"], { cwd: workspace.dir });
  expect(run.code).toBe(0);
  runId = JSON.parse(run.stdout).runId;
});
afterAll(async () => {
  await workspace.remove();
});

describe("baton report", { timeout: 60_000 }, () => {
  it("prints the run's Markdown report on stdout, the one report() writes", async () => {
    const { code, stdout, stderr } = await runBaton(["report", runId], { cwd: workspace.dir });
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const store = new SqliteStore({
      path: join(workspace.dir, ".baton", "baton.db"),
      readOnly: true,
    });
    try {
      expect(stdout).toBe(await report({ store, runId }));
    } finally {
      await store.close();
    }
    expect(stdout.startsWith("# Run report: support-routing\n")).toBe(true);
    expect(stdout).toContain(`- **Run:** ${runId}\n`);
    for (const heading of ["Agents", "Flowchart", "Tool trace", "Usage", "Cost", "Errors"]) {
      expect(stdout).toContain(`\n## ${heading}\n`);
    }
    expect(stdout).toContain("### triage (agent)");
  });

  it("writes --out, with the format its extension names, and says what it wrote on stderr", async () => {
    const markdown = await runBaton(
      ["report", runId, "--out", "run.md", "--title", "Ticket 4411"],
      {
        cwd: workspace.dir,
      },
    );
    expect(markdown).toMatchObject({ code: 0, stdout: "" });
    const text = await readFile(join(workspace.dir, "run.md"), "utf8");
    expect(text.startsWith("# Ticket 4411\n")).toBe(true);
    expect(markdown.stderr).toBe(
      `Wrote run.md (Markdown, ${Buffer.byteLength(text).toLocaleString("en-US")} bytes)\n`,
    );

    const pdf = await runBaton(["report", runId, "--out", "run.pdf"], { cwd: workspace.dir });
    expect(pdf.code).toBe(0);
    const bytes = await readFile(join(workspace.dir, "run.pdf"));
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.stderr).toMatch(
      new RegExp(
        `^Wrote run\\.pdf \\(PDF, \\d+ pages?, ${bytes.byteLength.toLocaleString("en-US")} bytes\\)\\n$`,
      ),
    );
    if (popplerSkipReason() === undefined) {
      expect(pdf.stderr).toContain(`PDF, ${pdfInfo(bytes).Pages} page`);
      expect(pdfText(bytes)).toMatch(/^Run report: support-routing$/m);
    }
  });

  it("writes a PDF to <runId>.pdf when no --out is given", async () => {
    const { code, stderr } = await runBaton(["report", runId, "--format", "pdf"], {
      cwd: workspace.dir,
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(new RegExp(`^Wrote ${runId}\\.pdf \\(PDF, `));
    const bytes = await readFile(join(workspace.dir, `${runId}.pdf`));
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });

  it("exits 2 for an unknown format, an unknown run, or a file it cannot write", async () => {
    const format = await runBaton(["report", runId, "--format", "docx"], { cwd: workspace.dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("Allowed choices are md, pdf");

    const unknown = await runBaton(["report", "run_nope"], { cwd: workspace.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^baton: Unknown run "run_nope" in .*\(recent runs: run_/);

    const folder = await runBaton(["report", runId, "--out", "missing/dir/run.md"], {
      cwd: workspace.dir,
    });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(
      /^baton: Cannot write the report to missing\/dir\/run\.md: ENOENT/,
    );
  });
});
