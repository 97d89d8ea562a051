/**
 * JSON in and out of TEXT columns. `undefined` is stored as SQL NULL and read back as
 * absent; every other value as its JSON text, so `null` survives as `null`.
 */
export function encodeJson(
  where: string | ((index: number) => string),
  value: unknown,
  index = 0,
): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // `where` may be a function so the hot path never builds a label it does not use.
    const label = typeof where === "string" ? where : where(index);
    throw new TypeError(`${label} cannot be stored as JSON: ${reason}`, { cause: error });
  }
  return text === undefined ? null : text;
}

export function decodeJson(text: unknown): unknown {
  return typeof text === "string" ? JSON.parse(text) : undefined;
}

/** Whether an event has fields besides `type` and `at` (else its payload is stored as NULL). */
export function hasFields(fields: object): boolean {
  for (const _ in fields) return true;
  return false;
}
