/**
 * Helpers for testing code built on Baton: a fake OpenAI-compatible server, a manual clock.
 * @module baton/testing
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export { sequentialIdGenerator } from "../core/ports/id-generator.js";
export { type SimulatedModelOptions, simulatedModel } from "../models/simulated-model.js";
export type {
  FakeFaultReply,
  FakeReply,
  FakeReplySource,
  FakeRequest,
  FakeTextReply,
  FakeToolCall,
  FakeToolCallsReply,
  FakeUsage,
} from "./fake-openai-reply.js";
export {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "./fake-openai-server.js";
export { ManualClock } from "./manual-clock.js";
export {
  type TestRunContext,
  type TestRunContextOptions,
  testRunContext,
} from "./test-run-context.js";
