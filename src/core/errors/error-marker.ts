/**
 * The marker of the Baton error class named `name`: a registered symbol derived from the
 * name alone, so an error from another copy of the package is still recognised, and two
 * classes can share a marker only by sharing a name (a test keeps the names unique).
 */
export function errorMarker(name: string): symbol {
  return Symbol.for(`baton.error.${name}`);
}
