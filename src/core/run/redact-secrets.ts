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
 * (`sk-` and 8 or more key characters), Google (`AIza...`), GitHub (`ghp_...`), Slack
 * (`xoxb-...`), AWS access key ids (`AKIA...`), Hugging Face (`hf_...`), Groq (`gsk_...`),
 * `Bearer <token>` (a token with a digit, or of 20+ characters, so "bearer instruments"
 * stays), and whatever follows `Incorrect API key provided:` (OpenAI quotes the key it
 * refused there, whatever its shape).
 */
const secretValue = new RegExp(
  [
    String.raw`\b(?:sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|hf_[A-Za-z0-9]{30,}|gsk_[A-Za-z0-9]{30,})`,
    String.raw`\b[Bb]earer\s+(?:\[REDACTED\]|(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}|[A-Za-z0-9._~+/=-]{20,})`,
    String.raw`(?<=\bIncorrect API key provided:\s{0,4})(?!\[REDACTED\])\S+?(?=[.,;:!?'"\\)\]}]*(?:\s|$))`,
  ].join("|"),
  "g",
);
/** A cheap first test: strings without any of these cannot match `secretValue`. */
const secretHint = /sk-|AIza|gh[pousr]_|github_pat_|xox|AKIA|hf_|gsk_|[Bb]earer|API key provided/;
/** No key is shorter: shorter values given as keys are placeholders (`EMPTY`, `ollama`). */
const minimumSecretLength = 8;

const maxDepth = 64;
/**
 * Fields of a logged event that the engine sets itself (ids, type, time): not searched,
 * which keeps redaction cheap on the append path.
 */
const engineFields = new Set(["type", "at", "runId", "parentRunId", "stepId", "attempt", "seq"]);
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

/**
 * Replaces secrets with `"[REDACTED]"`: the values of secret-named keys, substrings that
 * look like API keys, and the exact secret values it was given (keys of any shape, as
 * read from the environment or from options; values shorter than 8 characters are
 * ignored). A model resolved from a string uses one made of its own key
 * (`ResolvedModel.secrets`) to scrub the errors it throws.
 *
 * @example
 * const redactor = new Redactor(["local-7f3a9c2e"]);
 * redactor.text("key local-7f3a9c2e refused"); // "key [REDACTED] refused"
 */
export class Redactor {
  /** The secret values, longest first (so a value containing another goes whole). */
  readonly values: readonly string[];
  /** Frozen objects found clean (shared constants like zero usage): they cannot change. */
  readonly #cleanFrozen = new WeakSet<object>();

  constructor(values: Iterable<string | undefined> = []) {
    const kept = new Set<string>();
    for (const value of values) {
      if (typeof value === "string" && value.length >= minimumSecretLength) kept.add(value);
    }
    this.values = Object.freeze([...kept].sort((a, b) => b.length - a.length));
  }

  /** A redactor for these values and `values` too. */
  with(values: Iterable<string | undefined>): Redactor {
    return new Redactor([...this.values, ...values]);
  }

  /** `text` with every secret value, and every substring that looks like a key, replaced. */
  text(text: string): string {
    if (text.length < minimumSecretLength) return text;
    let clean = text;
    for (const value of this.values) {
      if (clean.includes(value)) clean = clean.replaceAll(value, redacted);
    }
    if (!secretHint.test(clean)) return clean;
    secretValue.lastIndex = 0;
    return clean.replace(secretValue, redacted);
  }

  /**
   * A copy of `value` with its secrets replaced (see `redactSecrets`); `value` itself when
   * it holds none. Never changes `value`.
   */
  value<T>(value: T): T {
    return this.#walk(value, 0) as T;
  }

  /** `value` redacted as a field of a logged event (see `redactEventField`). */
  eventField<T>(value: T): T {
    if (typeof value !== "object" && typeof value !== "string") return value;
    return this.#walk(value, 1) as T;
  }

