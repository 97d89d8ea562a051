import type { z } from "zod";
import { outputOf, textOf } from "./participant.js";
import { PatternOutputError } from "./pattern-output-error.js";

/** What `readStructured` needs to know besides the result. */
export interface ReadStructuredOptions {
  /** The participant that answered, for the error. */
  participant: string;
  /** What was expected, in words, for the error. */
  expected: string;
  /** Reads a plain-text answer ("yes", "APPROVED: ...") into a candidate value. */
  fromText?: (text: string) => unknown;
}

/** The first JSON object in `text` (fenced or bare), or undefined. */
export function jsonIn(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const source = (fenced ? fenced[1]! : text).trim();
  for (const candidate of [
    source,
    source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1),
  ]) {
    if (candidate === "") continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // Not JSON; try the next candidate.
    }
  }
  return undefined;
}

/** The first word of `text`, lower case, without punctuation. */
export function leadingWord(text: string): string {
  return (/[\p{L}\p{N}]+/u.exec(text)?.[0] ?? "").toLowerCase();
}

/**
 * Reads a step result as `schema`: the structured output when the agent had one, else JSON
 * in its text, else what `fromText` makes of the text.
 * @throws PatternOutputError when none of them fits the schema.
 */
export function readStructured<T>(
  result: unknown,
  schema: z.ZodType<T>,
  options: ReadStructuredOptions,
): T {
  const output = outputOf(result);
  const text = textOf(result);
  const candidates: unknown[] = [];
  if (typeof output === "object" && output !== null) candidates.push(output);
  const json = jsonIn(text);
  if (json !== undefined) candidates.push(json);
  const fromText = options.fromText?.(text);
  if (fromText !== undefined) candidates.push(fromText);
  let firstIssue: unknown;
  for (const candidate of candidates) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    firstIssue ??= parsed.error;
  }
  throw new PatternOutputError({
    participant: options.participant,
    expected: options.expected,
    text,
    cause: firstIssue,
  });
}
