import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { vi } from "vitest";

/**
 * Runs an example script in this process, as `npx tsx <file>` would, offline (no OpenAI
 * key): imports it (its top-level code runs to the end) and returns what it printed with
 * `console.log` / `console.error`. An example that throws rejects. Run one at a time: the
 * console is shared while it runs.
 */
export async function runExample(path: string): Promise<{ stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    stdout += `${format(...args)}\n`;
  });
  const error = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    stderr += `${format(...args)}\n`;
  });
  vi.stubEnv("OPENAI_API_KEY", "");
  try {
    await import(pathToFileURL(path).href);
  } finally {
    log.mockRestore();
    error.mockRestore();
    vi.unstubAllEnvs();
  }
  return { stdout, stderr };
}
