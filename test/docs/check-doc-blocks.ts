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
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
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

/** A block's virtual file: beside its Markdown file, so packages resolve from node_modules. */
function virtualPath(block: CodeBlock): string {
  return join(ROOT, `${block.file}.L${block.line}.ts`);
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

  const virtual = new Map(checked.map((block) => [virtualPath(block), block]));
  const host = ts.createCompilerHost(options, true);
  // Comments carry no types in TypeScript files: skipping JSDoc saves ~15% of the CPU time.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file)?.code ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const block = virtual.get(file);
    return block
      ? ts.createSourceFile(file, block.code, language, true, ts.ScriptKind.TS)
      : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  for (const [file, block] of virtual) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const diagnostic of diagnostics) {
      const line =
        diagnostic.start === undefined
          ? 0
          : source.getLineAndCharacterOfPosition(diagnostic.start).line;
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      problems.push({ ...where(block, line), message: `TS${diagnostic.code}: ${text}` });
    }
  }

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
