import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatonEvent } from "../core/events.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { buildWorkflow } from "./build-workflow.js";
import { loadSpec } from "./load-spec.js";
import { SpecError } from "./spec-error.js";

const example = fileURLToPath(new URL("../../examples/research-pipeline.yaml", import.meta.url));

describe("loadSpec", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "baton-spec-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("loads examples/research-pipeline.yaml, which runs offline on simulated models", async () => {
    const spec = await loadSpec(example);
    expect(spec.name).toBe("research-pipeline");
    const flow = buildWorkflow(spec, { env: {} });

    for (const [depth, skipped] of [
      ["brief", ["deep-dive", "revise"]],
      ["thorough", ["publish"]],
    ] as const) {
      const run = flow.start({ depth }, { ids: sequentialIdGenerator() });
      const events: BatonEvent[] = [];
      for await (const event of run.events) events.push(event);
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      const skips = events.flatMap((event) => (event.type === "step-skip" ? [event.stepId] : []));
      expect(skips.sort()).toEqual([...skipped].sort());
      expect(result.cost.totalCents).toBe(0);
    }
  });

  it("reads JSON by its extension and names the file in errors", async () => {
    const path = join(directory, "bad.json");
    await writeFile(
      path,
      JSON.stringify({ name: "x", agents: {}, steps: [{ id: "a", agent: "nobody" }] }),
    );
    const error = await loadSpec(path).catch((caught: unknown) => caught);
    expect(SpecError.isInstance(error)).toBe(true);
    expect((error as SpecError).source).toBe(path);
    expect((error as SpecError).issues).toEqual([
      {
        path: "steps[0].agent",
        message: 'unknown agent "nobody" (none are defined)',
        line: 1,
        column: 52,
      },
    ]);
  });

  it("reports a missing file as a SpecError", async () => {
    const path = join(directory, "missing.yaml");
    const error = await loadSpec(path).catch((caught: unknown) => caught);
    expect((error as SpecError).issues).toEqual([
      { path: "", message: "cannot read the spec: no such file" },
    ]);
  });

  it("rejects with CancelledError when its signal has aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadSpec(example, { signal: controller.signal })).rejects.toMatchObject({
      name: "CancelledError",
    });
  });
});
