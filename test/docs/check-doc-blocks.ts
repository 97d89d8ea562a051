/**
 * Type-checks the documentation's TypeScript: every ```ts block of README.md, docs/*.md and
 * examples/README.md is compiled as its own ES module against the package's source, in one
 * program, under the repository's compiler options. A block whose info string says
 * `ts fragment` (a one-line shape, a signature) is skipped. Separately, every import in any
 * code block (ts, js, and shell lines such as `tsx -e`) must name one of the package's
 * entry points, a Node builtin, or a package this repository depends on (a devDependency
 * such as vitest or ws counts: the docs that use one say to install it).
 *
 * Run it on its own to list the problems: `npx tsx test/docs/check-doc-blocks.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { type CodeBlock, documentedBlocks, importedSpecifiers } from "./code-blocks.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const PACKAGE_NAME = "baton-ai";

/** A problem found in a documented block, at a line of its Markdown file. */
export interface BlockProblem {
  /** `docs/agents.md:123`: where in the Markdown the problem is. */
  at: string;
  /** `docs/agents.md:118`: the opening fence of its block. */
  block: string;
  message: string;
}

export interface DocCheck {
  /** The ```ts blocks type-checked. */
  checked: CodeBlock[];
  /** The ```ts fragment blocks skipped. */
  fragments: CodeBlock[];
  problems: BlockProblem[];
}

const TYPESCRIPT = new Set(["ts", "typescript"]);
/** Blocks whose imports are checked: code, and shell lines that may run it (`tsx -e`). */
const WITH_IMPORTS = new Set(["ts", "typescript", "js", "javascript", "mjs", "sh", "bash"]);

export function isFragment(block: CodeBlock): boolean {
  return block.flags.includes("fragment");
}

interface Manifest {
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest;
}

/** `baton-ai` and `baton-ai/<sub>`, as package.json exports them, mapped to their source. */
function entryPointPaths(manifest: Manifest): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== "object") continue;
    const specifier = subpath === "." ? PACKAGE_NAME : `${PACKAGE_NAME}/${subpath.slice(2)}`;
    const source = subpath === "." ? "src/index.ts" : `src/${subpath.slice(2)}/index.ts`;
    paths[specifier] = [join(ROOT, source)];
  }
  return paths;
}

/** The repository's compiler options, with modules resolved as a bundler or tsx does. */
function compilerOptions(paths: Record<string, string[]>): ts.CompilerOptions {
  const configPath = join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, {}, configPath);
  return {
    ...options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // A block without an import or export is still a module (top-level await, own scope).
    moduleDetection: ts.ModuleDetectionKind.Force,
    paths,
    noEmit: true,
    declaration: false,
    rootDir: undefined,
    allowImportingTsExtensions: false,
  };
}

/** TypeScript 7's compiler (the native one: a fifth of 5.9's time on these blocks). */
const TSC = join(ROOT, "node_modules", "typescript-7", "bin", "tsc");
/**
 * Where the blocks are written: under node_modules, so packages resolve as from the root;
 * one directory per process, so two checks at once (two checkouts sharing node_modules)
 * do not write over each other.
 */
const BLOCKS_DIR = join(ROOT, "node_modules", ".cache", `baton-doc-blocks-${process.pid}`);

/**
 * Compiles the blocks, each its own file, in one `tsc` run under the repository's options
 * with modules resolved as a bundler or tsx does, and maps each error to its Markdown line.
 */
