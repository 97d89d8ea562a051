export { defaultRuntime } from "./default-runtime.js";
export { randomIdGenerator } from "./random-id-generator.js";
export { systemClock } from "./system-clock.js";
export { workflow } from "./workflow.js";
