import { describe, expect, it } from "vitest";
import { sseResponse } from "./sse-response.js";
import { EventChannel, sampleRun } from "./test-support.js";

describe("sseResponse", () => {
  it("returns a text/event-stream Response whose body carries one frame per event", async () => {
    const channel = new EventChannel();
    const events = sampleRun();
    channel.push(...events);
    channel.end();

    const response = sseResponse(channel, { headers: { "access-control-allow-origin": "*" } });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const text = await response.text();
    const expected = events
      .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
      .join("");
    expect(text).toBe(expected);
  });

  it("releases the event source when the reader cancels the body", async () => {
    const channel = new EventChannel();
    channel.push(sampleRun()[0]!);
    const reader = sseResponse(channel).body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("event: run-start");

    // The source is now parked in next(): cancelling must still let it go.
    await reader.cancel();
    await channel.released;
    expect(channel.releasedFlag).toBe(true);
  });

  it("ends the body when its signal aborts", async () => {
    const channel = new EventChannel();
    const stop = new AbortController();
    const response = sseResponse(channel, { signal: stop.signal });
    const reader = response.body!.getReader();
    const pending = reader.read();
    stop.abort();
    expect((await pending).done).toBe(true);
    await channel.released;
  });

  it("errors the body when the event source throws", async () => {
    const failing: AsyncIterable<never> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("log lost")) }),
    };
    await expect(sseResponse(failing).text()).rejects.toThrow("log lost");
  });
});