function typeCheck(blocks: readonly CodeBlock[], paths: Record<string, string[]>): BlockProblem[] {
  rmSync(BLOCKS_DIR, { recursive: true, force: true });
  mkdirSync(BLOCKS_DIR, { recursive: true });
  const files = new Map<string, CodeBlock>();
  for (const block of blocks) {
    const name = `${block.file.replaceAll("/", "__")}.L${block.line}.ts`;
    writeFileSync(join(BLOCKS_DIR, name), block.code);
    files.set(name, block);
  }
  const config = {
    extends: relative(BLOCKS_DIR, join(ROOT, "tsconfig.json")),
    compilerOptions: {
      module: "ESNext",
      moduleResolution: "Bundler",
      // A block without an import or export is still a module (top-level await, own scope).
      moduleDetection: "force",
      paths,
      noEmit: true,
      declaration: false,
      // The filesystem's root: node_modules may be a link to another checkout's (rootDir only
      // matters for emits, but tsc checks that every file is under it).
      rootDir: "/",
    },
    // `files`, not `include` (the root's `exclude` would drop node_modules), and none of the
    // root's `include`, which would check the whole repository again.
    files: [...files.keys()],
    include: [],
  };
  writeFileSync(join(BLOCKS_DIR, "tsconfig.json"), JSON.stringify(config, null, 2));
  const run = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json", "--pretty", "false"], {
    cwd: BLOCKS_DIR,
    encoding: "utf8",
  });
  if (run.error) throw run.error;
  const problems: BlockProblem[] = [];
  // `file(line,col): error TS2345: message`, a chained message continuing on indented lines.
  for (const entry of run.stdout.split(/\n(?=\S)/)) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+): ([\s\S]*)$/.exec(entry.trimEnd());
    if (!match) {
      if (entry.trim()) problems.push({ at: "tsc", block: "tsc", message: entry.trim() });
      continue;
    }
    const [, file, line, code, message] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const block = files.get(file);
    const at = block
      ? `${block.file}:${block.line + Number(line)}`
      : relative(ROOT, join(BLOCKS_DIR, file));
    problems.push({
      at,
      block: block ? `${block.file}:${block.line}` : at,
      message: `${code}: ${message}`,
    });
  }
  if (run.status !== 0 && problems.length === 0) {
    problems.push({ at: "tsc", block: "tsc", message: `exited ${run.status}: ${run.stderr}` });
  }
  rmSync(BLOCKS_DIR, { recursive: true, force: true });
  return problems;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

export function checkDocBlocks(): DocCheck {
  const manifest = readManifest();
  const paths = entryPointPaths(manifest);
  const options = compilerOptions(paths);
  const blocks = documentedBlocks(ROOT);
  const typescript = blocks.filter((block) => TYPESCRIPT.has(block.language));
  const checked = typescript.filter((block) => !isFragment(block));
  const fragments = typescript.filter(isFragment);
  const problems: BlockProblem[] = [];
  const where = (block: CodeBlock, lineInBlock = 0) => ({
    at: `${block.file}:${block.line + 1 + lineInBlock}`,
    block: `${block.file}:${block.line}`,
  });

  problems.push(...typeCheck(checked, paths));

  const allowed = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  const importer = join(ROOT, "docs", "imports.ts");
  for (const block of blocks.filter((block) => WITH_IMPORTS.has(block.language))) {
    for (const specifier of importedSpecifiers(block.code)) {
      const problem = importProblem(specifier, { paths, allowed, importer, options });
      if (problem) problems.push({ ...where(block), message: problem });
    }
  }
  return { checked, fragments, problems };
}

function importProblem(
  specifier: string,
  context: {
    paths: Record<string, string[]>;
    allowed: Set<string>;
    importer: string;
    options: ts.CompilerOptions;
  },
): string | undefined {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return undefined;
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    return `import "${specifier}": a path; a reader has no such file (declare what the block needs instead)`;
  }
  const name = packageName(specifier);
  if (name === PACKAGE_NAME) {
    return specifier in context.paths
      ? undefined
      : `import "${specifier}": not an entry point of ${PACKAGE_NAME} (package.json "exports": ${Object.keys(context.paths).join(", ")})`;
  }
  if (!context.allowed.has(name)) {
    return `import "${specifier}": ${name} is not a dependency of ${PACKAGE_NAME}`;
  }
  const resolved = ts.resolveModuleName(specifier, context.importer, context.options, ts.sys);
  return resolved.resolvedModule ? undefined : `import "${specifier}": does not resolve`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { checked, fragments, problems } = checkDocBlocks();
  for (const problem of problems) {
    console.log(`${problem.at} (block at ${problem.block}): ${problem.message}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${checked.length} blocks checked, ${fragments.length} fragments, ${problems.length} problems in ${seconds} s`,
  );
}
