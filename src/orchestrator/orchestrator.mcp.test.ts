import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../stores/memory/index.js";
import { type McpToolSet, mcpTools } from "../tools/index.js";
import { Orchestrator, PLAN_TOOL } from "./index.js";
import { json, promptsOf, scripted, text, toolCall, toolsOffered } from "./test-support.js";

const serverPath = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);

let directory: string;
let filesystem: McpToolSet;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "baton-orchestrator-mcp-"));
  await writeFile(join(directory, "tides.csv"), "port,high\nLeith,06:12\n");
  filesystem = await mcpTools({ command: process.execPath, args: [serverPath, directory] });
});

afterEach(async () => {
  await filesystem.close();
  await rm(directory, { recursive: true, force: true });
});

describe("Orchestrator with an MCP server's tools", () => {
  it("gives a planned subagent one MCP tool, whose call reaches the real server", async () => {
    const designer = scripted(
      "designer",
      json({
        agents: [
          {
            name: "librarian",
            instructions: "List files.",
            tools: ["list_directory"],
            tasks: [{ id: "list", description: `List ${directory}.` }],
          },
        ],
      }),
    );
    const subagents = scripted(
      "sub",
      toolCall("list_directory", { path: directory }),
      text("One file: tides.csv."),
    );
    const main = scripted(
      "main",
      toolCall(PLAN_TOOL, { goal: "What files are there?" }),
      text("There is tides.csv."),
    );
    const team = new Orchestrator({
      mainAgent: { name: "lead", model: main },
      designerModel: designer,
      subagentModel: subagents,
      availableTools: filesystem.tools,
      store: new MemoryStore(),
    });
    const result = await team.process("What files are there?");
    expect(toolsOffered(subagents)[0]).toEqual(["list_directory"]);
    const listing = result.toolOutputs.find((call) => call.tool === "list_directory");
    expect(listing).toMatchObject({ agent: "librarian" });
    expect(listing?.error).toBeUndefined();
    expect(JSON.stringify(listing?.output)).toContain("[FILE] tides.csv");
    expect(promptsOf(subagents)[1]).toContain("tides.csv");
    expect(result.content).toBe("There is tides.csv.");
  });
});
