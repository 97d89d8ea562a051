import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { agent } from "./agent.js";
import { providerUsage, textReply } from "./test-support.js";

/** A store whose appends are stored only when the test lets them through. */
class SlowStore extends MemoryStore {
  readonly held: Array<() => void> = [];
  override async append(
    runId: string,
    events: readonly LoggedEvent[],
    options?: { owner?: string },
  ): Promise<number[]> {
    await new Promise<void>((resolve) => this.held.push(resolve));
    return super.append(runId, events, options);
  }
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

describe("A model call in a run", () => {
  it("is made only once its model-call-start (with its reservation) is stored, and its end records the provider's response id", async () => {
    const store = new SlowStore();
    const seen: string[][] = [];
    const model = new MockLanguageModelV4({
      provider: "test",
      modelId: "logged",
      doGenerate: async () => {
        const log = await store.readLog(run.id);
        seen.push(log.map((event) => event.type));
        return { ...textReply("hi", providerUsage(3, 1)), response: { id: "resp-42" } };
      },
    });
    const run = workflow<string>("one")
      .step("ask", agent({ name: "asker", model }))
      .start("go", { store });
    const releasing = setInterval(() => store.release(), 1);
    const result = await run.result;
    clearInterval(releasing);

    expect(result.status).toBe("succeeded");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("model-call-start");
    const log = await store.readLog(run.id);
    const start = log.find((event) => event.type === "model-call-start");
    // What the call may cost, should its reply never reach the log: prompt plus output cap.
    expect(start?.reservation).toMatchObject({ tokens: expect.any(Number) });
    expect((start!.reservation as { tokens: number }).tokens).toBeGreaterThan(4096);
    expect(log.find((event) => event.type === "model-call-end")).toMatchObject({
      responseId: "resp-42",
    });
  });
});
