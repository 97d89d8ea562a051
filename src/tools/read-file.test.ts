import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ReadFileOutput, readFile } from "./read-file.js";

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "baton-read-file-"));
  root = join(base, "root");
  await mkdir(join(root, "notes"), { recursive: true });
  await writeFile(join(root, "notes", "todo.md"), "# Todo\n- tide tables\n");
  await writeFile(join(root, "big.txt"), "x".repeat(100));
  await writeFile(join(base, "secret.txt"), "do not read");
  await symlink(join(base, "secret.txt"), join(root, "escape.txt"));
  await symlink(join(root, "notes", "todo.md"), join(root, "alias.md"));
  await symlink(base, join(root, "parent-dir"));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const options = { toolCallId: "t1", messages: [], context: undefined as never };

async function read(path: string, tool = readFile({ root })): Promise<ReadFileOutput> {
  return (await tool.execute!({ path }, options)) as ReadFileOutput;
}

async function refusal(path: string, tool = readFile({ root })) {
  return read(path, tool).then(
    () => {
      throw new Error(`expected reading "${path}" to be refused`);
    },
    (error: unknown) => error as { name: string; code: string; message: string },
  );
}

describe("readFile", () => {
  it("reads a text file under the root", async () => {
    expect(await read("notes/todo.md")).toEqual({
      path: "notes/todo.md",
      content: "# Todo\n- tide tables\n",
      bytes: 21,
      truncated: false,
    });
    expect((await read("./notes/../notes/todo.md")).path).toBe("notes/todo.md");
  });

  it("follows a symlink that stays inside the root", async () => {
    expect(await read("alias.md")).toMatchObject({
      path: "notes/todo.md",
      content: "# Todo\n- tide tables\n",
    });
  });

  it("refuses paths that lead outside the root: .., absolute paths and symlinks", async () => {
    for (const path of [
      "../secret.txt",
      "notes/../../secret.txt",
      join(base, "secret.txt"),
      "/etc/passwd",
      "escape.txt",
      "parent-dir/secret.txt",
    ]) {
      const error = await refusal(path);
      expect(error, path).toMatchObject({ name: "ToolError", code: "path-outside-root" });
      expect(error.message).toContain("outside the directory this tool may read");
    }
  });

  it("cuts a long file at maxBytes and says so", async () => {
    const output = await read("big.txt", readFile({ root, maxBytes: 10 }));
    expect(output).toEqual({ path: "big.txt", content: "xxxxxxxxxx", bytes: 100, truncated: true });
  });

  it("says when there is no such file, or it is a directory", async () => {
    expect(await refusal("missing.txt")).toMatchObject({
      code: "not-a-file",
      message: 'No file "missing.txt" in the allowed directory',
    });
    expect(await refusal("notes")).toMatchObject({
      code: "not-a-file",
      message: '"notes" is not a file',
    });
  });

  it("names paths as the model gave them, never by the root's absolute path", async () => {
    const missingRoot = readFile({ root: join(base, "gone") });
    const errors = [
      await refusal("missing.txt"),
      await refusal("notes/missing/deeper.txt"),
      await refusal("notes/todo.md/inside"),
      await refusal("notes"),
      await refusal("escape.txt"),
      await refusal("notes/todo.md", missingRoot),
    ];
    expect(errors.map((error) => error.message)).toEqual([
      'No file "missing.txt" in the allowed directory',
      'No file "notes/missing/deeper.txt" in the allowed directory',
      'No file "notes/todo.md/inside" in the allowed directory',
      '"notes" is not a file',
      'Refused: "escape.txt" is outside the directory this tool may read',
      "The allowed directory cannot be read (ENOENT)",
    ]);
    for (const error of errors) {
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(base);
      expect(String((error as { cause?: unknown }).cause ?? "")).not.toContain(base);
    }
  });

  it("does not wait on a named pipe: it is not a file", async () => {
    execFileSync("mkfifo", [join(root, "pipe")]);
    expect(await refusal("pipe")).toMatchObject({
      code: "not-a-file",
      message: '"pipe" is not a file',
    });
  });

  it("checks its options", () => {
    expect(() => readFile({ root: "", maxBytes: 0 })).toThrow(
      [
        "Invalid options for readFile() (2 problems):",
        '  root: expected a directory (relative to the spec file), received ""',
        "  maxBytes: expected an integer >= 1, received 0",
      ].join("\n"),
    );
    expect(() => readFile(undefined as never)).toThrow(
      "(options): required: expected an options object",
    );
  });
});
