import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listExports } from "./list-exports.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; import: string }>;
};

/** Every entry point the package exports, as its source file. */
const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target === "object")
  .map(([subpath]) => (subpath === "." ? "src/index.ts" : `src/${subpath.slice(2)}/index.ts`));

describe("The public API", () => {
  const exported = listExports(entries);

  it("keeps the root to what a program writes day to day", () => {
    const { values, types } = exported["src/index.ts"]!;
    expect(values.length + types.length).toBeLessThanOrEqual(65);
  });

  it("changes only on purpose: every entry point's exports, as recorded", () => {
    expect(exported).toMatchSnapshot();
  });

  it("leaves internals out of every entry point", () => {
    const internals = [
      "attachSpend",
      "spendOf",
      "currentStepScope",
      "TokenBucket",
      "CircuitBreaker",
      "StepTask",
      "Execution",
    ];
    for (const [entry, { values, types }] of Object.entries(exported)) {
      for (const name of internals) expect([...values, ...types], entry).not.toContain(name);
    }
  });
});

/** Imports that leave a folder, from every source file under it (tests excluded). */
function outsideImports(folder: string): Array<{ file: string; target: string }> {
  const found: Array<{ file: string; target: string }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        const text = readFileSync(path, "utf8");
        for (const match of text.matchAll(/from\s+"(\.[^"]+)"/g)) {
          const target = relative(root, resolve(dirname(path), match[1]!));
          if (!target.startsWith(folder)) found.push({ file: relative(root, path), target });
        }
      }
    }
  };
  walk(join(root, folder));
  return found;
}

describe("Patterns and the orchestrator", () => {
  it("use only what the package exports: its entry points, never a deep import", () => {
    const public_ = new Set(entries.map((entry) => entry.replace(/\.ts$/, ".js")));
    for (const folder of ["src/patterns", "src/orchestrator"]) {
      const deep = outsideImports(folder).filter(({ target }) => !public_.has(target));
      expect(deep, folder).toEqual([]);
    }
  });
});

describe("The views", () => {
  it("sit below patterns, the orchestrator and the CLI: they import none of them", () => {
    const upward = outsideImports("src/views").filter(({ target }) =>
      /^src\/(orchestrator|patterns|cli|dashboard)\//.test(target),
    );
    expect(upward).toEqual([]);
  });
});
