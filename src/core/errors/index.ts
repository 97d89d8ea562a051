export { BatonError } from "./baton-error.js";
export { CancelledError } from "./cancelled-error.js";
export { ConfigurationError } from "./configuration-error.js";
export { errorMarker } from "./error-marker.js";
export { ModelCallError } from "./model-call-error.js";
export { OptionsError, type OptionsIssue } from "./options-error.js";
export { TimeoutError } from "./timeout-error.js";
