import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../test/support/run-example.js";

describe("examples/tracing.ts", () => {
  it("prints the run's span tree and the traceparent each model request carried", async () => {
    const { stdout } = await runExample(join(import.meta.dirname, "tracing.ts"));
    expect(stdout).toMatch(/^Run run_\w+: succeeded$/m);
    const tree = stdout
      .split("\n")
      .filter((line) => line.startsWith("  ") && !line.includes("traceparent"))
      .map((line) => line.replace(/ {2}\(.*\)$/, ""));
    expect(tree).toEqual([
      "  invoke_workflow brief",
      "    step outline",
      "    step outline",
      "    step research",
      "      invoke_workflow research",
      "        step ask",
      "          invoke_agent researcher",
      "            chat fast-model",
      "            chat fast-model",
      "            execute_tool lookup",
      "            chat fast-model",
      "    step write",
      "      invoke_agent writer",
      "        chat big-model",
      "        chat small-model",
    ]);
    expect(stdout).toMatch(
      /^ {2}invoke_workflow brief {2}\(34 in \/ 28 out tokens, 2\.690¢, baton\.step\.retry\)$/m,
    );
    expect(stdout).toMatch(/^ {10}invoke_agent researcher .*baton\.model_call\.retry\)$/m);
    expect(stdout).toMatch(/^ {6}invoke_agent writer .*baton\.model_call\.fallback\)$/m);
    // Every request the model API received names its own chat span, in one trace.
    const traceId = /^Trace (\w{32}) /m.exec(stdout)?.[1];
    const received = stdout.split("\n").filter((line) => line.includes("traceparent"));
    expect(
      received.map((line) => line.replace(/ {2}\(.*\)$/, "").replace(/-\w{16}-/, "-<span>-")),
    ).toEqual([
      `  fast-model: traceparent 00-${traceId}-<span>-01 -> chat fast-model`,
      `  fast-model: traceparent 00-${traceId}-<span>-01 -> chat fast-model`,
      `  fast-model: traceparent 00-${traceId}-<span>-01 -> chat fast-model`,
      `  big-model: traceparent 00-${traceId}-<span>-01 -> chat big-model`,
      `  small-model: traceparent 00-${traceId}-<span>-01 -> chat small-model`,
    ]);
    expect(new Set(received.map((line) => /-(\w{16})-01/.exec(line)?.[1])).size).toBe(5);
  });
});
