/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the syntax under test */
import { describe, expect, it } from "vitest";
import { SpecError } from "./spec-error.js";
import { expandVariables, specTools } from "./spec-tools.js";

const options = { baseDir: "/specs", env: {}, source: "s.yaml" };

describe("specTools", () => {
  it("builds built-in tools under the names the section gives them", async () => {
    const tools = await specTools(
      {
        tools: {
          calculator: true,
          math: { type: "calculator" },
          web: { type: "http_fetch", allowHosts: ["example.com"] },
          notes: { type: "read_file", root: "./notes" },
        },
      },
      options,
    );
    expect(Object.keys(tools.registry)).toEqual(["calculator", "math", "web", "notes"]);
    const result = await tools.registry.math!.execute!(
      { expression: "6 * 7" },
      { toolCallId: "t", messages: [], context: undefined },
    );
    expect(result).toEqual({ expression: "6 * 7", result: 42 });
    await tools.close();
  });

  it("reports every bad entry by its path in one SpecError", async () => {
    const attempt = specTools(
      {
        tools: {
          web: { type: "http_fetch", allowHosts: [] },
          notes: { type: "read_file" },
          shell: true,
          files: { type: "mcp", command: "x", args: ["--token", "${NO_SUCH_TOKEN}"] },
        },
      },
      options,
    );
    const error = await attempt.catch((caught: unknown) => caught);
    expect(SpecError.isInstance(error)).toBe(true);
    expect((error as SpecError).issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["tools.web.allowHosts", "expected at least one host"],
      ["tools.notes.root", "expected a directory (relative to the spec file)"],
      [
        "tools.shell",
        'expected type to be one of calculator, http_fetch, read_file, mcp (the name "shell" is not a tool type, so say which)',
      ],
      ["tools.files", "the environment variable NO_SUCH_TOKEN is not set"],
    ]);
  });
});

describe("expandVariables", () => {
  it("replaces ${NAME} with the environment's value", () => {
    expect(expandVariables("Bearer ${TOKEN}/${TOKEN}", { TOKEN: "abc" })).toBe("Bearer abc/abc");
    expect(expandVariables("$TOKEN stays", { TOKEN: "abc" })).toBe("$TOKEN stays");
  });
});
