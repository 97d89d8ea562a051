import { readFile } from "node:fs/promises";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { type ParseSpecOptions, parseSpecWork } from "./parse-spec.js";
import { SpecError } from "./spec-error.js";
import type { SpecKind } from "./spec-schema.js";
import type { SpecOfKind } from "./validate-spec.js";
import { finishWorkAsync } from "./work.js";

export interface LoadSpecOptions extends Omit<ParseSpecOptions, "source"> {
  /** Stops reading and validating the file: the promise rejects with a `CancelledError`. */
  signal?: AbortSignal;
}

/**
 * Reads and validates a spec file (`.yaml`, `.yml` or `.json`; other names are sniffed), a
 * workflow or an orchestrator (`kind: orchestrator`); `kind` says which one you expect.
 *
 * @throws SpecError when the file cannot be read or is not a valid spec; its `source` is `path`.
 * @example const spec = await loadSpec("examples/research-pipeline.yaml");
 */
export async function loadSpec<K extends SpecKind | undefined = undefined>(
  path: string,
  { signal, ...options }: LoadSpecOptions & { kind?: K } = {},
): Promise<SpecOfKind<K>> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `loadSpec: expected "path" to be a file path, received ${JSON.stringify(path)}`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, { encoding: "utf8", ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such file"
        : (error as Error).message;
    throw new SpecError([{ path: "", message: `cannot read the spec: ${reason}` }], {
      source: path,
      cause: error,
    });
  }
  // In slices, so a signal (Ctrl-C in the CLI) stops even a huge spec's validation.
  return finishWorkAsync(parseSpecWork<K>(text, { ...options, source: path }), {
    ...(signal ? { signal } : {}),
  });
}
