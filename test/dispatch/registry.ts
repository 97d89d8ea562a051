import { dispatcherFixtures } from "../../src/core/ports/step-dispatcher.fixtures.js";
import { defaultRuntime } from "../../src/runtime/default-runtime.js";
import { endToEndWorkflows } from "./end-to-end-workflows.js";

/** The workflows the test worker registers: the conformance fixtures and an end-to-end one. */
export default { ...dispatcherFixtures(defaultRuntime), ...endToEndWorkflows() };
