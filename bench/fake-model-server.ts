/**
 * The workers benchmark's model provider, in a process of its own as a provider is: a fake
 * OpenAI-compatible server answering every request with "ok" (10 + 2 tokens) after the
 * delay in ms given as argv[2]. Says `{ baseURL }` over IPC once it listens, and exits when
 * the process that started it disconnects.
 *
 * In the benchmark's own process it shared the owner's event loop: each answer (about half
 * a millisecond of CPU) delayed the owner's permits and settles, and the owner's work delayed
 * the answers, so the 50 ms model latency measured more the busier the owner was.
 */
import { startFakeOpenAIServer } from "../src/testing/fake-openai-server.js";

const delayMs = Number(process.argv[2] ?? 50);
const server = await startFakeOpenAIServer({
  fallbackReply: () => ({ text: "ok", delayMs, usage: { promptTokens: 10, completionTokens: 2 } }),
});
process.send?.({ baseURL: server.baseURL });
process.on("disconnect", () => void server.close().finally(() => process.exit(0)));
