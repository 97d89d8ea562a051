/** A deep copy through JSON: what a value looks like after a round trip through a durable store. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
