import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sequentialIdGenerator } from "../../core/ports/id-generator.js";
import type { CliContext } from "../cli-context.js";

/** A stream that keeps what is written, as text. */
export class Collector {
  text = "";
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export type CollectingContext = CliContext & { stdout: Collector; stderr: Collector };

/**
 * A CLI context for running commands in-process: streams that collect text, a fresh temp
 * dir as `cwd` (removed by `dispose`), no environment, sequential ids.
 */
export async function collectingContext(
  prefix = "baton-cli-",
): Promise<{ context: CollectingContext; dispose(): Promise<void> }> {
  const cwd = await mkdtemp(join(tmpdir(), prefix));
  const context: CollectingContext = {
    stdout: new Collector(),
    stderr: new Collector(),
    env: {},
    cwd,
    ids: sequentialIdGenerator(),
  };
  return { context, dispose: () => rm(cwd, { recursive: true, force: true }) };
}
