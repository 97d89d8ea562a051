import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../testing/index.js";
import {
  type HttpFetchOptions,
  type HttpFetchOutput,
  httpFetch,
  isHostAllowed,
} from "./http-fetch.js";

let server: Server;
let base: string;
let port: number;
let paths: string[];
let arrived: () => void;
let requestArrived: Promise<void>;

beforeEach(async () => {
  paths = [];
  requestArrived = new Promise((resolve) => {
    arrived = resolve;
  });
  server = createServer((request, response) => {
    paths.push(request.url ?? "");
    arrived();
    if (request.url === "/hello") {
      response.writeHead(200, { "content-type": "text/plain" }).end("hi there");
    } else if (request.url === "/big") {
      response.writeHead(200, { "content-type": "text/plain" }).end("y".repeat(5_000));
    } else if (request.url === "/redirect-inside") {
      response.writeHead(302, { location: "/hello" }).end();
    } else if (request.url === "/redirect-outside") {
      response.writeHead(302, { location: `http://localhost:${port}/hello` }).end();
    } else if (request.url === "/hang") {
      // never answers
    } else {
      response.writeHead(404).end("nope");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function call(url: string, options: Partial<HttpFetchOptions> = {}, signal?: AbortSignal) {
  const tool = httpFetch({ allowHosts: ["127.0.0.1"], ...options });
  return Promise.resolve(
    tool.execute!(
      { url },
      {
        toolCallId: "f1",
        messages: [],
        context: undefined as never,
        ...(signal ? { abortSignal: signal } : {}),
      },
    ),
  ) as Promise<HttpFetchOutput>;
}

describe("httpFetch", () => {
  it("fetches from an allowed host", async () => {
    expect(await call(`${base}/hello`)).toEqual({
      url: `${base}/hello`,
      status: 200,
      statusText: "OK",
      contentType: "text/plain",
      body: "hi there",
      truncated: false,
    });
  });

  it("refuses a host that is not allowed, without sending anything", async () => {
    await expect(call(`${base}/hello`, { allowHosts: ["example.com"] })).rejects.toMatchObject({
      name: "ToolError",
      code: "host-not-allowed",
      message: `Refused: host "127.0.0.1:${port}" is not allowed (allowed hosts: example.com)`,
    });
    expect(paths).toEqual([]);
  });

  it("follows a redirect to an allowed host and refuses one to any other", async () => {
    expect(await call(`${base}/redirect-inside`)).toMatchObject({
      url: `${base}/hello`,
      body: "hi there",
    });
    paths = [];
    await expect(call(`${base}/redirect-outside`)).rejects.toMatchObject({
      code: "host-not-allowed",
    });
    expect(paths).toEqual(["/redirect-outside"]);
    await expect(call(`${base}/redirect-inside`, { maxRedirects: 0 })).rejects.toMatchObject({
      code: "too-many-redirects",
    });
  });

  it("refuses other protocols", async () => {
    await expect(call("file:///etc/passwd", { allowHosts: ["127.0.0.1"] })).rejects.toMatchObject({
      code: "protocol-not-allowed",
      message: "Refused: only http and https URLs may be fetched, not file:",
    });
  });

  it("reads at most maxBytes of the body", async () => {
    const output = await call(`${base}/big`, { maxBytes: 100 });
    expect(output.body).toBe("y".repeat(100));
    expect(output.truncated).toBe(true);
  });

  it("times out on the injected clock, and stops when the caller aborts", async () => {
    const clock = new ManualClock();
    const pending = call(`${base}/hang`, { clock, timeoutMs: 5_000 }).catch(
      (error: unknown) => error,
    );
    await requestArrived;
    await clock.advance(5_000);
    expect(await pending).toMatchObject({
      name: "TimeoutError",
      message: "http_fetch timed out after 5000 ms",
    });

    const controller = new AbortController();
    const aborted = call(`${base}/hang`, {}, controller.signal).catch((error: unknown) => error);
    controller.abort(new Error("caller gave up"));
    expect(await aborted).toMatchObject({ message: "caller gave up" });
  });

  it("matches hosts exactly, by port, or by *.domain", () => {
    const allowed = (url: string, hosts: string[]) => isHostAllowed(new URL(url), hosts);
    expect(allowed("https://api.example.com/x", ["api.example.com"])).toBe(true);
    expect(allowed("https://evil-api.example.com/x", ["api.example.com"])).toBe(false);
    expect(allowed("https://a.b.example.com/", ["*.example.com"])).toBe(true);
    expect(allowed("https://example.com/", ["*.example.com"])).toBe(false);
    expect(allowed("https://example.com.evil.io/", ["example.com"])).toBe(false);
    expect(allowed("http://127.0.0.1:8080/", ["127.0.0.1:8080"])).toBe(true);
    expect(allowed("http://127.0.0.1:9090/", ["127.0.0.1:8080"])).toBe(false);
    expect(allowed("http://EXAMPLE.com/", ["example.COM"])).toBe(true);
  });

  it("checks its options", () => {
    expect(() => httpFetch({} as never)).toThrow(
      "  allowHosts: required: expected a list of hosts, e.g. [api.example.com, '*.github.com']",
    );
    expect(() =>
      httpFetch({ allowHosts: ["a.com", " "], timeoutMs: -1, maxRedirects: 1.5 }),
    ).toThrow(
      [
        "Invalid options for httpFetch() (3 problems):",
        '  allowHosts[1]: expected a host name, received " "',
        "  timeoutMs: expected a number > 0, received -1",
        "  maxRedirects: expected an integer >= 0, received 1.5",
      ].join("\n"),
    );
  });
});
