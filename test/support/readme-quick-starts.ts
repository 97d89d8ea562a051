import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** The ```ts blocks of the README.md in `root`, each with the heading it follows. */
export async function readmeQuickStarts(
  root: string,
): Promise<Array<{ heading: string; code: string }>> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const blocks: Array<{ heading: string; code: string }> = [];
  let heading = "";
  for (const match of readme.matchAll(/^(#+ .*)$|^```ts\n([\s\S]*?)^```$/gm)) {
    if (match[1]) heading = match[1].replace(/^#+ /, "");
    else blocks.push({ heading, code: match[2] ?? "" });
  }
  return blocks;
}

/** What each README quick start must print, by its heading. */
export const QUICK_START_OUTPUT: Record<string, RegExp[]> = {
  "Quick start: an agent": [
    /^\[simulated:assistant\] .*weather.*"city":"Lisbon","celsius":21/m,
    /^\[ 'weather' \]$/m,
    /inputTokens: [1-9]\d*,[\s\S]*totalCents: 0,/,
  ],
  "Quick start: a workflow": [/^run-start\n/, /^step-start$/m, /^step-end$/m, /^run-end\n$/m],
};
