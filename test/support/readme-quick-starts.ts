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
