import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { harness } from "../test-support/harness.js";
import { isSecretKey, redactEventField, redactSecrets, redactText } from "./redact-secrets.js";

describe("redactSecrets", () => {
  it("replaces the values of secret-named keys, however they are spelled", () => {
    expect(
      redactSecrets({
        apiKey: "abc",
        api_key: "abc",
        "X-Api-Key": "abc",
        Authorization: "Basic abc",
        clientSecret: "abc",
        accessToken: "abc",
        password: "abc",
        nested: [{ refresh_token: 42 }],
        keep: "abc",
      }),
    ).toEqual({
      apiKey: "[REDACTED]",
      api_key: "[REDACTED]",
      "X-Api-Key": "[REDACTED]",
      Authorization: "[REDACTED]",
      clientSecret: "[REDACTED]",
      accessToken: "[REDACTED]",
      password: "[REDACTED]",
      nested: [{ refresh_token: "[REDACTED]" }],
      keep: "abc",
    });
  });

  it("leaves usage counts and empty or boolean flags alone", () => {
    const usage = { inputTokens: 3, outputTokens: 4, totalTokens: 7, maxTokens: 9 };
    expect(redactSecrets(usage)).toBe(usage);
    expect(redactSecrets({ token: "", secret: false, password: null })).toEqual({
      token: "",
      secret: false,
      password: null,
    });
    expect(isSecretKey("inputTokens")).toBe(false);
    expect(isSecretKey("sessionToken")).toBe(true);
  });

  it("finds API keys and bearer tokens inside any string", () => {
    expect(redactText("Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Try again.")).toBe(
      "Incorrect API key provided: [REDACTED]. Try again.",
    );
    expect(redactText("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc")).toBe(
      "Authorization: [REDACTED]",
    );
    expect(redactText("google AIzaSyA1234567890abcdefghijklmnopqrstu ok")).toBe(
      "google [REDACTED] ok",
    );
    expect(redactText("gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 x")).toBe("gh [REDACTED] x");
    expect(redactText("aws AKIAIOSFODNN7EXAMPLE")).toBe("aws [REDACTED]");
    expect(redactText("a task-list of ordinary words")).toBe("a task-list of ordinary words");
  });

  it("returns the same object when nothing is secret, and never changes its input", () => {
    const clean = { a: [1, "two", { b: "three" }], c: new Date(0) };
    expect(redactSecrets(clean)).toBe(clean);
    const dirty = { list: ["ok", "sk-abcdefghijklmnopqrstuv"], other: { x: 1 } };
    const copy = redactSecrets(dirty);
    expect(copy).toEqual({ list: ["ok", "[REDACTED]"], other: { x: 1 } });
    expect(copy.other).toBe(dirty.other);
    expect(dirty.list[1]).toBe("sk-abcdefghijklmnopqrstuv");
  });

  it("trusts a frozen object only when nothing inside it can change later", () => {
    const inner = { note: "fine" };
    const shallow = Object.freeze({ inner });
    expect(redactSecrets(shallow)).toBe(shallow);
    inner.note = "key sk-abcdefghijklmnopqrstuvwx";
    expect(redactSecrets(shallow)).toEqual({ inner: { note: "key [REDACTED]" } });
    const deep = Object.freeze({
      usage: Object.freeze({ totalTokens: 0 }),
      list: Object.freeze([]),
    });
    expect(redactSecrets(deep)).toBe(deep);
  });
});

describe("redactEventField", () => {
  it("redacts a field's value exactly as redactSecrets redacts it inside an event", () => {
    const values: unknown[] = [
      { type: "sk-live-0123456789abcdefghij", stepId: "Bearer abcdefabcdef123", n: 1 },
      ["plain", { password: "hunter2" }],
      "key sk-live-0123456789abcdefghij",
      "plain",
      42,
      null,
      undefined,
    ];
    for (const value of values) {
      const event = { type: "step-end", at: 0, runId: "r", stepId: "s", output: value };
      expect(redactEventField(value)).toEqual(redactSecrets(event).output);
    }
    const clean = { text: "nothing secret" };
    expect(redactEventField(clean)).toBe(clean);
  });
});

describe("A run's log", () => {
  it("holds no secret: events and the run record are redacted before they are stored or streamed", async () => {
    const { clock, store, options } = harness();
    const flow = workflow<{ apiKey: string }>("leaky").step("echo", ({ input }) => ({
      header: `Bearer ${input.apiKey}`,
    }));
    const run = flow.start({ apiKey: "sk-live-0123456789abcdefghij" }, options);
    const streamed: unknown[] = [];
    const reading = (async () => {
      for await (const event of run.events) streamed.push(event);
    })();
    await clock.runAll();
    const result = await run.result;
    await reading;
    const text = JSON.stringify([store.events(run.id), [...store.runs.values()], streamed, result]);
    expect(text).not.toContain("0123456789abcdefghij");
    expect(result.output).toEqual({ header: "[REDACTED]" });
    expect(store.runs.get(run.id)?.input).toEqual({ apiKey: "[REDACTED]" });
  });
});
