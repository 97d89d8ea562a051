import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`docs/agents.md`). */
  file: string;
  /** The 1-based line of the opening fence. */
  line: number;
  /** The first word of the info string (`ts`), or "" for a bare fence. */
  language: string;
  /** The words after it (`fragment`). */
  flags: string[];
  /** The block's text, its fence's indentation removed. */
  code: string;
}

/** The Markdown files whose code is checked: the README, docs/ and examples/README.md. */
export function documentedFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs, "examples/README.md"];
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([^`]*)$/;

/** Every fenced code block in `text` (the Markdown of `file`), in order. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (!open) continue;
    const [, indent = "", fence = "", info = ""] = open;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !isClosing(lines[end]!, fence)) {
      const line = lines[end]!;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
      end++;
    }
    const [language = "", ...flags] = info.trim().split(/\s+/).filter(Boolean);
    blocks.push({ file, line: index + 1, language, flags, code: body.join("\n") });
    index = end;
  }
  return blocks;
}

function isClosing(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^[`~]+$/.test(trimmed);
}

/** The code blocks of every documented file under `root`. */
export function documentedBlocks(root: string): CodeBlock[] {
  return documentedFiles(root).flatMap((file) =>
    codeBlocks(file, readFileSync(join(root, file), "utf8")),
  );
}

/** The module specifiers `code` imports: static, type-only, side-effect and dynamic imports. */
export function importedSpecifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}
