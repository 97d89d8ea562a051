/**
 * A newcomer's first hour, replayed: a fresh clone of this repository (its committed HEAD),
 * `npm install` from the registry, `npm run demo`, every README quick start run as the
 * README says (`npx tsx quickstart.ts`), the README's CLI lines, a run from a subdirectory,
 * the built CLI and library on the machine's own older Node, and `npm pack`.
 *
 * It takes a minute or two (the install and the build), so `npm test` skips it; run it with
 * `npm run test:newcomer` (CI does, after `npm test`).
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unsupportedNodeMessage } from "../../src/node-support.js";
import { QUICK_START_OUTPUT, readmeQuickStarts } from "../support/readme-quick-starts.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const enabled = process.env.BATON_FRESH_CLONE === "1";

/**
 * The environment of a newcomer's shell: this one without npm's per-script variables, API
 * keys, Baton settings, and any node_modules/.bin on PATH (so the clone's own Node 24
 * comes only from its npm scripts, as on a fresh machine).
 */
function newcomerEnv(): Record<string, string> {
  const dropped =
    /^(npm_(?!config_registry$)|INIT_CWD$|NODE$|NODE_OPTIONS$|VITEST|BATON_|OPENAI|ANTHROPIC|GOOGLE_GENERATIVE_AI|OLLAMA)/;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !dropped.test(entry[0]),
    ),
  );
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((directory) => !directory.includes("node_modules"))
    .join(delimiter);
  return env;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a shell command line in `cwd` as the newcomer would type it. */
function sh(line: string, cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-c", line],
      { cwd, env: newcomerEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The README's `npm run -s baton -- ...` lines, without their comments. */
function readmeCliLines(readme: string): string[] {
  return [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
    .flatMap((block) => (block[1] ?? "").split("\n"))
    .filter((line) => line.startsWith("npm run -s baton -- "))
    .map((line) => line.replace(/\s+#.*$/, "").trim());
}

let dir: string;
let clone: string;
let installed: Outcome;

describe.runIf(enabled)("A newcomer's first hour, on a fresh clone", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "baton-newcomer-"));
    clone = join(dir, "baton");
    execFileSync("git", ["clone", "--quiet", ROOT, clone]);
    installed = await sh("npm install --no-audit --no-fund", clone);
  }, 600_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("npm install installs and builds the package", () => {
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).not.toMatch(/npm error/);
    for (const entry of ["dist/index.js", "dist/index.d.ts", "dist/cli/main.js"])
      expect(existsSync(join(clone, entry)), entry).toBe(true);
  });

  it("npm run demo answers offline and prints the cost table", async () => {
    const demo = await sh("npm run demo", clone);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/Answer: .*Eiffel Tower.*330/);
    expect(demo.stdout).toMatch(
      /^#1 step\s+simulated:guide\s+1\s+\d+\s+\d+\s+\d+ms\s+\d+\.\d{4}¢$/m,
    );
    expect(demo.stdout).toMatch(/Cost: \d+\.\d{4}¢ for the model/);
  }, 120_000);

  it("every README quick start runs as written: saved as quickstart.ts, npx tsx quickstart.ts", async () => {
    const blocks = await readmeQuickStarts(clone);
    expect(blocks.map((block) => block.heading)).toEqual(Object.keys(QUICK_START_OUTPUT));
    for (const { heading, code } of blocks) {
      await writeFile(join(clone, "quickstart.ts"), code);
      const run = await sh("npx tsx quickstart.ts", clone);
      expect(run.code, `${heading}: ${run.stderr}`).toBe(0);
      for (const pattern of QUICK_START_OUTPUT[heading]!)
        expect(run.stdout, heading).toMatch(pattern);
      expect(run.stderr, heading).toBe("");
    }
    await rm(join(clone, "quickstart.ts"));
  }, 120_000);

  it("the README's CLI lines work, --json prints JSON alone, and show finds the run", async () => {
    const lines = readmeCliLines(await readFile(join(clone, "README.md"), "utf8"));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    let runId: string | undefined;
    for (const line of lines) {
      const command = line.replace("<runId>", runId ?? "<runId>");
      const result = await sh(command, clone);
      expect(result.code, `${command}: ${result.stderr}`).toBe(0);
      if (command.includes("--json")) {
        const report = JSON.parse(result.stdout); // the whole of stdout
        expect(report.status).toBe("succeeded");
        runId = report.runId;
      }
      if (command.includes(" runs")) expect(result.stdout).toContain(runId);
      if (command.includes(" show ")) expect(result.stdout).toContain(runId);
    }
    expect(runId).toMatch(/^run_/);
  }, 180_000);

  it("reads relative paths from the directory the newcomer stands in", async () => {
    const result = await sh(
      "npm run -s baton -- run research-pipeline.yaml --json --store here.db",
      join(clone, "examples"),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).workflow).toBe("research-pipeline");
    expect(existsSync(join(clone, "examples", "here.db"))).toBe(true);
    await rm(join(clone, "examples", "here.db"));
  }, 60_000);

  it("on the machine's own Node, when it is too old, the built CLI and library say so in one line", async () => {
    const node = (await sh("command -v node", clone)).stdout.trim();
    const version = (await sh("node -p process.versions.node", clone)).stdout.trim();
    const unsupported = unsupportedNodeMessage(version);
    if (!node || !unsupported) return; // this machine's Node runs Baton: nothing to see
    const cli = await sh("node dist/cli/main.js runs", clone);
    expect(cli).toEqual({ code: 1, stdout: "", stderr: `${unsupported}\n` });
    const library = await sh(`node --input-type=module -e 'await import("baton-ai")'`, clone);
    expect(library.code).toBe(1);
    expect(library.stderr).toContain(`ConfigurationError: ${unsupported}\n`);
  }, 60_000);

  it("leaves the clone as it found it, npm pack's tarball included", async () => {
    const packed = await sh("npm pack", clone);
    expect(packed.code, packed.stderr).toBe(0);
    const { version } = JSON.parse(await readFile(join(clone, "package.json"), "utf8"));
    expect(existsSync(join(clone, `baton-ai-${version}.tgz`))).toBe(true);
    const status = await sh("git status --porcelain", clone);
    expect(status.stdout).toBe("");
  }, 180_000);
});
