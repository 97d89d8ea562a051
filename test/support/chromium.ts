/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which downloads no
 * browser of its own). `.ci/run` installs the `chromium` package when it is absent.
 */
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian puts the browser; `BATON_CHROMIUM` names another. */
export function chromiumPath(): string | undefined {
  const path = process.env.BATON_CHROMIUM ?? "/usr/bin/chromium";
  return existsSync(path) ? path : undefined;
}

/**
 * Whether the browser tests run here. Without Chromium they skip, saying why once per test
 * run; with CI=true they must run, so a missing browser fails them instead.
 */
export function chromiumAvailable(): boolean {
  if (chromiumPath()) return true;
  const reason =
    "Browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium, or set BATON_CHROMIUM)";
  if (process.env.CI === "true") {
    throw new Error(
      `${reason}. CI=true: these tests must run; .ci/run installs the chromium package.`,
    );
  }
  try {
    // One line for the whole test run, whichever worker gets here first.
    writeFileSync(join(tmpdir(), `baton-chromium-skip-${process.ppid}`), "", { flag: "wx" });
    process.stderr.write(`${reason}\n`);
  } catch {}
  return false;
}
