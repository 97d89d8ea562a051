import { describe, expect, it } from "vitest";
import { parseTemplate, renderTemplate } from "./template.js";

function render(text: string, scope: unknown): unknown {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return renderTemplate(parsed.parts, scope);
}

describe("parseTemplate / renderTemplate", () => {
  const scope = {
    input: { topic: "tides", count: 3 },
    steps: { plan: { text: "A plan", output: { items: [{ title: "One" }], done: false } } },
  };

  it("replaces placeholders with values, with or without spaces inside the braces", () => {
    expect(render("About {{input.topic}} and {{ steps.plan.text }}.", scope)).toBe(
      "About tides and A plan.",
    );
    expect(render("{{steps.plan.output.items[0].title}}!", scope)).toBe("One!");
  });

  it("keeps the value's type when the template is a single placeholder", () => {
    expect(render("{{input.count}}", scope)).toBe(3);
    expect(render("{{steps.plan.output}}", scope)).toEqual(scope.steps.plan.output);
    expect(render("{{steps.plan.output.done}}", scope)).toBe(false);
  });

  it("writes objects as indented JSON and missing values as nothing inside text", () => {
    expect(render("Items: {{steps.plan.output.items}}", scope)).toBe(
      'Items: [\n  {\n    "title": "One"\n  }\n]',
    );
    expect(render("[{{input.nothing}}]", scope)).toBe("[]");
  });

  it("leaves text without placeholders alone, single braces included", () => {
    expect(render('JSON like {"a": 1} stays', scope)).toBe('JSON like {"a": 1} stays');
  });

  it("rejects a placeholder that is not a path or is not closed", () => {
    expect(parseTemplate("{{ 1 + 2 }}")).toEqual({
      ok: false,
      message: 'in "{{": expected a name like input or steps',
      offset: 3,
    });
    expect(parseTemplate("Hi {{input.name")).toEqual({
      ok: false,
      message: 'expected "}}" to close the placeholder opened at column 4',
      offset: 15,
    });
    expect(parseTemplate("{{input.}}")).toMatchObject({
      ok: false,
      message: 'in "{{": expected a name or an index after "."',
    });
  });
});
