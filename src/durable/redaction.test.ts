import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "../agents/agent.js";
import { workflow } from "../runtime/workflow.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { openDurable } from "./open-durable.js";
import { tempDir } from "./test-support.js";

const apiKey = "sk-proj-Zq8F3kLmN0pQrStUvWxYz1234567890AbCdEf";
const password = "correct-horse-battery-staple";

/** Every byte of the database: the main file and its write-ahead log. */
function databaseBytes(path: string): Buffer {
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}

describe("Secrets in durable runs", () => {
  let server: FakeOpenAIServer | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it("keeps an agent's API key, and secrets in inputs, tool results, outputs and errors, out of the SQLite file", async () => {
    server = await startFakeOpenAIServer();
    // The model calls the tool, then echoes what it got, key included.
    server.enqueue({ toolCalls: [{ name: "lookupAccount", arguments: { user: "ada" } }] });
    server.enqueue((request) => ({
      text: `Done. The tool said: ${JSON.stringify(request.body?.messages?.at(-1)?.content)}. Key ${apiKey}`,
    }));
    const lookupAccount = tool({
      description: "Looks up an account",
      inputSchema: z.object({ user: z.string() }),
      execute: async ({ user }) => ({
        user,
        apiKey,
        note: `use header Authorization: Bearer ${apiKey}`,
      }),
    });
    const assistant = agent({
      name: "assistant",
      model: "openai-compatible:test-model",
      modelOptions: { baseURL: server.baseURL, apiKey, env: {} },
      prices: { "openai-compatible:test-model": { inputPerMillion: 1, outputPerMillion: 1 } },
      tools: { lookupAccount },
    });
    const flow = workflow<{ user: string; credentials: { password: string } }>("support", {
      failureMode: "continue",
    })
      .step("answer", assistant, { input: ({ input }) => `Look up ${input.user}` })
      .step("headers", () => ({ authorization: `Bearer ${apiKey}`, accept: "json" }))
      .step("broken", () => {
        throw new Error(`Incorrect API key provided: ${apiKey}`);
      });

    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "baton.db");
    const durable = await openDurable({ store: path, workflows: { support: flow } });
    const run = durable.start(
      flow,
      { user: "ada", credentials: { password } },
      { metadata: { deployment: "eu", secret: password } },
    );
    const result = await run.result;
    await durable.close();

    // The key was really used: the server saw it, and the model's answer and tool held it.
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(result.steps.answer!.status).toBe("succeeded");
    expect(result.steps.broken!.status).toBe("failed");
    expect(result.steps.headers!.output).toEqual({ authorization: "[REDACTED]", accept: "json" });

    const bytes = databaseBytes(path);
    expect(bytes.includes(apiKey)).toBe(false);
    expect(bytes.includes(apiKey.slice(0, 20))).toBe(false);
    expect(bytes.includes(password)).toBe(false);
    // What was recorded is still there, minus the secrets.
    const store = new SqliteStore({ path, readOnly: true });
    const log = await store.readLog(run.id);
    const toolEnd = log.find((event) => event.type === "tool-call-end");
    expect(toolEnd?.output).toEqual({
      user: "ada",
      apiKey: "[REDACTED]",
      note: "use header Authorization: [REDACTED]",
    });
    expect(log.find((event) => event.type === "model-call-end" && event.response)).toBeDefined();
    expect(log.find((event) => event.type === "step-error")?.error).toMatchObject({
      message: "Incorrect API key provided: [REDACTED]",
    });
    expect((await store.getRun(run.id))?.input).toEqual({
      user: "ada",
      credentials: "[REDACTED]",
    });
    await store.close();
  });

  it("finds a key in the file bytes when one is stored (the check above can fail)", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "raw.db");
    const store = new SqliteStore({ path });
    await store.createRun({ id: "r", workflow: "w", status: "running", createdAt: 0 });
    await store.append("r", [{ type: "custom:raw", at: 0, data: apiKey }]);
    await store.close();
    expect(databaseBytes(path).includes(apiKey)).toBe(true);
  });
});
