import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { harness } from "../test-support/harness.js";
import {
  isSecretKey,
  Redactor,
  redactEventField,
  redactSecrets,
  redactText,
  rememberSecretValues,
} from "./redact-secrets.js";

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

  it.each([
    [
      "Incorrect API key provided: sk-test-SECRET123. You can find it",
      "Incorrect API key provided: [REDACTED]. You can find it",
    ],
    ["key sk-abcdefgh here", "key [REDACTED] here"],
    ["key sk-abcdefg here", "key sk-abcdefg here"],
    ["authorization: bearer abc12345", "authorization: [REDACTED]"],
    ["Bearer abcdefghijklmnopqrstuvwxyz", "[REDACTED]"],
    ["bearer instruments and bearer bonds", "bearer instruments and bearer bonds"],
    [
      "Incorrect API key provided: local-7f3a9c2e. You can",
      "Incorrect API key provided: [REDACTED]. You can",
    ],
    [
      '{"error":{"message":"Incorrect API key provided: abc"}}',
      '{"error":{"message":"Incorrect API key provided: [REDACTED]"}}',
    ],
    ["Incorrect API key provided: [REDACTED].", "Incorrect API key provided: [REDACTED]."],
  ])("finds short sk- keys, bearer tokens and the key a refusal quotes: %j", (text, expected) => {
    expect(redactText(text)).toBe(expected);
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

describe("Redactor", () => {
  it("replaces its values wherever they appear, whatever their shape, but not values too short to be keys", () => {
    const redactor = new Redactor(["local-7f3a9c2e", "EMPTY", undefined]);
    expect(redactor.values).toEqual(["local-7f3a9c2e"]);
    expect(redactor.text("local-7f3a9c2e and EMPTY")).toBe("[REDACTED] and EMPTY");
    expect(redactor.text("Authorization: Bearer local-7f3a9c2e")).toBe("Authorization: [REDACTED]");
    const value = { list: ["x", "key=local-7f3a9c2e;"], n: 1 };
    expect(redactor.value(value)).toEqual({ list: ["x", "key=[REDACTED];"], n: 1 });
    expect(value.list[1]).toBe("key=local-7f3a9c2e;");
    expect(new Redactor().text("local-7f3a9c2e")).toBe("local-7f3a9c2e");
  });

  it("replaces a value that contains another one whole", () => {
    const redactor = new Redactor(["abcdefgh", "abcdefgh-ijkl"]);
    expect(redactor.text("abcdefgh-ijkl abcdefgh")).toBe("[REDACTED] [REDACTED]");
  });

  it("scrubs an error in place: message, stack, fields, causes and aggregated errors", () => {
    class ProviderError extends Error {
      statusCode = 401;
      responseBody = '{"message":"bad key local-7f3a9c2e"}';
    }
    const cause = new Error("socket said local-7f3a9c2e") as Error & { cause?: unknown };
    const error = new ProviderError("refused local-7f3a9c2e", { cause });
    cause.cause = error; // a cycle
    const aggregate = new AggregateError([error, new Error("again local-7f3a9c2e")], "all failed");
    const redactor = new Redactor(["local-7f3a9c2e"]);

    expect(redactor.error(aggregate)).toBe(aggregate);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toBe("refused [REDACTED]");
    expect(error.responseBody).toBe('{"message":"bad key [REDACTED]"}');
    expect(error.stack).not.toContain("local-7f3a9c2e");
    expect(cause.message).toBe("socket said [REDACTED]");
    expect(aggregate.errors[1].message).toBe("again [REDACTED]");
    expect(redactor.error({ message: "thrown local-7f3a9c2e" })).toEqual({
      message: "thrown [REDACTED]",
    });
    expect(redactor.error("local-7f3a9c2e")).toBe("[REDACTED]");
  });
});

describe("rememberSecretValues", () => {
  it("makes every later redaction in the process replace the keys it was given", () => {
    const key = "proc-key-9x8y7z";
    expect(redactSecrets({ note: `uses ${key}` })).toEqual({ note: `uses ${key}` });
    rememberSecretValues([key, "short", undefined]);
    expect(redactSecrets({ note: `uses ${key}` })).toEqual({ note: "uses [REDACTED]" });
    expect(redactText(`${key}!`)).toBe("[REDACTED]!");
    expect(redactEventField([key])).toEqual(["[REDACTED]"]);
    expect(redactText("short words")).toBe("short words");
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
