import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import type { DecideOptions, PendingApprovalsOptions } from "./approvals.js";
import { storeOption } from "./durable-options-rules.js";

const { object, optional, string } = rules;
const { nonEmpty, clock, signal } = codeFragments;

const store = optional(storeOption);

const decideFields = {
  comment: optional(string("expected a string")),
  toolCallId: optional(string("expected a tool call id (a string)")),
  clock: optional(clock),
  signal: optional(signal),
} satisfies Record<Exclude<keyof DecideOptions, "store">, OptionRule>;

/** The options of `approve()` and `reject()`. */
export const decideOptionsRule = object(
  { ...decideFields, store } satisfies Record<keyof DecideOptions, OptionRule>,
  "expected an options object",
);

/** The options of `durable.approve()` and `durable.reject()`: the `Durable`'s store is theirs. */
export const durableDecideOptionsRule = object(decideFields, "expected an options object");

const pendingFields = {
  runId: optional(nonEmpty),
  signal: optional(signal),
} satisfies Record<Exclude<keyof PendingApprovalsOptions, "store">, OptionRule>;

/** The options of `pendingApprovals()`. */
export const pendingApprovalsOptionsRule = object(
  { ...pendingFields, store } satisfies Record<keyof PendingApprovalsOptions, OptionRule>,
  "expected an options object",
);

/** The options of `durable.pendingApprovals()`. */
export const durablePendingApprovalsOptionsRule = object(
  pendingFields,
  "expected an options object",
);
