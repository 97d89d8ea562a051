import { open, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { type Tool, tool } from "ai";
import { z } from "zod";
import { ToolError } from "./tool-error.js";

export interface ReadFileOptions {
  /** The directory the tool may read. Nothing outside it is read, through symlinks neither. */
  root: string;
  /** Bytes read at most; a longer file comes back cut, with `truncated: true`. @default 1_000_000 */
  maxBytes?: number;
}

export interface ReadFileInput {
  path: string;
}

export interface ReadFileOutput {
  /** The path relative to the root, with `/` separators. */
  path: string;
  content: string;
  /** The file's size in bytes. */
  bytes: number;
  truncated: boolean;
}

const TOOL = "read_file";

function isInside(root: string, target: string): boolean {
  const path = relative(root, target);
  if (path === "") return true;
  return !isAbsolute(path) && path !== ".." && !path.startsWith(`..${sep}`);
}

function refuse(requested: string): ToolError {
  return new ToolError(`Refused: "${requested}" is outside the directory this tool may read`, {
    tool: TOOL,
    code: "path-outside-root",
  });
}

/**
 * A tool that reads a UTF-8 text file under `root`. Paths are relative to the root;
 * anything that leads outside it (`..`, an absolute path elsewhere, a symlink pointing
 * out) is refused with a `ToolError` (`path-outside-root`).
 *
 * @example
 * const reader = agent({ name: "reader", model, tools: { read_file: readFile({ root: "./docs" }) } });
 */
export function readFile(options: ReadFileOptions): Tool<ReadFileInput, ReadFileOutput> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`readFile: expected an options object, received ${String(options)}`);
  }
  const { root, maxBytes = 1_000_000 } = options;
  if (typeof root !== "string" || root === "") {
    throw new TypeError(
      `readFile: expected "root" to be a directory path, received ${root === "" ? '""' : typeof root}`,
    );
  }
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError(
      `readFile: expected "maxBytes" to be an integer >= 1, received ${String(maxBytes)}`,
    );
  }
  const rootPath = resolve(root);
  let rootReal: Promise<string> | undefined;

  return tool({
    description:
      "Reads a UTF-8 text file from the allowed directory. Give the path relative to that directory.",
    inputSchema: z.object({
      path: z
        .string()
        .min(1)
        .describe("The file's path, relative to the allowed directory")
        .meta({ examples: ["README.md"] }),
    }),
    execute: async ({ path: requested }, { abortSignal }) => {
      abortSignal?.throwIfAborted();
      rootReal ??= realpath(rootPath);
      const base = await rootReal.catch((error: unknown) => {
        rootReal = undefined;
        throw new ToolError(`The allowed directory ${rootPath} cannot be read`, {
          tool: TOOL,
          code: "not-a-file",
          cause: error,
        });
      });
      const candidate = resolve(base, requested);
      if (!isInside(base, candidate)) throw refuse(requested);
      let real: string;
      try {
        real = await realpath(candidate);
      } catch (error) {
        throw new ToolError(`No file "${requested}" in the allowed directory`, {
          tool: TOOL,
          code: "not-a-file",
          cause: error,
        });
      }
      // A symlink inside the root may point outside it.
      if (!isInside(base, real)) throw refuse(requested);
      const info = await stat(real);
      if (!info.isFile()) {
        throw new ToolError(`"${requested}" is not a file`, { tool: TOOL, code: "not-a-file" });
      }
      const handle = await open(real, "r");
      try {
        const opened = await handle.stat();
        // The path was swapped between the check and the open.
        if (opened.ino !== info.ino || opened.dev !== info.dev) throw refuse(requested);
        const length = Math.min(opened.size, maxBytes);
        const buffer = Buffer.alloc(length);
        let read = 0;
        while (read < length) {
          abortSignal?.throwIfAborted();
          const { bytesRead } = await handle.read(buffer, read, length - read, read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        return {
          path: relative(base, real).split(sep).join("/"),
          content: buffer.subarray(0, read).toString("utf8"),
          bytes: opened.size,
          truncated: opened.size > read,
        };
      } finally {
        await handle.close();
      }
    },
  });
}
