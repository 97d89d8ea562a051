import { constants } from "node:fs";
import { type FileHandle, open, readlink, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { type Tool, tool } from "ai";
import { z } from "zod";
import { checkOptions } from "../runtime/check-options.js";
import { ToolError } from "./tool-error.js";
import { readFileOptionsRule } from "./tool-options-rules.js";

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

/**
 * Opening never blocks (a FIFO waits for a writer otherwise) and never makes a terminal
 * the process's controlling one; what was opened is checked before anything is read.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

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
 * A file-system error as the model may see it: named by the path it asked for, never by
 * an absolute path (the error's own message has one, so it is not kept as the cause).
 */
function cannotRead(requested: string, error: unknown): ToolError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === "ENOENT" || code === "ENOTDIR"
      ? `No file "${requested}" in the allowed directory`
      : code === "EACCES" || code === "EPERM"
        ? `"${requested}" cannot be read: permission denied`
        : code === "ELOOP"
          ? `"${requested}" cannot be read: too many levels of symbolic links`
          : `"${requested}" cannot be read${code ? ` (${code})` : ""}`;
  return new ToolError(message, { tool: TOOL, code: "not-a-file" });
}

/**
 * The real path of what `handle` is open on, read from the kernel (`/proc/self/fd`), so no
 * rename or symlink swap after the open can change the answer. `undefined` where there is
 * no `/proc` (not Linux).
 */
async function openedPath(handle: FileHandle): Promise<string | undefined> {
  try {
    const path = await readlink(`/proc/self/fd/${handle.fd}`);
    return path.endsWith(" (deleted)") ? path.slice(0, -" (deleted)".length) : path;
  } catch {
    return undefined;
  }
}

/**
 * A tool that reads a UTF-8 text file under `root`. Paths are relative to the root;
 * anything that leads outside it (`..`, an absolute path elsewhere, a symlink pointing
 * out) is refused with a `ToolError` (`path-outside-root`). The file is opened first and
 * what was opened is checked, so swapping a directory for a symlink while the tool runs
 * cannot make it read outside the root. Errors name paths as the model gave them, never
 * by their absolute path.
 *
 * @example
 * const reader = agent({ name: "reader", model, tools: { read_file: readFile({ root: "./docs" }) } });
 */
export function readFile(options: ReadFileOptions): Tool<ReadFileInput, ReadFileOutput> {
  checkOptions(readFileOptionsRule, options, "readFile()");
  const { root, maxBytes = 1_000_000 } = options;
  const rootPath = resolve(root);
  let rootReal: Promise<string> | undefined;

  /** Where `handle` (opened for `requested`) really is, or a refusal if that is outside `base`. */
  const checkOpened = async (handle: FileHandle, base: string, requested: string) => {
    const real = await openedPath(handle);
    if (real !== undefined) {
      if (!isInside(base, real)) throw refuse(requested);
      return real;
    }
    // Without /proc: the path must still lead, inside the root, to the very file opened.
    let again: string;
    try {
      again = await realpath(resolve(base, requested));
    } catch (error) {
      throw cannotRead(requested, error);
    }
    if (!isInside(base, again)) throw refuse(requested);
    const [named, opened] = await Promise.all([stat(again), handle.stat()]);
    if (named.dev !== opened.dev || named.ino !== opened.ino) throw refuse(requested);
    return again;
  };

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
        const code = (error as NodeJS.ErrnoException).code;
        throw new ToolError(`The allowed directory cannot be read${code ? ` (${code})` : ""}`, {
          tool: TOOL,
          code: "not-a-file",
        });
      });
      const candidate = resolve(base, requested);
      if (!isInside(base, candidate)) throw refuse(requested);
      // A first look, so a symlink that plainly points out (at a device, say) is never opened.
      let resolved: string;
      try {
        resolved = await realpath(candidate);
      } catch (error) {
        throw cannotRead(requested, error);
      }
      if (!isInside(base, resolved)) throw refuse(requested);
      // The path may change from here on; what counts is what gets opened.
      let handle: FileHandle;
      try {
        handle = await open(resolved, OPEN_FLAGS);
      } catch (error) {
        throw cannotRead(requested, error);
      }
      try {
        const real = await checkOpened(handle, base, requested);
        const opened = await handle.stat();
        if (!opened.isFile()) {
          throw new ToolError(`"${requested}" is not a file`, { tool: TOOL, code: "not-a-file" });
        }
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
      } catch (error) {
        if (ToolError.isInstance(error) || abortSignal?.aborted) throw error;
        throw cannotRead(requested, error);
      } finally {
        await handle.close();
      }
    },
  });
}
