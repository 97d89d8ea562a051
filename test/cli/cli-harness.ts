import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliContext, CliStream } from "../../src/cli/cli-context.js";
import { runCli } from "../../src/cli/run-cli.js";
import type { Clock } from "../../src/core/ports/clock.js";
import type { IdGenerator } from "../../src/core/ports/id-generator.js";
import { bundledScript } from "../support/bundled-script.js";

/** The CLI's entry, run from source through tsx: no build needed. */
export const CLI_MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
/** The repository's node_modules/.bin (the Node 24 `node`, `mcp-server-filesystem`). */
export const BIN_DIR = fileURLToPath(new URL("../../node_modules/.bin", import.meta.url));

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Keys that must never reach the CLI under test: tests never call a real model API. */
const SECRET_VARIABLES =
  /^(OPENAI|ANTHROPIC|GOOGLE_GENERATIVE_AI|OPENAI_COMPATIBLE|OLLAMA)_|^BATON_/;

/** The test's environment without API keys or Baton settings, plus `extra`. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SECRET_VARIABLES.test(name)),
  );
  return { ...base, PATH: `${BIN_DIR}:${process.env.PATH ?? ""}`, NO_COLOR: "1", ...extra };
}

/** A stream that keeps what is written to it, like a pipe (not a terminal). */
function collect(): CliStream & { text: string } {
  return {
    text: "",
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

export interface RunBatonOptions {
  /** The directory the command runs in: relative paths and `.baton/baton.db` are read from here. */
  cwd: string;
  /** Added to the test's environment (from which API keys are removed). */
  env?: Record<string, string>;
  /** Cancels the command, as Ctrl-C does. */
  signal?: AbortSignal;
  clock?: Clock;
  ids?: IdGenerator;
  /** Receives stdout as it is written (to wait for a line while the command runs). */
  onStdout?: (text: string) => void;
  /** Receives stderr as it is written. */
  onStderr?: (text: string) => void;
}

/**
 * Runs `baton <args>` in this process through `runCli`, as `main.ts` does, with collected
 * streams, `cwd`, and the test's environment minus API keys plus `env`. Milliseconds instead
 * of the second a `node --import tsx` child takes to start; the few tests that need a real
 * process (signals, a process killed mid-run) use `startBaton`.
 */
export async function runBaton(
  args: readonly string[],
  { cwd, env = {}, signal, clock, ids, onStdout, onStderr }: RunBatonOptions,
): Promise<CliOutcome> {
  const stdout = collect();
  const stderr = collect();
  const context: CliContext = {
    stdout: onStdout ? tee(stdout, onStdout) : stdout,
    stderr: onStderr ? tee(stderr, onStderr) : stderr,
    env: cleanEnv(env),
    cwd,
    ...(signal ? { signal } : {}),
    ...(clock ? { clock } : {}),
    ...(ids ? { ids } : {}),
  };
  const code = await runCli(args, context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function tee(stream: CliStream & { text: string }, onText: (text: string) => void): CliStream {
  return {
    write(chunk: string) {
      stream.write(chunk);
      onText(stream.text);
      return true;
    },
  };
}

/** A fresh temp directory to run in; `remove()` deletes it. */
export async function tempWorkspace(): Promise<{
  dir: string;
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "baton-cli-"));
  return {
    dir,
    async write(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A `baton` child process left running, with its output so far. */
export interface RunningBaton {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout (or, with `stream: "stderr"`, stderr) matches `pattern`; rejects after `timeoutMs`. */
  waitFor(
    pattern: RegExp,
    options?: { timeoutMs?: number; stream?: "stdout" | "stderr" },
  ): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process ends (null when a signal ended it). */
  exited(): Promise<number | null>;
}

/**
 * Starts `baton <args>` as a real child process in `cwd` and leaves it running: for signals
 * and a process killed mid-run. It runs src/cli/main.ts bundled (test/support/bundled-script.ts):
 * 0.9 s for a short `baton run` instead of 1.3 s through tsx (whose loader, kept beside the
 * bundle, would transform the bundle too: 2 s), so a spec must not name TypeScript modules.
 */
export function startBaton(
  args: readonly string[],
  { cwd, env = {} }: { cwd: string; env?: Record<string, string> },
): RunningBaton {
  const child = spawn(process.execPath, [bundledScript(CLI_MAIN), ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern, { timeoutMs = 20_000, stream = "stdout" } = {}) =>
      new Promise((resolve, reject) => {
        const source = stream === "stdout" ? child.stdout : child.stderr;
        const check = () => {
          const match = pattern.exec(stream === "stdout" ? stdout : stderr);
          if (match) {
            cleanup();
            resolve(match[0]);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`timed out waiting for ${pattern}; stdout: ${stdout}; stderr: ${stderr}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          source.off("data", check);
        };
        source.on("data", check);
        check();
      }),
    stop: async (signal) => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    exited: () => exited,
  };
}
