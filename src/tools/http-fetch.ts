import { type Tool, tool } from "ai";
import { z } from "zod";
import { TimeoutError } from "../core/errors/timeout-error.js";
import type { Clock } from "../core/ports/clock.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import { ToolError } from "./tool-error.js";
import { httpFetchOptionsRule } from "./tool-options-rules.js";

export interface HttpFetchOptions {
  /**
   * Hosts the tool may fetch; every other host is refused, redirects included. An entry is
   * a host name (`api.example.com`, any port), a host and port (`127.0.0.1:8080`), or
   * `*.example.com` (its subdomains, not example.com itself).
   * @example allowHosts: ["en.wikipedia.org", "*.github.com"]
   */
  allowHosts: readonly string[];
  /** The whole request (redirects and body included) fails after this many ms. @default 10_000 */
  timeoutMs?: number;
  /** Body bytes read at most; a longer body comes back cut, with `truncated: true`. @default 1_000_000 */
  maxBytes?: number;
  /** Redirects followed at most (each one checked against `allowHosts`). @default 5 */
  maxRedirects?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Where the timeout is waited. @default systemClock */
  clock?: Clock;
}

export interface HttpFetchInput {
  url: string;
  method?: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpFetchOutput {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  statusText: string;
  contentType: string | null;
  body: string;
  truncated: boolean;
}

const TOOL = "http_fetch";

/** Whether `url`'s host is on the allow-list. */
export function isHostAllowed(url: URL, allowHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowHosts.some((entry) => {
    const allowed = entry.trim().toLowerCase();
    if (allowed.startsWith("*.")) return hostname.endsWith(allowed.slice(1));
    return allowed.includes(":") && !allowed.startsWith("[")
      ? host === allowed
      : hostname === allowed || host === allowed;
  });
}

/**
 * A tool that fetches a URL over HTTP(S), only from the hosts on `allowHosts`. Redirects are
 * followed by hand so each hop is checked; the request times out after `timeoutMs`; the
 * body is read up to `maxBytes`. A host off the list is a `ToolError` (`host-not-allowed`).
 *
 * @example
 * const researcher = agent({
 *   name: "researcher",
 *   model,
 *   tools: { http_fetch: httpFetch({ allowHosts: ["en.wikipedia.org"] }) },
 * });
 */
export function httpFetch(options: HttpFetchOptions): Tool<HttpFetchInput, HttpFetchOutput> {
  checkOptions(httpFetchOptionsRule, options, "httpFetch()");
  const {
    allowHosts,
    timeoutMs = 10_000,
    maxBytes = 1_000_000,
    maxRedirects = 5,
    fetch: fetchImpl = globalThis.fetch,
    clock = systemClock,
  } = options;
  const hosts = [...allowHosts];

  return tool({
    description: `Fetches a web page or API over HTTP(S) and returns its status and body as text. Only these hosts may be fetched: ${hosts.join(", ")}.`,
    inputSchema: z.object({
      url: z.url().describe(`An http(s) URL on one of the allowed hosts: ${hosts.join(", ")}`),
      method: z.enum(["GET", "HEAD", "POST"]).optional().describe("Default GET"),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional().describe("The request body, for POST"),
    }),
    execute: async (input, { abortSignal }) => {
      const timer = new AbortController();
      const timeout = new AbortController();
      clock.sleep(timeoutMs, { signal: timer.signal }).then(
        () =>
          timeout.abort(
            new TimeoutError(`http_fetch timed out after ${timeoutMs} ms`, { timeoutMs }),
          ),
        () => {},
      );
      const signal = abortSignal ? AbortSignal.any([abortSignal, timeout.signal]) : timeout.signal;
      try {
        return await fetchAllowed(input, signal);
      } catch (error) {
        if (timeout.signal.aborted && !abortSignal?.aborted) throw timeout.signal.reason;
        throw error;
      } finally {
        timer.abort();
      }
    },
  });

  async function fetchAllowed(
    input: HttpFetchInput,
    signal: AbortSignal,
  ): Promise<HttpFetchOutput> {
    let url = new URL(input.url);
    let method = input.method ?? "GET";
    let body = method === "POST" ? input.body : undefined;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new ToolError(
          `Refused: only http and https URLs may be fetched, not ${url.protocol}`,
          {
            tool: TOOL,
            code: "protocol-not-allowed",
          },
        );
      }
      if (!isHostAllowed(url, hosts)) {
        throw new ToolError(
          `Refused: host "${url.host}" is not allowed (allowed hosts: ${hosts.join(", ")})`,
          { tool: TOOL, code: "host-not-allowed" },
        );
      }
      const response = await fetchImpl(url, {
        method,
        ...(input.headers ? { headers: input.headers } : {}),
        ...(body !== undefined ? { body } : {}),
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= maxRedirects) {
          throw new ToolError(`Refused: more than ${maxRedirects} redirects`, {
            tool: TOOL,
            code: "too-many-redirects",
          });
        }
        url = new URL(location, url);
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      const { text, truncated } = await readCapped(response, maxBytes, signal);
      return {
        url: url.toString(),
        status: response.status,
        statusText: response.statusText,
        contentType: response.headers.get("content-type"),
        body: text,
        truncated,
      };
    }
  }
}

async function readCapped(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size += room;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}
