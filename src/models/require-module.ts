import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/**
 * Loads a dependency synchronously the first time it is needed (internal), so that
 * `import "baton-ai"` does not pay for parsers, tokenizers, price tables or schema libraries a
 * program may never use. Code that can wait uses `await import()` instead.
 *
 * The package's ES module entry is loaded with `require()` (Node 22.12+ loads ES modules
 * synchronously), so the instance is the one `import` gives everywhere else: no second copy
 * of zod or the AI SDK. On a Node that cannot `require()` an ES module, the package's
 * CommonJS build is loaded instead, where it has one.
 */
export function requireModule<T>(specifier: string): T {
  if (loaded.has(specifier)) return loaded.get(specifier) as T;
  let module: unknown;
  try {
    module = require(fileURLToPath(import.meta.resolve(specifier)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw error;
    module = require(specifier);
  }
  loaded.set(specifier, module);
  return module as T;
}
