/**
 * Vitest setup file: every warning a test raises is captured rather than printed, and a
 * test that leaves one it did not take (`takeWarnings` in test/support/warnings.ts) fails,
 * naming it. Passing tests print no warnings; an unexpected one is a failure to look at,
 * not noise. (Price warnings of test doubles are expected and dropped: see `recordWarning`.)
 */
import { afterAll, afterEach } from "vitest";
import { leftoverWarnings, recordWarning } from "../support/warnings.js";

function typeOf(warning: string | Error, options: unknown): string {
  if (typeof options === "string") return options;
  const type = (options as { type?: unknown } | undefined)?.type;
  if (typeof type === "string") return type;
  return warning instanceof Error ? warning.name : "Warning";
}

process.emitWarning = ((warning: string | Error, options?: unknown) => {
  recordWarning({
    type: typeOf(warning, options),
    message: warning instanceof Error ? warning.message : String(warning),
  });
}) as typeof process.emitWarning;
// Node's own warnings do not go through process.emitWarning: take over its printer too.
process.removeAllListeners("warning");
process.on("warning", (warning) => recordWarning({ type: warning.name, message: warning.message }));

afterEach(() => {
  const error = leftoverWarnings("This test");
  if (error) throw error;
});
afterAll(() => {
  const error = leftoverWarnings("This file (outside its tests)");
  if (error) throw error;
});
