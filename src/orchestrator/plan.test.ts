import { describe, expect, it } from "vitest";
import { checkPlan, planSchema } from "./plan.js";

const options = {
  availableTools: ["calculator", "http_fetch"],
  takenNames: new Set(["lead", "designer"]),
};

describe("checkPlan", () => {
  it("turns a valid plan into tasks: parallel without dependencies, sequential with them", () => {
    const checked = checkPlan(
      {
        agents: [
          {
            name: "fetcher",
            instructions: "Fetch.",
            tools: ["http_fetch"],
            tasks: [{ description: "Get A" }, { description: "Get B" }],
          },
          {
            name: "summer",
            instructions: "Sum.",
            tools: ["calculator"],
            tasks: [{ id: "sum", description: "Add", dependsOn: ["fetcher"] }],
          },
        ],
      },
      options,
    );
    expect(checked.issues).toEqual([]);
    expect(checked.plan?.tasks).toEqual([
      { id: "fetcher-1", agent: "fetcher", description: "Get A", mode: "parallel", dependsOn: [] },
      { id: "fetcher-2", agent: "fetcher", description: "Get B", mode: "parallel", dependsOn: [] },
      {
        id: "sum",
        agent: "summer",
        description: "Add",
        mode: "sequential",
        dependsOn: ["fetcher-1", "fetcher-2"],
      },
    ]);
  });

  it("refuses tools that are not available, bad names and agents without tasks", () => {
    const { issues } = checkPlan(
      {
        agents: [
          {
            name: "9lives",
            instructions: " ",
            tools: ["shell", "calculator", "calculator"],
            tasks: [],
          },
          { name: "designer", instructions: "x", tools: [], tasks: [{ description: "y" }] },
        ],
      },
      options,
    );
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'agents[0].name: "9lives" is not a valid name: start with a letter, then letters, digits, _ or - (at most 64)',
      "agents[0].instructions: expected instructions",
      'agents[0].tools[0]: "shell" is not an available tool (available: calculator, http_fetch)',
      'agents[0].tools[2]: "calculator" is listed twice',
      "agents[0].tasks: expected at least one task",
      'agents[1].name: "designer" is already an agent\'s name: pick another',
    ]);
  });

  it("reports a plan of the wrong shape by path", () => {
    expect(checkPlan({ agents: [{ name: 3 }] }, options).issues.map((issue) => issue.path)).toEqual(
      ["agents[0].name", "agents[0].instructions", "agents[0].tasks"],
    );
    expect(checkPlan({ agents: [] }, options).issues).toEqual([
      { path: "agents", message: "expected at least one subagent" },
    ]);
  });
});

describe("planSchema", () => {
  it("shows the model the available tools as an enum but leaves checking them to checkPlan", async () => {
    const schema = planSchema(["calculator"]) as unknown as {
      jsonSchema: {
        properties: { agents: { items: { properties: { tools: { items: { enum: string[] } } } } } };
      };
      validate: (value: unknown) => { success: boolean };
    };
    expect(schema.jsonSchema.properties.agents.items.properties.tools.items.enum).toEqual([
      "calculator",
    ]);
    expect(
      schema.validate({
        agents: [{ name: "a", instructions: "b", tools: ["shell"], tasks: [{ description: "c" }] }],
      }).success,
    ).toBe(true);
    expect(schema.validate({ agents: "none" }).success).toBe(false);
  });
});
