/**
 * A store location as messages may show it: the password of a URL with credentials
 * (`postgres://user:secret@host/db`) replaced by `***`. Anything else is returned as given.
 * @example redactLocation("postgres://baton:s3cret@db:5432/runs") // "postgres://baton:***@db:5432/runs"
 */
export function redactLocation(location: string): string {
  return location.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/, "$1:***@");
}
