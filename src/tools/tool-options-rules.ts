import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import type { HttpFetchOptions } from "./http-fetch.js";
import type { McpHttpOptions, McpStdioOptions } from "./mcp-tools.js";
import type { ReadFileOptions } from "./read-file.js";

const { object, optional, array, string, number, record, oneOf, fn, custom, union } = rules;
const { text, positive, clock, signal } = codeFragments;

/**
 * The options of the built-in tools, as a spec's `tools` section and code (`httpFetch()`,
 * `readFile()`, `mcpTools()`) both give them: one rule each, so both say the same of the
 * same mistake. Code adds what JSON cannot hold (a `fetch`, a clock, a signal).
 */
export const httpFetchFields = {
  allowHosts: array(
    string("expected a host name", { pattern: /\S/ }),
    "expected a list of hosts, e.g. [api.example.com, '*.github.com']",
    { nonEmpty: "expected at least one host" },
  ),
  timeoutMs: optional(positive),
  maxBytes: optional(positive),
  maxRedirects: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
};

/** What `readFile()` and a spec's `read_file` tool take. */
export const readFileFields = {
  root: string("expected a directory (relative to the spec file)", { nonEmpty: true }),
  maxBytes: optional(number({ integer: true, min: 1 }, "expected an integer >= 1")),
};

/** What `mcpTools()` and a spec's `mcp` tool take. */
export const mcpFields = {
  command: string("expected the program that runs the server, e.g. npx", { nonEmpty: true }),
  args: optional(array(text, "expected a list of strings")),
  env: optional(record(text, text, "expected a map of strings")),
  cwd: optional(text),
  prefix: optional(text),
  timeoutMs: optional(positive),
  stderr: optional(oneOf(["inherit", "ignore"], 'expected "inherit" or "ignore"')),
};

/** The options of `httpFetch()`. */
export const httpFetchOptionsRule = object(
  { ...httpFetchFields, fetch: optional(fn()), clock: optional(clock) } satisfies Record<
    keyof HttpFetchOptions,
    OptionRule
  >,
  "expected an options object",
);

/** The options of `readFile()`. */
export const readFileOptionsRule = object(
  readFileFields satisfies Record<keyof ReadFileOptions, OptionRule>,
  "expected an options object",
);

/** An http(s) URL, as a string or a `URL`. */
const httpUrl = custom<string | URL>((value) => {
  if (typeof value !== "string" && !(value instanceof URL)) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}, "expected an http(s) URL");

/** The options of `mcpTools()`: a server it starts (`command`), or one it reaches (`url`). */
export const mcpToolsOptionsRule = union(
  [
    object(
      { ...mcpFields, signal: optional(signal) } satisfies Record<
        keyof McpStdioOptions,
        OptionRule
      >,
      "expected { command, args, env, cwd, prefix, timeoutMs, stderr, signal }",
    ),
    object(
      {
        url: httpUrl,
        transport: optional(
          oneOf(["auto", "streamable-http", "sse"], 'expected "auto", "streamable-http" or "sse"'),
        ),
        headers: optional(record(text, text, "expected a map of header names to strings")),
        prefix: mcpFields.prefix,
        timeoutMs: mcpFields.timeoutMs,
        signal: optional(signal),
      } satisfies Record<keyof McpHttpOptions, OptionRule>,
      "expected { url, transport, headers, prefix, timeoutMs, signal }",
    ),
  ],
  "expected { command, ... } to start a server or { url, ... } to reach one",
);
