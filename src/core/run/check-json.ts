/**
 * Checks that `value` survives a trip through JSON unchanged, and throws a `TypeError`
 * naming where it does not: `where.path.to.it is a function`. What fails: functions,
 * symbols, bigints, non-finite numbers, cycles, and objects that JSON would flatten (class
 * instances such as Date, Map, Set or Error). `undefined` as the whole value (no value) and
 * as a property are allowed (JSON drops the property, and a missing one reads the same); an
 * `undefined` array element is not.
 * Iterative, so deep values do not overflow the stack.
 */
export function checkJson(value: unknown, where: string): void {
  const problem = jsonProblem(value);
  if (problem) {
    throw new TypeError(`${where}: expected a JSON value, but ${where}${problem}`);
  }
}

/** Where and why `value` is not JSON (` .a[2] is a function`), or undefined when it is. */
export function jsonProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  // Depth first; an `exit` entry leaves an object, so `ancestors` holds the current path and
  // only a real cycle is reported (an object shared by two branches is fine).
  const stack: Array<{ value: unknown; path: string; exit?: object }> = [{ value, path: "" }];
  const ancestors = new Set<object>();
  while (stack.length > 0) {
    const { value: item, path, exit } = stack.pop()!;
    if (exit) {
      ancestors.delete(exit);
      continue;
    }
    switch (typeof item) {
      case "string":
      case "boolean":
        continue;
      case "number":
        if (!Number.isFinite(item)) return `${path} is ${item} (not a finite number)`;
        continue;
      case "undefined":
        return `${path} is undefined`;
      case "function":
      case "symbol":
      case "bigint":
        return `${path} is a ${typeof item}`;
    }
    if (item === null) continue;
    const object = item as object;
    if (ancestors.has(object)) return `${path} refers back to itself (a cycle)`;
    ancestors.add(object);
    stack.push({ value: undefined, path, exit: object });
    if (Array.isArray(object)) {
      for (let index = object.length - 1; index >= 0; index--) {
        stack.push({ value: object[index], path: `${path}[${index}]` });
      }
      continue;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "object";
      return `${path} is a ${name} (JSON would flatten it)`;
    }
    const entries = Object.entries(object);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, entry] = entries[index]!;
      if (entry === undefined) continue;
      stack.push({ value: entry, path: `${path}.${key}` });
    }
  }
  return undefined;
}
