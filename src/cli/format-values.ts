/** Cents with four decimals (`0.0123¢`); `unknown` when the price is not known. */
export function formatCents(cents: number | null | undefined, { partial = false } = {}): string {
  if (cents === null || cents === undefined) return "unknown";
  return `${cents.toFixed(4)}¢${partial ? "+" : ""}`;
}

/** `850ms`, `12.3s`, `4m05s`; `-` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

/** `2026-11-22 08:04:12` in UTC; `-` when unknown. */
export function formatTimestamp(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** An ISO 8601 timestamp, or `null` when unknown (for `--json`). */
export function isoTime(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** A value on one line, cut to `max` characters: strings as they are, the rest as JSON. */
export function oneLine(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/\s+/g, " ").trim();
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}
