/**
 * Helpers for testing code built on Baton: a fake OpenAI-compatible server, a manual clock.
 * @module baton/testing
 */
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
