/**
 * Serves a run's events as Server-Sent Events: a Node http server on 127.0.0.1 starts runs
 * (`POST /runs`) and streams each one's events (`GET /runs/:id/events`) with `pipeSSE`.
 * The client half reads the stream back with fetch, prints each event as it arrives, and
 * the program exits once the run has ended and the server is closed.
 *
 * Runs offline on simulated models that take 100 ms per call.
 *
 *   npx tsx examples/workflow-sse.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeSSE } from "../src/events/index.js";
import { agent, type Run, workflow } from "../src/index.js";

const writer = agent({
  name: "writer",
  model: "simulated:writer?latency=100",
  instructions: "Write briefly.",
});
const flow = workflow<{ topic: string }>("post")
  .step("outline", writer, { input: ({ input }) => `Outline a post about ${input.topic}.` })
  .step("draft", writer, {
    dependsOn: ["outline"],
    input: ({ results }) => `Write the post from this outline: ${results.outline.text}`,
  })
  .step("words", async ({ results }) => results.draft.text.split(/\s+/).length, {
    dependsOn: ["draft"],
  });

// The server -------------------------------------------------------------------------------
const runs = new Map<string, Run>();
const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  if (request.method === "POST" && url.pathname === "/runs") {
    let body = "";
    for await (const chunk of request) body += chunk;
    const run = flow.start(JSON.parse(body) as { topic: string });
    runs.set(run.id, run);
    response.writeHead(201, { "content-type": "application/json" });
    response.end(JSON.stringify({ id: run.id }));
    return;
  }
  const match = /^\/runs\/([^/]+)\/events$/.exec(url.pathname);
  const run = match ? runs.get(match[1]!) : undefined;
  if (request.method === "GET" && run) {
    // Writes the SSE headers, then one frame per event; ends the response when the run
    // ends, and stops early (releasing the run's stream) if the client goes away.
    await pipeSSE(run.events, response, { heartbeatMs: 15_000 });
    return;
  }
  response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`Serving on ${base}`);

// The client -------------------------------------------------------------------------------
const started = await fetch(`${base}/runs`, {
  method: "POST",
  body: JSON.stringify({ topic: "tidal energy" }),
});
const { id } = (await started.json()) as { id: string };
console.log(`POST /runs -> ${started.status} ${id}`);

const response = await fetch(`${base}/runs/${id}/events`);
console.log(`GET /runs/:id/events -> ${response.status} ${response.headers.get("content-type")}`);

let received = 0;
let buffer = "";
const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
  buffer += chunk.value;
  // Frames end with a blank line; each has an `event:` line and a one-line `data:` JSON.
  for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
    const frame = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const type = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (!type || !data) continue; // a `: heartbeat` comment
    const event = JSON.parse(data) as { stepId?: string; output?: unknown };
    received++;
    const detail =
      type === "run-end"
        ? ` output=${JSON.stringify(event.output)}`
        : event.stepId
          ? ` ${event.stepId}`
          : "";
    console.log(`<- ${type}${detail}`);
  }
}
console.log(`The stream ended after ${received} events`);

const result = await runs.get(id)!.result;
console.log(`Run ${result.status}: ${result.usage.totalTokens} tokens`);
await new Promise<void>((resolve, reject) =>
  server.close((error) => (error ? reject(error) : resolve())),
);
console.log("Server closed");
