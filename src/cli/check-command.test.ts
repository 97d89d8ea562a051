import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { chainSpec } from "../spec/test-support/chain-spec.js";
import { runCli } from "./run-cli.js";
import { type CollectingContext, collectingContext } from "./test-support/collecting-context.js";

let cwd: string;
let context: CollectingContext;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ context, dispose } = await collectingContext("baton-check-"));
  cwd = context.cwd;
});
afterEach(() => dispose());

async function check(name: string, text: string, ...flags: string[]) {
  await writeFile(join(cwd, name), text);
  const code = await runCli(["check", name, ...flags], context);
  return { code, stdout: context.stdout.text, stderr: context.stderr.text };
}

const good = `name: hello
agents: { greeter: { model: "openai:gpt-4o-mini" } }
steps:
  - { id: greet, agent: greeter, input: "Say hello." }
  - { id: shout, agent: greeter, dependsOn: greet }
`;

const bad = `name: broken
agents: { greeter: { model: "simulated:greeter" } }
steps:
  - { id: greet, agent: greter }
  - { id: shout, agent: greeter, dependsOn: [gret], input: "{{ steps.greet.text }}" }
`;

describe("baton check", () => {
  it("says ok with the name and step count, and exits 0, without needing API keys", async () => {
    expect(await check("hello.yaml", good)).toEqual({
      code: 0,
      stdout: "ok: hello (2 steps)\n",
      stderr: "",
    });
  });

  it("prints every problem as file:line:column: path: message, and exits 2", async () => {
    expect(await check("broken.yaml", bad)).toEqual({
      code: 2,
      stdout: [
        'broken.yaml:4:25: steps[0].agent: unknown agent "greter" (did you mean "greeter"? known: greeter)',
        'broken.yaml:5:46: steps[1].dependsOn[0]: unknown step "gret" (did you mean "greet"? known: greet, shout)',
        'broken.yaml:5:60: steps[1].input: {{steps.greet.text}} reads step "greet", which is not a dependency of "shout", so it may not have run yet (add it to dependsOn)',
        "",
      ].join("\n"),
      stderr: "baton: 3 problems in broken.yaml\n",
    });
  });

  it("prints one JSON object with --json, for a good spec and a bad one", async () => {
    const ok = await check("hello.yaml", good, "--json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      ok: true,
      source: "hello.yaml",
      kind: "workflow",
      name: "hello",
      steps: 2,
      unstarted: [],
    });
    context.stdout.text = "";
    const failed = await check("broken.yaml", bad, "--json");
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      ok: false,
      source: "broken.yaml",
      problems: [
        { path: "steps[0].agent", line: 4, column: 25 },
        { path: "steps[1].dependsOn[0]", line: 5, column: 46 },
        { path: "steps[1].input", line: 5, column: 60 },
      ],
    });
  });

  it("checks a 100,000-step chain listed dependents first, and names a cycle in a long one", {
    timeout: 60_000,
  }, async () => {
    expect(await check("chain.json", JSON.stringify(chainSpec(100_000)))).toEqual({
      code: 0,
      stdout: "ok: chain-100000 (100000 steps)\n",
      stderr: "",
    });
    context.stdout.text = "";
    const cyclic = chainSpec(1_000, { order: "dependencies-first", cycle: { from: 10, to: 13 } });
    const { code, stdout } = await check("cycle.yaml", stringify(cyclic));
    expect(code).toBe(2);
    expect(stdout).toMatch(
      /^cycle\.yaml:\d+:\d+: steps\[10\]\.dependsOn: dependency cycle: s10 -> s11 -> s12 -> s13 -> s10\n$/,
    );
  });

  it("reports YAML resource attacks as problems with a line, exit 2, as baton run does", async () => {
    const laughs = [
      good,
      'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ];
    for (let level = 1; level <= 8; level++)
      laughs.push(
        `l${level}: &l${level} [${Array(10)
          .fill(`*l${level - 1}`)
          .join(", ")}]`,
      );
    const attacks = {
      "laughs.yaml": laughs.join("\n"),
      "alias.yaml": `${good}description: *nowhere\n`,
      "deep.yaml": `${good}output:\n${Array.from({ length: 3000 }, (_, level) => `${" ".repeat(level + 1)}a:`).join("\n")}\n`,
      "deep.json": `{"name": "deep", "output": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    };
    for (const [name, text] of Object.entries(attacks)) {
      context.stdout.text = "";
      context.stderr.text = "";
      const { code, stdout } = await check(name, text);
      expect(code, name).toBe(2);
      expect(stdout, name).toMatch(
        new RegExp(`^${name.replace(".", "\\.")}:\\d+:\\d+: \\(spec\\): `),
      );
      context.stderr.text = "";
      expect(await runCli(["run", name, "--store", join(cwd, "runs.db")], context), name).toBe(2);
      expect(context.stderr.text, name).toMatch(
        /^baton: Invalid spec .*\(1 problem\):\n {2}\(spec\) \(line \d+, column \d+\): /,
      );
    }
  });

  it("checks agents' tools against the tools section, without starting MCP servers", async () => {
    const tools = `tools:
  calculator: true
  files: { type: mcp, command: "\${NO_SUCH_SERVER}" , args: ["\${DATA_DIR}"] }
`;
    const spec = `${tools}name: tooled
agents: { solver: { model: "simulated:solver", tools: [calculator, calculater] } }
steps: [{ id: solve, agent: solver }]
`;
    const unset = await check("tooled.yaml", spec);
    expect(unset.code).toBe(2);
    expect(unset.stdout).toBe(
      "tooled.yaml: tools.files: the environment variable DATA_DIR is not set\n",
    );
    context.stdout.text = "";
    context.stderr.text = "";
    context.env = { DATA_DIR: "/data" };
    expect(await check("tooled.yaml", spec)).toEqual({
      code: 0,
      stdout: "ok: tooled (1 step)\n",
      stderr:
        "note: the MCP servers files were not started, so agents' tool names were not checked\n",
    });
    context.stdout.text = "";
    const builtIn = spec.replace(/ {2}files:.*\n/, "");
    expect(await check("builtin.yaml", builtIn)).toMatchObject({
      code: 2,
      stdout:
        'builtin.yaml:4:68: agents.solver.tools[1]: unknown tool "calculater" (did you mean "calculator"? known: calculator)\n',
    });
  });

  it("says when the file cannot be read, and stops when the context's signal aborts", async () => {
    expect(await runCli(["check", "missing.yaml"], context)).toBe(2);
    expect(context.stderr.text).toBe("baton: Cannot read the spec missing.yaml: no such file\n");
    context.stderr.text = "";
    const controller = new AbortController();
    controller.abort(new Error("received SIGINT"));
    context.signal = controller.signal;
    expect(await check("hello.yaml", good)).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "baton: CancelledError: The operation was cancelled\n",
    });
  });
});
