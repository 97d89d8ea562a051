/** Options of `chainSpec`. */
export interface ChainSpecOptions {
  /**
   * The order the steps are listed in: `dependencies-first` (step 0 first) or
   * `dependents-first` (the last step first, the worst case for a recursive search).
   * @default "dependents-first"
   */
  order?: "dependencies-first" | "dependents-first";
  /** Each step's input reads its dependency's text through a template. @default true */
  templates?: boolean;
  /** Step `from` also depends on the later step `to`, closing a cycle `from -> ... -> to`. */
  cycle?: { from: number; to: number };
}

/**
 * A valid workflow spec (as data) whose `count` steps form one dependency chain:
 * `s1` depends on `s0`, `s2` on `s1`, ... Used by tests and the spec benchmark.
 */
export function chainSpec(
  count: number,
  { order = "dependents-first", templates = true, cycle }: ChainSpecOptions = {},
): Record<string, unknown> {
  const steps: Array<Record<string, unknown>> = [];
  for (let index = 0; index < count; index++) {
    const dependsOn = index > 0 ? [`s${index - 1}`] : [];
    if (index === cycle?.from) dependsOn.push(`s${cycle.to}`);
    steps.push({
      id: `s${index}`,
      agent: "worker",
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      ...(templates && index > 0 ? { input: `Go on from {{ steps.s${index - 1}.text }}` } : {}),
    });
  }
  if (order === "dependents-first") steps.reverse();
  return {
    name: `chain-${count}`,
    agents: { worker: { model: "simulated:worker" } },
    steps,
  };
}
