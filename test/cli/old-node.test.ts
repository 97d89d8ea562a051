/**
 * Baton on a Node.js it does not support (the machine's own `node`, when it is older than
 * the Node 24 that npm scripts bring): the CLI and the library fail at once with one line
 * naming the version needed and the version found. Skipped where no such Node is on PATH.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unsupportedNodeMessage } from "../../src/node-support.js";
import { CLI_MAIN } from "./cli-harness.js";

const TSX_LOADER = import.meta.resolve("tsx");
const ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** The first `node` on PATH outside a node_modules/.bin, with its version. */
function systemNode(): { path: string; version: string } | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(directory, "node");
    if (directory.includes("node_modules") || !existsSync(path)) continue;
    const version = execFileSync(path, ["-p", "process.versions.node"], { encoding: "utf8" });
    return { path, version: version.trim() };
  }
  return undefined;
}

const old = systemNode();
const unsupported = old && unsupportedNodeMessage(old.version);

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(old!.path, args, { env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!unsupported)(`Baton on the system's Node.js ${old?.version}`, () => {
  it("baton exits 1 with one line naming the version needed and the one found", async () => {
    const { code, stdout, stderr } = await run(["--import", TSX_LOADER, CLI_MAIN, "runs"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${unsupported}\n`);
  });

  it("importing the library throws a ConfigurationError with that line", async () => {
    const { code, stderr } = await run([
      "--import",
      TSX_LOADER,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(ENTRY)})`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(`ConfigurationError: ${unsupported}\n`);
  });
});
