import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ReadFileOutput, readFile } from "./read-file.js";

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "baton-read-file-race-"));
  root = join(base, "root");
  await mkdir(join(root, "swap"), { recursive: true });
  await writeFile(join(root, "swap", "file.txt"), "inside");
  await mkdir(join(base, "outside"));
  await writeFile(join(base, "outside", "file.txt"), "SECRET");
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/**
 * Swaps `root/swap` between a directory and a symlink to `outside` on another thread, as
 * fast as it can, until `stop()`; resolves with the number of swaps made.
 */
function startSwapping(root: string, outside: string): { stop(): Promise<number> } {
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `
    const fs = require("node:fs");
    const path = require("node:path");
    const { root, outside, flags } = require("node:worker_threads").workerData;
    const swap = path.join(root, "swap");
    const parked = path.join(root, "swap-dir");
    while (Atomics.load(flags, 0) === 0) {
      fs.renameSync(swap, parked);
      fs.symlinkSync(outside, swap);
      fs.unlinkSync(swap);
      fs.renameSync(parked, swap);
      Atomics.add(flags, 1, 1);
    }
    `,
    { eval: true, workerData: { root, outside, flags } },
  );
  const exited = new Promise<void>((resolve, reject) => {
    worker.once("exit", () => resolve());
    worker.once("error", reject);
  });
  return {
    async stop() {
      Atomics.store(flags, 0, 1);
      await exited;
      return Atomics.load(flags, 1);
    },
  };
}

const options = { toolCallId: "t1", messages: [], context: undefined as never };

describe("readFile under a race", () => {
  it("never reads outside the root while a directory in it is swapped for a symlink", async () => {
    const tool = readFile({ root });
    const swapper = startSwapping(root, join(base, "outside"));
    const contents = new Map<string, number>();
    const errors: unknown[] = [];
    try {
      for (let attempt = 0; attempt < 3000; attempt++) {
        try {
          const output = (await tool.execute!(
            { path: "swap/file.txt" },
            options,
          )) as ReadFileOutput;
          contents.set(output.content, (contents.get(output.content) ?? 0) + 1);
        } catch (error) {
          errors.push(error);
        }
      }
    } finally {
      expect(await swapper.stop()).toBeGreaterThan(0);
    }
    expect(contents.get("SECRET") ?? 0).toBe(0);
    expect(contents.get("inside") ?? 0).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toMatchObject({ name: "ToolError" });
      const text = `${String(error)} ${JSON.stringify(error)}`;
      expect(text).not.toContain(base);
    }
  });
});
