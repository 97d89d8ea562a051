import { describe, expect, it } from "vitest";
import { BatonError } from "../core/errors/baton-error.js";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { parseSpec } from "./parse-spec.js";
import { SpecError, type SpecIssue } from "./spec-error.js";

const valid = `
name: research
agents:
  researcher: { model: "simulated:researcher", instructions: "Find facts." }
  writer: { model: "simulated:writer" }
inputs:
  topic: { type: string, default: tides }
steps:
  - id: facts
    agent: researcher
    input: "Find facts about {{input.topic}}"
  - id: draft
    agent: writer
    dependsOn: facts
    input: "Write from {{steps.facts.text}}"
`;

/** The problems parseSpec reports for `text`, without positions. */
function problems(text: string, options: Parameters<typeof parseSpec>[1] = {}): SpecIssue[] {
  try {
    parseSpec(text, options);
  } catch (error) {
    if (!SpecError.isInstance(error)) throw error;
    return error.issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error("expected the spec to be rejected");
}

/** `valid` with its steps replaced. */
function withSteps(steps: string, extra = ""): string {
  return `${valid.slice(0, valid.indexOf("steps:"))}${extra}steps:\n${steps}`;
}

describe("parseSpec", () => {
  it("returns the validated spec with dependsOn normalised to a list", () => {
    const spec = parseSpec(valid, { kind: "workflow" });
    expect(spec.name).toBe("research");
    expect(spec.steps.map((step) => step.id)).toEqual(["facts", "draft"]);
    expect(spec.steps[1]!.dependsOn).toEqual(["facts"]);
    expect(spec.inputs?.topic).toEqual({ type: "string", default: "tides" });
  });

  it("reads the same spec from JSON, choosing the format from the source or the text", () => {
    const fromYaml = parseSpec(valid);
    const json = JSON.stringify(fromYaml);
    expect(parseSpec(json)).toEqual(fromYaml);
    expect(parseSpec(json, { source: "research.json" })).toEqual(fromYaml);
    expect(parseSpec(json, { format: "yaml" })).toEqual(fromYaml);
  });

  it("accepts a route target with dependencies besides the routing step (skipped unless chosen)", () => {
    const spec = parseSpec(
      withSteps(`
  - { id: facts, agent: researcher }
  - id: review
    agent: writer
    dependsOn: facts
    route: [{ when: "output.approved", to: publish }, { to: revise }]
  - { id: publish, agent: writer, dependsOn: review }
  - { id: revise, agent: writer, dependsOn: [facts, review] }
`),
      { kind: "workflow" },
    );
    expect(spec.steps.find((step) => step.id === "revise")?.dependsOn).toEqual(["facts", "review"]);
  });

  it("throws a SpecError, a ConfigurationError and BatonError, that lists every problem", () => {
    const text = withSteps(`
  - id: facts
    agent: researchr
  - id: draft
    agent: writer
    dependsOn: [factz]
    priorty: 1
`);
    let caught: unknown;
    try {
      parseSpec(text, { source: "research.yaml" });
    } catch (error) {
      caught = error;
    }
    expect(SpecError.isInstance(caught)).toBe(true);
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    expect(BatonError.isInstance(caught)).toBe(true);
    const error = caught as SpecError;
    expect(error.source).toBe("research.yaml");
    expect(error.issues).toEqual([
      {
        path: "steps[0].agent",
        message: 'unknown agent "researchr" (did you mean "researcher"? known: researcher, writer)',
        line: 11,
        column: 12,
      },
      {
        path: "steps[1].dependsOn[0]",
        message: 'unknown step "factz" (did you mean "facts"? known: facts, draft)',
        line: 14,
        column: 17,
      },
      {
        path: "steps[1].priorty",
        message: 'unknown key "priorty" (did you mean "priority"?)',
        line: 15,
        column: 5,
      },
    ]);
    expect(error.message).toBe(
      [
        "Invalid spec research.yaml (3 problems):",
        '  steps[0].agent (line 11, column 12): unknown agent "researchr" (did you mean "researcher"? known: researcher, writer)',
        '  steps[1].dependsOn[0] (line 14, column 17): unknown step "factz" (did you mean "facts"? known: facts, draft)',
        '  steps[1].priorty (line 15, column 5): unknown key "priorty" (did you mean "priority"?)',
      ].join("\n"),
    );
  });

  describe("rejects bad specs, naming the path and what was expected", () => {
    it("YAML that does not parse", () => {
      const error = (() => {
        try {
          parseSpec("name: x\nsteps: [a, b\nagents: {}\n");
        } catch (caught) {
          return caught as SpecError;
        }
      })();
      expect(error?.issues[0]).toMatchObject({ path: "", line: 3 });
      expect(error?.issues[0]?.message).toMatch(/^invalid YAML: /);
    });

    it("JSON that does not parse", () => {
      const [issue] = problems('{\n  "name": "x",\n  "steps": [,]\n}', { format: "json" });
      expect(issue?.path).toBe("");
      expect(issue?.message).toMatch(/^invalid JSON: /);
    });

    it("a document that is not a map", () => {
      expect(problems("- a\n- b\n")).toEqual([
        { path: "", message: "expected object, received a list" },
      ]);
    });

    it("missing required fields", () => {
      expect(problems("description: nothing here\n")).toEqual([
        { path: "name", message: "required: expected the workflow's name" },
        { path: "agents", message: "required: expected a map of agents by name" },
        { path: "steps", message: "required: expected a list of steps" },
      ]);
    });

    it("an unknown top-level key, with a suggestion", () => {
      expect(problems(`${valid}step: []\n`)).toEqual([
        { path: "step", message: 'unknown key "step" (did you mean "steps"?)' },
      ]);
    });

    it("values of the wrong type or range", () => {
      expect(
        problems(`${valid}concurrency: 0\nbudget: { maxCents: -1 }\nfailureMode: quorum\n`),
      ).toEqual([
        { path: "concurrency", message: "expected an integer >= 1, received 0" },
        { path: "budget.maxCents", message: "expected a number >= 0, received -1" },
        { path: "failureMode", message: 'expected "fail-fast" or "continue", received "quorum"' },
      ]);
    });

    it("a step id that is not a name, and an agent name with a space", () => {
      const text = withSteps(`
  - id: "fact check"
    agent: researcher
`).replace("writer: {", '"the writer": {');
      expect(problems(text)).toEqual([
        {
          path: 'agents["the writer"]',
          message:
            'invalid name "the writer": expected a name of letters, digits, _ and - that starts with a letter or _',
        },
        {
          path: "steps[0].id",
          message:
            'expected a name of letters, digits, _ and - that starts with a letter or _, received "fact check"',
        },
      ]);
    });

    it("duplicate step ids", () => {
      expect(
        problems(
          withSteps(`
  - { id: facts, agent: researcher }
  - { id: facts, agent: writer }
`),
        ),
      ).toEqual([
        { path: "steps[1].id", message: 'duplicate step id "facts" (first used by steps[0])' },
      ]);
    });

    it("a dependency cycle, named in running order", () => {
      expect(
        problems(
          withSteps(`
  - { id: plan, agent: researcher, dependsOn: [review] }
  - { id: write, agent: writer, dependsOn: [plan] }
  - { id: review, agent: writer, dependsOn: [write] }
  - { id: publish, agent: writer, dependsOn: [review] }
`),
        ),
      ).toEqual([
        {
          path: "steps[0].dependsOn",
          message: "dependency cycle: plan -> write -> review -> plan",
        },
      ]);
    });

    it("a step that depends on itself or lists a dependency twice", () => {
      expect(
        problems(
          withSteps(`
  - { id: facts, agent: researcher, dependsOn: [facts] }
  - { id: draft, agent: writer, dependsOn: [facts, facts] }
`),
        ),
      ).toEqual([
        { path: "steps[0].dependsOn[0]", message: 'step "facts" depends on itself' },
        { path: "steps[1].dependsOn[1]", message: '"facts" is listed twice' },
      ]);
    });

    it("an agent without a model when there is no default model", () => {
      const text = valid.replace(
        'writer: { model: "simulated:writer" }',
        'writer: { instructions: "Write." }',
      );
      expect(problems(text)).toEqual([
        {
          path: "agents.writer.model",
          message: "required: give the agent a model, or set defaults.model",
        },
      ]);
      expect(
        parseSpec(`defaults: { model: "simulated:any" }\n${text}`, { kind: "workflow" }).agents
          .writer?.model,
      ).toBeUndefined();
    });

    it("a model with an unknown provider, or not of the form provider:model-id", () => {
      const text = valid
        .replace('"simulated:writer"', '"opnai:gpt-4o-mini"')
        .replace('"simulated:researcher"', '"gpt-4o"');
      expect(problems(text)).toEqual([
        {
          path: "agents.researcher.model",
          message: 'expected a model string "provider:model-id", received "gpt-4o"',
        },
        {
          path: "agents.writer.model",
          message:
            'unknown provider "opnai" in "opnai:gpt-4o-mini" (did you mean "openai"? known: openai, anthropic, google, ollama, openai-compatible, simulated)',
        },
      ]);
    });

    it("a custom provider without a type, and a provider's bad base URL", () => {
      const text = `providers:\n  local: { baseURL: "not a url" }\n${valid.replace('"simulated:writer"', '"local:qwen2.5"')}`;
      expect(problems(text)).toEqual([
        {
          path: "providers.local.type",
          message:
            'required: "local" is not a built-in provider, so say which API it speaks (openai-compatible, openai, anthropic, google, ollama)',
        },
        {
          path: "providers.local.baseURL",
          message: 'expected a URL like http://127.0.0.1:1234/v1, received "not a url"',
        },
      ]);
    });

    it("an unknown tool, when the tool names are known", () => {
      const text = valid.replace('instructions: "Find facts."', "tools: [calculator, serch]");
      expect(problems(text, { tools: ["calculator", "search"] })).toEqual([
        {
          path: "agents.researcher.tools[1]",
          message: 'unknown tool "serch" (did you mean "search"? known: calculator, search)',
        },
      ]);
      expect(() => parseSpec(text)).not.toThrow();
    });

    it("a template that reads a step that is not a dependency", () => {
      const text = withSteps(`
  - { id: facts, agent: researcher }
  - { id: outline, agent: writer }
  - id: draft
    agent: writer
    dependsOn: [outline]
    input: "{{steps.outline.text}} {{steps.facts.text}}"
`);
      expect(problems(text)).toEqual([
        {
          path: "steps[2].input",
          message:
            '{{steps.facts.text}} reads step "facts", which is not a dependency of "draft", so it may not have run yet (add it to dependsOn)',
        },
      ]);
    });

    it("accepts a transitive dependency in a template", () => {
      const text = withSteps(`
  - { id: facts, agent: researcher }
  - { id: outline, agent: writer, dependsOn: facts }
  - { id: draft, agent: writer, dependsOn: outline, input: "{{steps.facts.output}}" }
`);
      expect(() => parseSpec(text)).not.toThrow();
    });

    it("templates with an unknown step, an unknown input, a bad field or no closing braces", () => {
      const text = withSteps(`
  - id: facts
    agent: researcher
    input:
      topic: "{{input.topc}}"
      notes: ["{{steps.nothing.text}}", "{{ steps.facts.text"]
  - id: draft
    agent: writer
    dependsOn: facts
    input: "{{steps.facts.txt}} {{env.HOME}}"
`);
      expect(problems(text)).toEqual([
        {
          path: "steps[0].input.topic",
          message:
            '{{input.topc}} refers to unknown input "topc" (did you mean "topic"? declared: topic)',
        },
        {
          path: "steps[0].input.notes[0]",
          message: '{{steps.nothing.text}} refers to unknown step "nothing" (known: facts, draft)',
        },
        {
          path: "steps[0].input.notes[1]",
          message:
            'invalid template at column 20: expected "}}" to close the placeholder opened at column 1',
        },
        {
          path: "steps[1].input",
          message: '{{steps.facts.txt}}: expected text or output after steps.facts, found "txt"',
        },
        {
          path: "steps[1].input",
          message: '{{env.HOME}}: unknown name "env" (a reference starts with input, steps)',
        },
      ]);
    });

    it("conditions that do not parse, and conditions that read the step itself", () => {
      const text = withSteps(`
  - id: facts
    agent: researcher
    when: "input.topic = 'tides'"
  - id: draft
    agent: writer
    dependsOn: facts
    when: "steps.draft.text"
    loop: { until: "steps.draft.output.done == true", maxIterations: 3 }
`);
      expect(problems(text)).toEqual([
        { path: "steps[0].when", message: 'invalid condition at column 13: use "==" to compare' },
        {
          path: "steps[1].when",
          message: "{{steps.draft.text}}: a step cannot read its own result before it runs",
        },
        {
          path: "steps[1].loop.until",
          message: "{{steps.draft.output.done}}: use text or output to read this step's own result",
        },
      ]);
    });

    it("route targets that do not follow the routing step, and a default case that is not last", () => {
      const text = withSteps(`
  - id: triage
    agent: researcher
    route:
      - { to: answer }
      - { when: "output.kind == 'bug'", to: [fix, facts] }
  - { id: fix, agent: writer, dependsOn: triage }
  - { id: answer, agent: writer, dependsOn: triage }
  - { id: facts, agent: researcher }
`);
      expect(problems(text)).toEqual([
        {
          path: "steps[0].route[0]",
          message:
            "a case without `when` always matches, so the cases after it can never be chosen; put it last",
        },
        {
          path: "steps[0].route[1].to[1]",
          message:
            'step "facts" does not depend on "triage", so this route cannot choose it (add "triage" to its dependsOn)',
        },
      ]);
    });

    it("a step after a routing step that no route case leads to (unreachable)", () => {
      const text = withSteps(`
  - id: triage
    agent: researcher
    route: [{ when: "text contains 'bug'", to: fix }]
  - { id: fix, agent: writer, dependsOn: triage }
  - { id: answer, agent: writer, dependsOn: [fix, triage] }
`);
      expect(problems(text)).toEqual([
        {
          path: "steps[2].dependsOn[1]",
          message:
            'unreachable: "answer" follows the routing step "triage", but no route case leads to it, so it would always be skipped',
        },
      ]);
    });

    it("a quorum larger than the step's dependencies", () => {
      const text = withSteps(`
  - { id: a, agent: researcher }
  - { id: b, agent: researcher }
  - { id: join, agent: writer, dependsOn: [a, b], quorum: 3 }
`);
      expect(problems(text)).toEqual([
        { path: "steps[2].quorum", message: "quorum 3 is more than the step's 2 dependencies" },
      ]);
    });

    it("an input default of the wrong type or outside its enum", () => {
      const text = valid.replace(
        "topic: { type: string, default: tides }",
        "topic: { type: string, default: 3 }\n  depth: { type: integer, default: 2, enum: [1, 3] }",
      );
      expect(problems(text)).toEqual([
        { path: "inputs.topic.default", message: "expected a string, received 3" },
        { path: "inputs.depth.default", message: "expected one of 1, 3, received 2" },
      ]);
    });

    it("a budget for an agent that does not exist, and retry options out of range", () => {
      const text = withSteps(
        `
  - { id: facts, agent: researcher, retry: { maxAttempts: 0, jitter: 2 } }
`,
        "budget: { maxCents: 50, perAgent: { writter: { maxTokens: 100 } } }\n",
      );
      expect(problems(text)).toEqual([
        {
          path: "budget.perAgent.writter",
          message: 'unknown agent "writter" (did you mean "writer"? known: researcher, writer)',
        },
        { path: "steps[0].retry.maxAttempts", message: "expected an integer >= 1, received 0" },
        { path: "steps[0].retry.jitter", message: "expected a number in [0, 1], received 2" },
      ]);
      expect(problems(text.replace("{ maxAttempts: 0, jitter: 2 }", "often"))).toContainEqual({
        path: "steps[0].retry",
        message:
          'expected a number of attempts or { maxAttempts, initialDelayMs, backoffFactor, maxDelayMs, jitter }, received "often"',
      });
    });

    it("an output template that names an unknown step", () => {
      expect(problems(`${valid}output: { report: "{{steps.drafts.text}}" }\n`)).toEqual([
        {
          path: "output.report",
          message:
            '{{steps.drafts.text}} refers to unknown step "drafts" (did you mean "draft"? known: facts, draft)',
        },
      ]);
    });
  });
});
