import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../testing/manual-clock.js";
import { pipeSSE } from "./pipe-sse.js";
import { EventChannel, sampleRun } from "./test-support.js";

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

function parseFrames(text: string): Frame[] {
  return text
    .split("\n\n")
    .filter((block) => block.length > 0)
    .map((block) => {
      const frame: Frame = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(":");
          const field = line.slice(0, colon) as "id" | "event" | "data";
          frame[field] = line.slice(colon + 1).trimStart();
        }
      }
      return frame;
    });
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: (response: ServerResponse) => Promise<void>,
): Promise<{ url: string; handled: Promise<unknown> }> {
  let settle: (value: unknown) => void = () => {};
  const handled = new Promise((resolve) => {
    settle = resolve;
  });
  const server = createServer((_request, response) => {
    handler(response).then(
      () => settle("resolved"),
      (error: unknown) => settle(error),
    );
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/events`, handled };
}

/** Reads the body chunk by chunk until `predicate` holds for what arrived so far. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  predicate: (text: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!predicate(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe("pipeSSE", () => {
  it("streams each event as an `event: <type>` / `data: <json>` frame and ends with the events", async () => {
    const channel = new EventChannel();
    const events = sampleRun();
    channel.push(...events);
    channel.end();
    const { url, handled } = await serve((response) => pipeSSE(channel, response));

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-cache");
    const frames = parseFrames(await response.text());

    expect(frames.map((frame) => frame.event)).toEqual(events.map((event) => event.type));
    expect(frames.map((frame) => JSON.parse(frame.data ?? "null"))).toEqual(events);
    expect(await handled).toBe("resolved");
  });

  it("delivers an event as soon as it happens, not when the stream ends", async () => {
    const channel = new EventChannel();
    const [first, second] = sampleRun();
    const { url } = await serve((response) => pipeSSE(channel, response));
    const response = await fetch(url);
    const reader = response.body!.getReader();

    channel.push(first!);
    const early = await readUntil(reader, (text) => text.includes("\n\n"));
    expect(parseFrames(early)).toEqual([{ event: "run-start", data: JSON.stringify(first) }]);

    channel.push(second!);
    channel.end();
    const rest = await readUntil(reader, () => false);
    expect(parseFrames(rest).map((frame) => frame.event)).toEqual(["step-start"]);
  });

  it("stops and releases the event source when the client disconnects", async () => {
    const channel = new EventChannel();
    const [first] = sampleRun();
    const { url, handled } = await serve((response) => pipeSSE(channel, response));
    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = response.body!.getReader();
    channel.push(first!);
    await readUntil(reader, (text) => text.includes("\n\n"));

    client.abort();
    await channel.released;
    expect(await handled).toBe("resolved");
  });

  it("stops when its signal aborts and ends the response", async () => {
    const channel = new EventChannel();
    const stop = new AbortController();
    const { url, handled } = await serve((response) =>
      pipeSSE(channel, response, { signal: stop.signal }),
    );
    const response = await fetch(url);
    channel.push(sampleRun()[0]!);
    const reader = response.body!.getReader();
    await readUntil(reader, (text) => text.includes("\n\n"));

    stop.abort();
    const rest = await readUntil(reader, () => false);
    expect(rest).toBe("");
    await channel.released;
    expect(await handled).toBe("resolved");
  });

  it("sends heartbeat comments while no event arrives", async () => {
    const channel = new EventChannel();
    const clock = new ManualClock();
    const { url } = await serve((response) =>
      pipeSSE(channel, response, { heartbeatMs: 15_000, clock }),
    );
    const response = await fetch(url);
    const reader = response.body!.getReader();
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));

    await clock.advance(15_000);
    const beat = await readUntil(reader, (text) => text.includes("\n\n"));
    expect(parseFrames(beat)).toEqual([{ comment: "heartbeat" }]);

    channel.push(sampleRun()[0]!);
    const event = await readUntil(reader, (text) => text.includes("\n\n"));
    expect(parseFrames(event).map((frame) => frame.event)).toEqual(["run-start"]);
    channel.end();
    expect(await readUntil(reader, () => false)).toBe("");
    // The heartbeat timer was cancelled with the stream.
    expect(clock.pendingTimers).toBe(0);
  });

  it("adds the store's sequence number as the SSE id, for Last-Event-ID", async () => {
    const channel = new EventChannel();
    channel.push({ ...sampleRun()[0]!, seq: 7 } as never);
    channel.end();
    const { url } = await serve((response) => pipeSSE(channel, response));
    const frames = parseFrames(await (await fetch(url)).text());
    expect(frames[0]?.id).toBe("7");
  });

  it("rejects a response that is not an http.ServerResponse", async () => {
    await expect(pipeSSE(new EventChannel(), {} as ServerResponse)).rejects.toThrow(
      'pipeSSE: expected "response" to be an http.ServerResponse, received an object',
    );
  });
});
