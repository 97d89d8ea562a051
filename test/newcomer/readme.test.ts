/**
 * The README's TypeScript quick starts, run as written (in this process, with "baton-ai"
 * resolved to the source; test/newcomer/fresh-clone.test.ts runs them against the built
 * package in a fresh clone). Each must run offline and print what its comments promise.
 */
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_START_OUTPUT, readmeQuickStarts } from "../support/readme-quick-starts.js";
import { runExample } from "../support/run-example.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let dir: string;
beforeAll(async () => {
  // Outside the repository, beside a link to its node_modules ("ai", "zod" resolve).
  dir = await mkdtemp(join(tmpdir(), "baton-readme-"));
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("README quick starts", () => {
  it("has an expectation for every TypeScript block, and a block for every expectation", async () => {
    const headings = (await readmeQuickStarts(ROOT)).map((block) => block.heading);
    expect(headings).toEqual(Object.keys(QUICK_START_OUTPUT));
  });

  it.each(Object.keys(QUICK_START_OUTPUT))(
    "%s runs as written and prints what it says",
    async (heading) => {
      const blocks = await readmeQuickStarts(ROOT);
      const index = blocks.findIndex((block) => block.heading === heading);
      const file = join(dir, `quick-start-${index}.ts`);
      await writeFile(file, blocks[index]!.code);
      const { stdout, stderr } = await runExample(file);
      for (const pattern of QUICK_START_OUTPUT[heading]!) expect(stdout).toMatch(pattern);
      expect(stderr).toBe("");
    },
  );
});
