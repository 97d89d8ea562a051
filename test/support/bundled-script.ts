/**
 * Scripts that tests run as real processes (crash-test lives, workers, CLI runs), bundled
 * once per test process into one JavaScript file: `node <bundle>` starts in about a quarter
 * of the time `node --import tsx <script>` takes (measured: 0.47 s instead of 1.7 s for the
 * orchestrator crash test's life), because tsx resolves and transforms each of the
 * hundreds of source files on every start. Packages stay external (loaded from
 * node_modules as usual); the bundle is rebuilt from the source on each test run, so it
 * is never stale.
 *
 * Bundles live in node_modules/.cache/baton-tests, inside the repository, so that
 * packages resolve from them as from the sources.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = join(import.meta.dirname, "..", "..");
const cache = join(root, "node_modules", ".cache", "baton-tests");
const bundles = new Map<string, string>();

declare global {
  /** The default export of `registry` (see {@link bundledScript}), set before the script runs. */
  var batonTestRegistry: unknown;
}

/**
 * The path of `script` (a .ts file) bundled into one ES module that `node` runs as is.
 * With `registry` (a module's path or file URL), the bundle first imports that module and
 * puts its default export on `globalThis.batonTestRegistry`, for scripts that would import
 * a module named at run time (which a bundle cannot hold).
 */
export function bundledScript(script: string, registry?: string): string {
  const key = `${script}\n${registry ?? ""}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = build(script, registry && toPath(registry));
    bundles.set(key, bundle);
  }
  return bundle;
}

function build(script: string, registry: string | undefined): string {
  mkdirSync(cache, { recursive: true });
  const id = createHash("sha256")
    .update(`${script}\n${registry ?? ""}`)
    .digest("hex")
    .slice(0, 12);
  const outfile = join(cache, `${basename(script, ".ts")}-${id}.mjs`);
  // Written under a name of this process, then renamed: test processes bundling the same
  // script at once never run a half-written file.
  const partial = `${outfile}.${process.pid}`;
  const entry = registry
    ? {
        stdin: {
          contents: [
            `import registry from ${JSON.stringify(registry)};`,
            "globalThis.batonTestRegistry = registry;",
            `await import(${JSON.stringify(script)});`,
          ].join("\n"),
          resolveDir: root,
          loader: "ts" as const,
        },
      }
    : { entryPoints: [script] };
  buildSync({
    ...entry,
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    logLevel: "silent",
  });
  renameSync(partial, outfile);
  return outfile;
}

const toPath = (location: string) =>
  location.startsWith("file:") ? fileURLToPath(location) : location;
