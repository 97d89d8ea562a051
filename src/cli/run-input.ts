import type { WorkflowSpec } from "../spec/index.js";
import { CliInputError } from "./cli-input-error.js";

/**
 * The run's input from `--input name=value` pairs. Values of inputs the spec declares
 * are read as their type (`number`, `integer`, `boolean`, JSON for `object` and
 * `array`); everything else stays a string. The spec checks the result (required
 * inputs, enums, unknown names) when the run starts.
 *
 * @throws CliInputError naming the flag when a value does not read as its type.
 */
export function runInput(
  pairs: ReadonlyArray<readonly [string, string]>,
  declared: WorkflowSpec["inputs"],
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, raw] of pairs) {
    const type = declared && Object.hasOwn(declared, name) ? declared[name]!.type : "string";
    const value = readAs(raw, type);
    if (value.ok) input[name] = value.value;
    else problems.push(`--input ${name}=${raw}: expected ${value.expected}`);
  }
  if (problems.length > 0) {
    throw new CliInputError(`Invalid --input:\n  ${problems.join("\n  ")}`);
  }
  return input;
}

type Read = { ok: true; value: unknown } | { ok: false; expected: string };

function readAs(raw: string, type: string): Read {
  switch (type) {
    case "number":
    case "integer": {
      const number = Number(raw.trim());
      if (raw.trim() === "" || !Number.isFinite(number))
        return { ok: false, expected: type === "integer" ? "an integer" : "a number" };
      if (type === "integer" && !Number.isInteger(number))
        return { ok: false, expected: "an integer" };
      return { ok: true, value: number };
    }
    case "boolean": {
      const word = raw.trim().toLowerCase();
      if (["true", "yes", "1"].includes(word)) return { ok: true, value: true };
      if (["false", "no", "0"].includes(word)) return { ok: true, value: false };
      return { ok: false, expected: "true or false" };
    }
    case "object":
    case "array": {
      try {
        return { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { ok: false, expected: `JSON (an ${type})` };
      }
    }
    default:
      return { ok: true, value: raw };
  }
}
