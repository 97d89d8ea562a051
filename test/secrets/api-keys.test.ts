/**
 * API keys Baton reads (from the environment, from a spec's `apiKeyEnv`, from
 * `modelOptions.apiKey`) never reach the store, the event stream or the CLI's output, even
 * when the provider quotes the key back in its error message, and whatever the key's shape.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AgentStream, agent } from "../../src/agents/agent.js";
import type { CliContext } from "../../src/cli/cli-context.js";
import { runCli } from "../../src/cli/run-cli.js";
import { sequentialIdGenerator } from "../../src/core/ports/id-generator.js";
import { workflow } from "../../src/runtime/workflow.js";
import {
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../../src/testing/fake-openai-server.js";
import { occurrences as count, databaseBytes } from "../support/occurrences.js";

const key = "sk-test-SECRET123";
const oddKey = "local-7f3a9c2e";

/** A provider that refuses the key, quoting it as OpenAI does. */
function refuseKey(server: FakeOpenAIServer): void {
  server.enqueue(...Array.from({ length: 20 }, () => refusal));
}
const refusal = (request: { headers: Record<string, string> }) => ({
  fault: "server-error" as const,
  status: 401,
  message: `Incorrect API key provided: ${(request.headers.authorization ?? "").replace(/^Bearer /, "")}. You can find your API key at https://platform.openai.com/account/api-keys.`,
});

describe("API keys Baton reads", () => {
  let server: FakeOpenAIServer;
  let cwd: string;
  let context: CliContext;
  /** Everything the CLI wrote, to stdout and stderr alike. */
  let output = "";

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    refuseKey(server);
    cwd = await mkdtemp(join(tmpdir(), "baton-keys-"));
    output = "";
    const collect = { write: (chunk: string) => (output += chunk) };
    context = {
      stdout: collect,
      stderr: collect,
      env: {},
      cwd,
      ids: sequentialIdGenerator(),
    };
  });
  afterEach(async () => {
    await server.close();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Runs the spec through the CLI, then shows the run every way; resolves all the output. */
  async function runAndShow(secret: string, spec: string): Promise<string> {
    await writeFile(join(cwd, "spec.yaml"), spec);
    const code = await runCli(["run", "spec.yaml", "--store", "runs.db"], context);
    expect(code).not.toBe(0);
    await runCli(["run", "spec.yaml", "--store", "runs.db", "--json"], context);
    for (const view of ["--json", "--trace", "--flowchart"]) {
      await runCli(["show", "run_1", "--store", "runs.db", view], context);
    }
    // The key was really sent, and really quoted back.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    return output;
  }

  const agents = (model: string) =>
    `agents: { asker: { model: "${model}", retry: 1 } }\nsteps: [{ id: ask, agent: asker, input: Hello }]\n`;

  // An OpenAI-style key the old pattern missed, and one no pattern can know.
  describe.each([key, oddKey])("with the key %s", (secret) => {
    it("keeps a key read from OPENAI_API_KEY out of the store and the CLI's output", async () => {
      context.env.OPENAI_API_KEY = secret;
      const output = await runAndShow(
        secret,
        `name: keys\nproviders: { openai: { baseURL: "${server.baseURL}" } }\n${agents("openai:gpt-4o-mini")}`,
      );
      expect(output).toContain("Incorrect API key provided");
      expect(count(output, secret)).toBe(0);
      expect(count(databaseBytes(join(cwd, "runs.db")), secret)).toBe(0);
    });

    it("keeps a key read through a spec's apiKeyEnv out of the store and the CLI's output", async () => {
      context.env.LOCAL_MODEL_KEY = secret;
      const output = await runAndShow(
        secret,
        `name: keys\nproviders: { local: { type: openai-compatible, baseURL: "${server.baseURL}", apiKeyEnv: LOCAL_MODEL_KEY } }\n${agents("local:test-model")}`,
      );
      expect(output).toContain("Incorrect API key provided");
      expect(count(output, secret)).toBe(0);
      expect(count(databaseBytes(join(cwd, "runs.db")), secret)).toBe(0);
    });

    it.each([
      ["modelOptions.apiKey", (baseURL: string) => ({ baseURL, apiKey: secret, env: {} })],
      [
        "the environment",
        (baseURL: string) => ({ baseURL, env: { OPENAI_COMPATIBLE_API_KEY: secret } }),
      ],
    ])("keeps a key read from %s out of the event stream and every error", async (_, options) => {
      const asker = agent({
        name: "asker",
        model: "openai-compatible:test-model",
        modelOptions: options(server.baseURL),
        retry: { maxAttempts: 1 },
      });
      const flow = workflow("keys").step("ask", asker, { input: () => "Hello" });
      const run = flow.start({});
      const events: unknown[] = [];
      for await (const event of run.events) events.push(event);
      const result = await run.result.catch((error: unknown) => error);
      const thrown = await asker.run("Hello").catch((error: unknown) => error);
      const streamed = await collectStream(asker.stream("Hello"));

      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
      const seen = [events, result, thrown, streamed].map(describeDeep).join("\n");
      expect(seen).toContain("Incorrect API key provided");
      expect(count(seen, secret)).toBe(0);
    });

    it("keeps the key out of every run's log once a model was resolved with it", async () => {
      // A key no other test has used, so nothing but this agent's model makes it known.
      const fresh = `${secret}-leak`;
      agent({
        name: "asker",
        model: "openai-compatible:test-model",
        modelOptions: { baseURL: server.baseURL, apiKey: fresh, env: {} },
      });
      // A step that hands the key on, as a tool or a careless function might.
      const flow = workflow("keys").step("leak", () => ({ note: `the key is ${fresh}` }));
      const run = flow.start({});
      const events: unknown[] = [];
      for await (const event of run.events) events.push(event);
      const result = await run.result;
      expect(result.output).toEqual({ note: "the key is [REDACTED]" });
      expect(count(describeDeep([events, result]), fresh)).toBe(0);
    });
  });
});

/** Everything an agent's stream yields: its events, its text, and what it ends with. */
async function collectStream(stream: AgentStream): Promise<unknown[]> {
  const parts: unknown[] = [];
  const drain = async (iterable: AsyncIterable<unknown>) => {
    try {
      for await (const part of iterable) parts.push(part);
    } catch (error) {
      parts.push(error);
    }
  };
  await Promise.all([drain(stream.events), drain(stream.textStream)]);
  parts.push(await stream.result.catch((error: unknown) => error));
  return parts;
}

/** JSON of a value with every error's message, cause and fields spelled out. */
function describeDeep(value: unknown): string {
  const seen = new Set<unknown>();
  return JSON.stringify(value, function replace(_key, item: unknown) {
    if (typeof item === "object" && item !== null) {
      if (seen.has(item)) return "[seen]";
      seen.add(item);
    }
    if (item instanceof Error) {
      return {
        ...Object.fromEntries(Object.entries(item)),
        name: item.name,
        message: item.message,
        stack: item.stack,
        cause: item.cause,
      };
    }
    return item;
  });
}
