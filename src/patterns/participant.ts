import type { Runnable } from "../index.js";

/**
 * What a pattern hands work to: an agent, a workflow taking a string, or another pattern.
 * Its answer is read as text (`result.text`, else the text of `result.output`).
 */
export type Participant = Runnable<string>;

/** One participant's answer, as patterns report it. */
export interface Answer {
  /** The participant's name. */
  agent: string;
  /** The step that produced it. */
  stepId: string;
  text: string;
  /** The structured output when the participant has one, else the text. */
  output: unknown;
}

/** A short description of a value for error messages: `null`, `an array`, `"text"`, `object`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" || typeof value === "function" ? typeof value : String(value);
}

/** Whether `value` is something a workflow step can run (an agent or a workflow). */
export function isParticipant(value: unknown): value is Participant {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Runnable).execute === "function" &&
    typeof (value as Runnable).name === "string" &&
    ((value as Runnable).kind === "agent" || (value as Runnable).kind === "workflow")
  );
}

/** Throws a TypeError naming `where` unless `value` is a participant. */
export function checkParticipant(value: unknown, where: string): Participant {
  if (!isParticipant(value)) {
    throw new TypeError(
      `${where}: expected an agent or a workflow, received ${describeValue(value)}`,
    );
  }
  return value;
}

/** Throws a TypeError naming `where` unless `value` is an array of at least `min` participants. */
export function checkParticipants(value: unknown, where: string, min = 1): Participant[] {
  if (!Array.isArray(value) || value.length < min) {
    throw new TypeError(
      `${where}: expected an array of at least ${min} agent${min === 1 ? "" : "s"}, received ${describeValue(value)}${Array.isArray(value) ? ` of ${value.length}` : ""}`,
    );
  }
  return value.map((entry, index) => checkParticipant(entry, `${where}[${index}]`));
}

/** The task as text: a string as it is, anything else as JSON. */
export function taskOf(input: unknown): string {
  if (typeof input === "string") return input;
  if (input === undefined) return "";
  try {
    return JSON.stringify(input, null, 2) ?? String(input);
  } catch {
    return String(input);
  }
}

/**
 * The text of a step's result: an agent's `text`, a (pattern) workflow's output text,
 * a string as it is, anything else as JSON.
 */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "object") {
    const record = value as { text?: unknown; output?: unknown };
    if (typeof record.text === "string") return record.text;
    if ("output" in record) return textOf(record.output);
  }
  return taskOf(value);
}

/** The output of a step's result: an agent's `output`, a workflow's `output`, else the value. */
export function outputOf(value: unknown): unknown {
  if (typeof value === "object" && value !== null && "output" in value) {
    return (value as { output: unknown }).output;
  }
  return value;
}

/** An {@link Answer} from the result a step recorded. */
export function answerOf(participant: Participant, stepId: string, result: unknown): Answer {
  return { agent: participant.name, stepId, text: textOf(result), output: outputOf(result) };
}

/** Step ids from names, made unique (`writer`, `writer-2`) and kept clear of `reserved`. */
export function uniqueIds(names: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved);
  return names.map((name) => {
    const base = name.trim() === "" ? "agent" : name;
    let id = base;
    for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
    taken.add(id);
    return id;
  });
}

/** A participant with an optional description for the model that picks among them. */
export interface NamedParticipant {
  agent: Participant;
  description?: string;
}

/**
 * Participants by name from `{ name: agent | { agent, description } }`, or from an array
 * (each named after its agent), as the pattern's options rule checked them.
 */
export function namedParticipants(
  value: Readonly<Record<string, Participant | NamedParticipant>> | readonly Participant[],
): Map<string, NamedParticipant> {
  const entries: Array<[string, Participant | NamedParticipant]> = Array.isArray(value)
    ? value.map((agent: Participant) => [agent.name, agent])
    : Object.entries(value);
  return new Map(
    entries.map(([name, entry]) => [name, isParticipant(entry) ? { agent: entry } : entry]),
  );
}
