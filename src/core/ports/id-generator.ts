/** Where ids come from; injected so tests and replays get stable ids. */
export interface IdGenerator {
  /** A new id, unique within this generator; `prefix` says what it names (`run`, `task`). */
  next(prefix: string): string;
}

/** Ids counted from 1 (`run_1`, `run_2`, ...), for deterministic tests. */
export function sequentialIdGenerator(): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const value = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, value);
      return `${prefix}_${value}`;
    },
  };
}