  /**
   * Removes secrets from an error in place, so it keeps its class and fields (an AI SDK
   * `APICallError` stays one, with its status code): its message, stack, own fields and
   * causes, and the errors it aggregates. For errors a model throws: they are fresh, and
   * everything made from them (events, messages, the CLI's output) is then clean too.
   * Returns `error`; something thrown that is not an `Error` comes back as a redacted copy.
   */
  error<T>(error: T): T {
    if (!(error instanceof Error)) return this.value(error);
    this.#scrubError(error, new Set(), 0);
    return error;
  }

  #scrubError(error: unknown, seen: Set<unknown>, depth: number): void {
    if (!(error instanceof Error) || seen.has(error) || depth > maxDepth) return;
    seen.add(error);
    const fields = error as unknown as Record<string, unknown>;
    // `message`, `stack`, `cause` and an AggregateError's `errors` are not enumerable.
    for (const key of new Set([...Object.keys(error), "message", "stack", "cause", "errors"])) {
      const item = fields[key];
      if (item instanceof Error) {
        this.#scrubError(item, seen, depth + 1);
        continue;
      }
      if (Array.isArray(item) && item.some((entry) => entry instanceof Error)) {
        for (const entry of item) this.#scrubError(entry, seen, depth + 1);
        continue;
      }
      const cleaned = isSecretKey(key) && typeof item === "string" ? redacted : this.value(item);
      if (cleaned === item) continue;
      try {
        fields[key] = cleaned;
      } catch {
        // A read-only field: define over it, or leave it when that is refused too.
        Reflect.defineProperty(error, key, { value: cleaned, configurable: true, writable: true });
      }
    }
  }

  #walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null || depth > maxDepth) return value;
    const cleanFrozen = this.#cleanFrozen;
    if (cleanFrozen.has(value)) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const cleaned = this.#walk(item, depth + 1);
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
        cleaned = this.#walk(item, depth + 1);
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
}

/**
 * The redactor every run uses: the patterns, plus the API keys this process has read
 * (`rememberSecretValues`). A process-wide value on purpose, and the only one: a key is
 * read where a model is resolved (an agent made at import time, a spec built by the CLI),
 * often far from the runs that later use it, and it must stay out of every run's log,
 * whichever run or step it turns up in (a tool's output, an input, an error). It only
 * grows, by the few keys a process reads, and holds no other state.
 */
let processRedactor = new Redactor();

/**
 * Adds secret values (API keys read from the environment or from options) to those every
 * run redacts by value in this process. Values shorter than 8 characters are ignored.
 * Called by `resolveModel` for the key it reads; internal.
 */
export function rememberSecretValues(values: Iterable<string | undefined>): void {
  const known = new Set(processRedactor.values);
  const added = [...values].filter(
    (value): value is string =>
      typeof value === "string" && value.length >= minimumSecretLength && !known.has(value),
  );
  if (added.length > 0) processRedactor = processRedactor.with(added);
}

/**
 * `text` with every substring that looks like an API key, and every API key this process
 * has read, replaced by `[REDACTED]`.
 */
export function redactText(text: string): string {
  return processRedactor.text(text);
}

/**
 * A copy of `value` with its secrets replaced by `"[REDACTED]"`: the value of every key
 * named like a secret (`apiKey`, `authorization`, `clientSecret`, `password`, `token`,
 * ...), every substring that looks like a common API key (`sk-...`, `Bearer ...`), and
 * every API key this process has read (from the environment or from options), whatever
 * its shape. Returns `value` itself when it holds no secret, so the common case allocates
 * nothing; never changes `value`. Runs redact every event before it is logged, so secrets
 * reach neither the store nor the event stream.
 *
 * @example
 * redactSecrets({ headers: { Authorization: "Bearer abc123abc123abc" }, n: 1 })
 * // { headers: { Authorization: "[REDACTED]" }, n: 1 }
 */
export function redactSecrets<T>(value: T): T {
  return processRedactor.value(value);
}

/**
 * `value` redacted as `redactSecrets` redacts it when it is a field of a logged event:
 * for events the engine builds itself, whose other fields are its own (ids, times,
 * counts) and need no search. `redactSecrets(event)` equals the event with each of its
 * non-engine fields passed through this.
 */
export function redactEventField<T>(value: T): T {
  return processRedactor.eventField(value);
}
