import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type OtlpCollector,
  otlpAttributes,
  startOtlpCollector,
} from "../../src/telemetry/test-support.js";
import { startBaton, tempWorkspace } from "./cli-harness.js";

const REGISTER = new URL("../support/otel-register.mjs", import.meta.url).href;

let collector: OtlpCollector;
let workspace: Awaited<ReturnType<typeof tempWorkspace>>;

beforeEach(async () => {
  collector = await startOtlpCollector();
  workspace = await tempWorkspace();
});
afterEach(async () => {
  await collector.close();
  await workspace.remove();
});

describe("baton run with an OpenTelemetry SDK registered in the process", () => {
  it("sends the run's spans to OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    await workspace.write(
      "greet.yaml",
      [
        "name: greet",
        "agents: { greeter: { model: simulated:greeter } }",
        "steps: [{ id: hello, agent: greeter, input: Say hello. }]",
        "",
      ].join("\n"),
    );
    const baton = startBaton(["run", "greet.yaml", "--json"], {
      cwd: workspace.dir,
      env: {
        NODE_OPTIONS: `--import=${REGISTER}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      },
    });
    expect(await baton.exited()).toBe(0);
    const { runId } = JSON.parse(baton.stdout()) as { runId: string };

    const spans = collector.spans();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    expect(
      spans.map((span) => `${span.name} < ${byId.get(span.parentSpanId ?? "")?.name ?? "(root)"}`),
    ).toEqual(
      expect.arrayContaining([
        "invoke_workflow greet < (root)",
        "step hello < invoke_workflow greet",
        "invoke_agent greeter < step hello",
        "chat greeter < invoke_agent greeter",
      ]),
    );
    expect(spans).toHaveLength(4);
    expect(
      otlpAttributes(spans.find((span) => span.name === "invoke_workflow greet")),
    ).toMatchObject({
      "baton.run.id": runId,
      "baton.status": "succeeded",
      "gen_ai.workflow.name": "greet",
    });
    expect(otlpAttributes(spans.find((span) => span.name === "chat greeter"))).toMatchObject({
      "gen_ai.provider.name": "simulated",
      "gen_ai.request.model": "greeter",
    });
  });
});
