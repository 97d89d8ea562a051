import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseSpecWork } from "../spec/parse-spec.js";
import type { Spec } from "../spec/spec-schema.js";
import { type SpecToolSet, specTools } from "../spec/spec-tools.js";
import { finishWorkAsync } from "../spec/work.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";

/** A spec file as `baton run` and `baton check` read it. */
export interface SpecFile {
  /** The path as given on the command line (for messages). */
  source: string;
  /** The absolute path. */
  path: string;
  /** The validated spec, of either kind. */
  spec: Spec;
}

/**
 * Reads and validates a spec file of either kind. The CLI has no tools of its own: every
 * tool agents list must be configured in the spec's `tools` section. Validation runs in
 * slices, so Ctrl-C stops even a huge spec's.
 *
 * @throws CliInputError when the file cannot be read.
 * @throws SpecError when it is not a valid spec.
 */
export async function readSpecFile(source: string, context: CliContext): Promise<SpecFile> {
  const path = resolve(context.cwd, source);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : (error as Error).message;
    throw new CliInputError(`Cannot read the spec ${source}: ${reason}`, { cause: error });
  }
  const spec = await finishWorkAsync(
    parseSpecWork(text, { source, tools: [] }),
    context.signal ? { signal: context.signal } : {},
  );
  return { source, path, spec };
}

/**
 * The tools a spec configures, as the CLI starts them: paths relative to the spec file,
 * `${NAME}` from the CLI's environment.
 */
export function cliSpecTools(
  spec: { tools?: unknown },
  file: { path: string; source: string },
  context: CliContext,
  { startServers = true }: { startServers?: boolean } = {},
): Promise<SpecToolSet> {
  return specTools(spec, {
    baseDir: dirname(file.path),
    env: context.env,
    source: file.source,
    startServers,
    ...(context.clock ? { clock: context.clock } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
}
