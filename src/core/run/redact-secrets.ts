/** What replaces a secret in the log. */
export const redacted = "[REDACTED]";

/**
 * Key names whose values are secrets, compared without case and without `-`, `_` and
 * other separators: `apiKey`, `api_key`, `X-Api-Key`, `Authorization`, `clientSecret`,
 * `accessToken`, `password`, ... (a key ending in one of these). `tokens` (usage counts
 * like `inputTokens`) is not one of them.
 */
const secretKeyEndings = [
  "apikey",
  "secret",
  "secretkey",
  "accesskey",
  "privatekey",
  "password",
  "passwd",
  "passphrase",
  "token",
  "authorization",
  "credential",
  "credentials",
  "cookie",
];

/**
 * Values that look like common API keys and bearer credentials, wherever they appear in
 * a string (an error message that quotes a key, a header line): OpenAI and Anthropic
 * (`sk-...`), Google (`AIza...`), GitHub (`ghp_...`), Slack (`xoxb-...`), AWS access key
 * ids (`AKIA...`), Hugging Face (`hf_...`), Groq (`gsk_...`), and `Bearer <token>`.
 */
const secretValue =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|hf_[A-Za-z0-9]{30,}|gsk_[A-Za-z0-9]{30,})|\bBearer\s+[A-Za-z0-9._~+/=-]{12,}/g;
/** A cheap first test: strings without any of these cannot match `secretValue`. */
const secretHint = /sk-|AIza|gh[pousr]_|github_pat_|xox|AKIA|hf_|gsk_|Bearer/;

const maxDepth = 64;
const keyVerdicts = new Map<string, boolean>();

/** Whether a value stored under `key` is a secret (`apiKey`, `authorization`, ...). */
export function isSecretKey(key: string): boolean {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
    verdict = secretKeyEndings.some((ending) => normalized.endsWith(ending));
    if (keyVerdicts.size < 10_000) keyVerdicts.set(key, verdict);
  }
  return verdict;
}

/** `text` with every substring that looks like an API key replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  if (text.length < 12 || !secretHint.test(text)) return text;
  secretValue.lastIndex = 0;
  return text.replace(secretValue, redacted);
}

/**
 * A copy of `value` with its secrets replaced by `"[REDACTED]"`: the value of every key
 * named like a secret (`apiKey`, `authorization`, `clientSecret`, `password`, `token`,
 * ...), and every substring that looks like a common API key (`sk-...`, `Bearer ...`).
 * Returns `value` itself when it holds no secret, so the common case allocates nothing;
 * never changes `value`. Runs redact every event before it is logged, so secrets reach
 * neither the store nor the event stream.
 *
 * @example
 * redactSecrets({ headers: { Authorization: "Bearer abc123abc123abc" }, n: 1 })
 * // { headers: { Authorization: "[REDACTED]" }, n: 1 }
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, 0) as T;
}

/**
 * `value` redacted as `redactSecrets` redacts it when it is a field of a logged event:
 * for events the engine builds itself, whose other fields are its own (ids, times,
 * counts) and need no search. `redactSecrets(event)` equals the event with each of its
 * non-engine fields passed through this.
 */
export function redactEventField<T>(value: T): T {
  if (typeof value !== "object" && typeof value !== "string") return value;
  return walk(value, 1) as T;
}

/**
 * Fields of a logged event that the engine sets itself (ids, type, time): not searched,
 * which keeps redaction cheap on the append path.
 */
const engineFields = new Set(["type", "at", "runId", "parentRunId", "stepId", "attempt", "seq"]);
/** Frozen objects found clean (shared constants like zero usage): they cannot change. */
const cleanFrozen = new WeakSet<object>();

function walk(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null || depth > maxDepth) return value;
  if (cleanFrozen.has(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const cleaned = walk(item, depth + 1);
      if (cleaned !== item) {
        copy ??= value.slice();
        copy[index] = cleaned;
      }
    }
    return copy ?? value;
  }
  // Maps, Sets and class instances with private state are left as JSON would see them:
  // their own enumerable fields are checked like a plain object's.
  let copy: Record<string, unknown> | undefined;
  // Cached as clean only when frozen all the way down (nothing in it can change later).
  let frozenDeep = Object.isFrozen(value);
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || (depth === 0 && engineFields.has(key))) continue;
    const item = record[key];
    let cleaned: unknown;
    if (item !== undefined && item !== null && item !== "" && isSecretKey(key)) {
      cleaned = typeof item === "boolean" ? item : redacted;
    } else {
      cleaned = walk(item, depth + 1);
      if (frozenDeep && typeof item === "object" && item !== null && !cleanFrozen.has(item)) {
        frozenDeep = Array.isArray(item) && Object.isFrozen(item) && item.length === 0;
      }
    }
    if (cleaned !== item) {
      copy ??= { ...record };
      copy[key] = cleaned;
    }
  }
  if (!copy && frozenDeep) cleanFrozen.add(value);
  return copy ?? value;
}
