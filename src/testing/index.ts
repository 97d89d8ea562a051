/**
 * Helpers for testing code built on Baton: a fake OpenAI-compatible server, a manual clock.
 * @module baton/testing
 */
export { sequentialIdGenerator } from "../core/ports/id-generator.js";
