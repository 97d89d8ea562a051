import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The names an entry point exports (values and types), sorted, through the type checker. */
export function listExports(
  entries: readonly string[],
): Record<string, { values: string[]; types: string[] }> {
  const files = entries.map((entry) => join(root, entry));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const out: Record<string, { values: string[]; types: string[] }> = {};
  for (const [index, file] of files.entries()) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`no module symbol for ${file}`);
    const values: string[] = [];
    const types: string[] = [];
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (target.flags & ts.SymbolFlags.Value) values.push(exported.name);
      else types.push(exported.name);
    }
    out[entries[index]!] = { values: values.sort(), types: types.sort() };
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = process.argv.slice(2);
  let total = 0;
  for (const [entry, { values, types }] of Object.entries(listExports(entries))) {
    total += values.length + types.length;
    console.log(
      `${entry}: ${values.length + types.length} names (${values.length} runtime values)`,
    );
  }
  console.log(`total: ${total}`);
}
