/**
 * What a spec may be at most (internal), so that reading any text takes bounded time,
 * memory and stack. Far beyond what a workflow needs; documented in docs/specs.md.
 */
export const SPEC_LIMITS = {
  /** Maps and lists inside each other, counting the top-level map (JSON and YAML alike). */
  depth: 128,
  /**
   * Values that YAML aliases (`*name`) may add to the spec in all, counting each value an
   * alias repeats. Stops documents that expand exponentially ("billion laughs").
   */
  aliasValues: 100_000,
  /** Parentheses and `not` inside each other in one condition. */
  conditionDepth: 64,
} as const;

/** What a spec nested past `SPEC_LIMITS.depth` is told. */
export const TOO_DEEP = `nested more than ${SPEC_LIMITS.depth} levels deep (maps and lists inside each other)`;
