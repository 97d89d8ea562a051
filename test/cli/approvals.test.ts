import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBaton, tempWorkspace } from "./cli-harness.js";

let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeEach(async () => {
  workspace = await tempWorkspace();
  await workspace.write(
    "publish.yaml",
    // The tools section makes resume rebuild the tools from what the run stored: without
    // them the stored spec (whose writer lists calculator) would not build.
    `name: publish
tools: { calculator: true }
agents:
  writer: { model: simulated:writer, tools: [calculator] }
  editor: { model: simulated:editor }
inputs: { topic: { type: string, default: tides } }
steps:
  - id: draft
    agent: writer
    input: "Write about {{input.topic}}."
  - id: publish
    agent: editor
    dependsOn: draft
    approval: { message: "Publish the report on {{input.topic}}?" }
    input: "Format: {{steps.draft.text}}"
`,
  );
});
afterEach(async () => {
  await workspace.remove();
});

const cli = (...args: string[]) => runBaton(args, { cwd: workspace.dir });

async function waitingRun(): Promise<{ runId: string; draftEnd: string }> {
  const { code, stdout, stderr } = await cli(
    "run",
    "publish.yaml",
    "--json",
    "--input",
    "topic=waves",
  );
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({
    status: "waiting",
    waitReason: "approval",
    waitingFor: [{ stepId: "publish", message: "Publish the report on waves?" }],
  });
  expect(
    report.steps.map((step: { id: string; status: string }) => [step.id, step.status]),
  ).toEqual([
    ["draft", "succeeded"],
    ["publish", "waiting"],
  ]);
  // With --json the hint goes to stderr, so stdout stays one JSON object.
  expect(stderr).toContain(`Run ${report.runId} is waiting (approval).`);
  expect(stderr).toContain(`approve: baton approve ${report.runId} publish --comment "..."`);
  expect(stderr).toContain(`Then continue it: baton resume ${report.runId}`);
  return { runId: report.runId, draftEnd: report.steps[0].end };
}

describe("baton approve / reject / resume", { timeout: 90_000 }, () => {
  it("approves a waiting step, then resume runs it without running the rest again", async () => {
    const { runId, draftEnd } = await waitingRun();

    const listed = await cli("approvals", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { runId, workflow: "publish", stepId: "publish", message: "Publish the report on waves?" },
    ]);
    const table = await cli("approvals");
    expect(table.stdout).toMatch(new RegExp(`${runId}\\s+publish\\s+publish`));

    const approved = await cli("approve", runId, "publish", "--comment", "ship it");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe(
      `Approved step publish of run ${runId}: ship it\nContinue the run: baton resume ${runId}\n`,
    );

    expect((await cli("approvals", "--json")).stdout).toBe("[]\n");

    const resumed = await cli("resume", runId, "--json");
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe("succeeded");
    expect(report.output).toContain("[simulated:editor]");
    const [draft, publish] = report.steps;
    expect(draft).toMatchObject({ id: "draft", status: "succeeded", attempts: 1, end: draftEnd });
    expect(publish).toMatchObject({ id: "publish", status: "succeeded", attempts: 1 });

    const trace = await cli("show", runId, "--trace");
    expect(trace.stdout).toMatch(
      /✓ step publish .*\n {3}├─ approval requested: Publish the report on waves\?\n {3}└─ approved: ship it\n/,
    );
    expect(trace.stdout).toMatch(/^├─ waited \(approval\)\n├─ resumed\n/m);
    const runs = await cli("runs", "--json");
    expect(JSON.parse(runs.stdout)[0]).toMatchObject({ id: runId, status: "succeeded" });

    // Resuming a run that has ended changes nothing.
    const again = await cli("resume", runId, "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).steps).toEqual(report.steps);
  });

  it("rejects a waiting step: resuming fails it, and the run exits 1", async () => {
    const { runId } = await waitingRun();

    const rejected = await cli("reject", runId, "publish", "--comment", "not before Monday");
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain(`Rejected step publish of run ${runId}: not before Monday`);

    const resumed = await cli("resume", runId);
    expect(resumed.code).toBe(1);
    expect(resumed.stdout).toMatch(/✗ publish\s+failed/);
    expect(resumed.stderr).toMatch(
      new RegExp(
        `Run ${runId} failed: .*not before Monday|Run ${runId} failed: ApprovalRejectedError`,
      ),
    );
  });

  it("exits 2 for a decision nothing waits for, an unknown run, or resuming an unknown run", async () => {
    const { runId } = await waitingRun();

    const wrongStep = await cli("approve", runId, "draft");
    expect(wrongStep.code).toBe(2);
    expect(wrongStep.stderr).toContain("publish"); // says what the run does wait for

    const unknownRun = await cli("approve", "run_nope", "publish");
    expect(unknownRun.code).toBe(2);
    expect(unknownRun.stderr).toContain("run_nope");

    const unknownResume = await cli("resume", "run_nope");
    expect(unknownResume.code).toBe(2);
    expect(unknownResume.stderr).toContain('Unknown run "run_nope"');

    const twice = await cli("approve", runId, "publish");
    expect(twice.code).toBe(0);
    const thrice = await cli("reject", runId, "publish");
    expect(thrice.code).toBe(2);
  });
});
