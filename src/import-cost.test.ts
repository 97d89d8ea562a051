import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * `import "baton-ai"` must stay cheap (target: < 100 ms, < 70 MB): the packages below load only
 * when a program first needs them. A child process imports the source entry with a module
 * hook that records every module resolved, then uses each feature and records again, so the
 * test also shows that the hook sees these packages when they do load.
 */

const entry = new URL("./index.ts", import.meta.url).href;
const modelsEntry = new URL("./models/index.ts", import.meta.url).href;
const specEntry = new URL("./spec/index.ts", import.meta.url).href;
const durableEntry = new URL("./durable/index.ts", import.meta.url).href;
const viewsEntry = new URL("./views/index.ts", import.meta.url).href;
const telemetryEntry = new URL("./telemetry/index.ts", import.meta.url).href;
const dashboardEntry = new URL("./dashboard/index.ts", import.meta.url).href;
const root = fileURLToPath(new URL("..", import.meta.url));

const hook = `
import { registerHooks } from "node:module";
globalThis.__resolved = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    globalThis.__resolved.add(result.url);
    return result;
  },
});
`;

const script = `
const snapshot = () => [...globalThis.__resolved];
const baton = await import(${JSON.stringify(entry)});
const afterImport = snapshot();
const models = await import(${JSON.stringify(modelsEntry)});
const spec = await import(${JSON.stringify(specEntry)});
const durable = await import(${JSON.stringify(durableEntry)});

const env = {
  OPENAI_API_KEY: "k",
  ANTHROPIC_API_KEY: "k",
  GOOGLE_GENERATIVE_AI_API_KEY: "k",
  OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:1/v1",
};
for (const model of ["openai:m", "anthropic:m", "google:m", "openai-compatible:m"])
  await models.resolveModel(model, { env }).model.supportedUrls;
const usage = { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 2 };
models.priceModelCall({ provider: "openai", modelId: "gpt-4o-mini", usage });
spec.parseSpec("name: x\\nagents: { a: { model: 'simulated:a' } }\\nsteps: [{ id: s, agent: a }]");
await baton.agent({ name: "a", model: "simulated:a" }).run("Hello");
// Nothing listens on port 1: the store loads its driver, then the connection is refused.
await durable.openStoreLocation("postgres://baton@127.0.0.1:1/baton").catch(() => {});
const { telemetry } = await import(${JSON.stringify(telemetryEntry)});
await baton.workflow("w").step("s", async () => 1).start(undefined, { telemetry: telemetry() }).result;
const { dashboard } = await import(${JSON.stringify(dashboardEntry)});
await (await dashboard({ store: "memory:" })).close();
const afterUse = snapshot();

// Reports: Markdown needs no PDF library; a PDF loads pdfkit then.
const views = await import(${JSON.stringify(viewsEntry)});
const run = baton.workflow("w").step("s", async () => 1).start(null);
await run.result;
await views.report(run.events);
const afterMarkdown = snapshot();
await views.report(run.events, { format: "pdf" });
const afterPdf = snapshot();

console.log(JSON.stringify({ afterImport, afterUse, afterMarkdown, afterPdf }));
`;

/** Packages, by the folder under node_modules, that `import "baton-ai"` must not load. */
const heavy = {
  "model providers": [
    "@ai-sdk/openai",
    "@ai-sdk/anthropic",
    "@ai-sdk/google",
    "@ai-sdk/openai-compatible",
  ],
  "tokenizer and price table": ["gpt-tokenizer", "@pydantic/genai-prices"],
  "AI SDK, zod and the YAML parser": ["ai", "@ai-sdk/provider-utils", "zod", "yaml"],
  "the PostgreSQL driver": ["postgres"],
  "OpenTelemetry API (baton-ai/telemetry)": ["@opentelemetry/api"],
  "the dashboard's web server": ["hono", "@hono/node-server"],
};

function packagesIn(urls: string[]): Set<string> {
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

describe('import "baton"', () => {
  let afterImport: Set<string>;
  let afterUse: Set<string>;
  let afterMarkdown: Set<string>;
  let afterPdf: Set<string>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        `data:text/javascript,${encodeURIComponent(hook)}`,
        "--input-type=module",
        "--eval",
        script,
      ],
      { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: "1" }, timeout: 60_000 },
    );
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      afterImport: string[];
      afterUse: string[];
      afterMarkdown: string[];
      afterPdf: string[];
    };
    afterImport = packagesIn(report.afterImport);
    afterUse = packagesIn(report.afterUse);
    afterMarkdown = packagesIn(report.afterMarkdown);
    afterPdf = packagesIn(report.afterPdf);
  }, 60_000);

  for (const [what, packages] of Object.entries(heavy)) {
    it(`loads no ${what} until a program uses them`, () => {
      expect(packages.filter((name) => afterImport.has(name))).toEqual([]);
      expect(packages.filter((name) => !afterUse.has(name))).toEqual([]);
    });
  }

  it("loads no PDF library until a report is asked for as a PDF", () => {
    expect(afterImport.has("pdfkit")).toBe(false);
    expect(afterMarkdown.has("pdfkit")).toBe(false);
    expect(afterPdf.has("pdfkit")).toBe(true);
  });
});
