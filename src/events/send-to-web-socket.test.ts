import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";
import { type EventSocket, sendToWebSocket } from "./send-to-web-socket.js";
import { EventChannel, sampleRun } from "./test-support.js";

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(onConnection: (socket: WsSocket) => void): Promise<string> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  server.on("connection", onConnection);
  await once(server, "listening");
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A WHATWG WebSocket client (Node's global) that collects messages. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: string[] }> {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  socket.addEventListener("message", (event) => messages.push(String(event.data)));
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  return { socket, messages };
}

describe("sendToWebSocket", () => {
  it("sends each event as one JSON message from a `ws` server socket", async () => {
    const channel = new EventChannel();
    const events = sampleRun();
    let sending: Promise<void> = Promise.resolve();
    const url = await listen((socket) => {
      sending = sendToWebSocket(channel, socket, { closeOnEnd: true });
    });
    const { socket, messages } = await connect(url);
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve));

    channel.push(...events);
    channel.end();
    await closed;
    await sending;

    expect(messages.map((message) => JSON.parse(message))).toEqual(events);
  });

  it("works with the WHATWG WebSocket as the sending side", async () => {
    const received: string[] = [];
    const url = await listen((socket) => {
      socket.on("message", (data) => received.push(String(data)));
    });
    const { socket } = await connect(url);
    const channel = new EventChannel();
    const events = sampleRun().slice(0, 3);
    channel.push(...events);
    channel.end();

    await sendToWebSocket(channel, socket);

    await expect.poll(() => received.length).toBe(3);
    expect(received.map((message) => JSON.parse(message))).toEqual(events);
    // closeOnEnd defaults to false: the socket stays open for other traffic.
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it("stops and releases the event source when the peer closes the socket", async () => {
    const channel = new EventChannel();
    let sending: Promise<void> | undefined;
    const url = await listen((socket) => {
      sending = sendToWebSocket(channel, socket);
    });
    const { socket, messages } = await connect(url);
    channel.push(sampleRun()[0]!);
    await expect.poll(() => messages.length).toBe(1);

    socket.close();
    await channel.released;
    await sending;
    expect(messages).toHaveLength(1);
  });

  it("stops when its signal aborts, leaving the socket open", async () => {
    const channel = new EventChannel();
    const stop = new AbortController();
    const sent: string[] = [];
    const socket: EventSocket = { readyState: 1, send: (data) => sent.push(data) };
    const sending = sendToWebSocket(channel, socket, {
      signal: stop.signal,
      serialize: (event) => event.type,
    });
    channel.push(sampleRun()[0]!);
    await expect.poll(() => sent).toEqual(["run-start"]);

    stop.abort();
    await sending;
    await channel.released;
  });

  it("sends nothing to a socket that is not open", async () => {
    const channel = new EventChannel();
    channel.push(...sampleRun());
    channel.end();
    const sent: string[] = [];
    await sendToWebSocket(channel, { readyState: 3, send: (data) => sent.push(data) });
    expect(sent).toEqual([]);
  });

  it("rejects a socket without send()", async () => {
    await expect(sendToWebSocket(new EventChannel(), {} as EventSocket)).rejects.toThrow(
      'sendToWebSocket: expected "socket" to be a WebSocket (an object with send()), received an object',
    );
  });
});
