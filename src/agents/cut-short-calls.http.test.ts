import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/index.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { type AgentOptions, agent } from "./index.js";

// Model calls that Baton cuts short (a per-call timeout, a cancelled run), on the real
// openai-compatible provider over HTTP: a call whose reply arrived is billed whatever
// happens next; one cut short before its reply is reported apart, as possibly billed.

const prices = {
  "openai-compatible:main-model": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
};

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function waitForAbort(signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal || signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function httpAgent(options: Partial<AgentOptions> = {}) {
  return agent({
    name: "http-agent",
    model: "openai-compatible:main-model",
    modelOptions: { baseURL: server.baseURL, env: {} },
    retry: 1,
    prices,
    ...options,
  });
}

async function runStep(options: Partial<AgentOptions>) {
  const store = new MemoryStore();
  const run = workflow("w").step("ask", httpAgent(options)).start("Hello?", { store });
  const result = await run.result;
  return { result, log: await store.readLog(run.id) };
}

describe("Model calls cut short (fake OpenAI-compatible server)", () => {
  it("bills a call whose reply arrived as its timeout fired", async () => {
    server.enqueue({ text: "Hi there.", usage: { promptTokens: 31, completionTokens: 37 } });
    // The whole reply is in, and the call's timeout fires before the provider has parsed it
    // (as on a saturated CPU).
    const lateParse: typeof fetch = async (url, init) => {
      const { signal: _signal, ...rest } = init ?? {};
      const response = await fetch(url, rest);
      const body = await response.text();
      await waitForAbort(init?.signal);
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const { result, log } = await runStep({
      timeout: { callMs: 50 },
      modelOptions: { baseURL: server.baseURL, env: {}, fetch: lateParse },
    });

    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ name: "TimeoutError" });
    expect(server.usageTotals()).toMatchObject({ inputTokens: 31, outputTokens: 37 });
    expect(result.usage).toMatchObject({ inputTokens: 31, outputTokens: 37, totalTokens: 68 });
    expect(result.usage.possiblyBilledTokens).toBeUndefined();
    expect(result.cost.totalCents).toBeCloseTo((31 * 10_000 + 37 * 20_000) / 10_000, 9);
    expect(log.find((event) => event.type === "model-call-error")).toMatchObject({
      error: { name: "TimeoutError" },
      usage: { inputTokens: 31, outputTokens: 37 },
    });
  });

  it("reports a call cut short before its reply as possibly billed, at its reservation", async () => {
    server.enqueue({ fault: "hang" });
    const { result, log } = await runStep({ timeout: { callMs: 50 }, maxOutputTokens: 100 });

    expect(result.status).toBe("failed");
    expect(server.usageTotals().totalTokens).toBe(0);
    expect(result.usage.totalTokens).toBe(0);
    expect(result.cost.totalCents).toBe(0);
    // Its reservation: the prompt's tokens (gpt-tokenizer, plus 4 per message) and its cap.
    const reserved = 4 + 2 + 100;
    expect(result.usage.possiblyBilledTokens).toBe(reserved);
    expect(result.cost.possiblyBilledCents).toBeCloseTo((6 * 10_000 + 100 * 20_000) / 10_000, 9);
    expect(log.find((event) => event.type === "model-call-error")).toMatchObject({
      error: { name: "TimeoutError" },
      usage: { totalTokens: 0, possiblyBilledTokens: reserved },
    });
  });

  it("bills the reply of a call whose run was cancelled as it arrived", async () => {
    server.enqueue({ text: "Hi there.", usage: { promptTokens: 31, completionTokens: 37 } });
    let cancel: () => void = () => {};
    // The reply is in; the run is cancelled before the provider has parsed it.
    const cancelOnReply: typeof fetch = async (url, init) => {
      const { signal: _signal, ...rest } = init ?? {};
      const response = await fetch(url, rest);
      const body = await response.text();
      cancel();
      await waitForAbort(init?.signal);
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const store = new MemoryStore();
    const run = workflow("w")
      .step(
        "ask",
        httpAgent({ modelOptions: { baseURL: server.baseURL, env: {}, fetch: cancelOnReply } }),
      )
      .start("Hello?", { store });
    cancel = () => run.cancel("enough");
    const result = await run.result;

    expect(result.status).toBe("cancelled");
    expect(server.usageTotals().totalTokens).toBe(68);
    expect(result.usage).toMatchObject({ inputTokens: 31, outputTokens: 37, totalTokens: 68 });
    expect(result.steps.ask).toMatchObject({ status: "cancelled", usage: { totalTokens: 68 } });
  });

  it("keeps a call that a fail-fast sibling cut short on the books, as possibly billed", async () => {
    let requested!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      requested = resolve;
    });
    server.enqueue(() => {
      requested();
      return { fault: "hang" };
    });
    const store = new MemoryStore();
    const run = workflow("w")
      .step("ask", httpAgent({ maxOutputTokens: 100 }))
      .step("check", async () => {
        await inFlight;
        throw new Error("the check failed");
      })
      .start("Hello?", { store });
    const result = await run.result;

    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ message: "the check failed" });
    expect(server.usageTotals().totalTokens).toBe(0);
    expect(result.steps.ask).toMatchObject({ status: "cancelled" });
    expect(result.usage.totalTokens).toBe(0);
    expect(result.usage.possiblyBilledTokens).toBe(4 + 2 + 100);
    expect(result.cost.possiblyBilledCents).toBeCloseTo((6 * 10_000 + 100 * 20_000) / 10_000, 9);
  });
});
