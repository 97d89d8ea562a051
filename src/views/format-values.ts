import {
  formatCents as centsText,
  formatDuration as durationText,
} from "../events/progress-state.js";

/**
 * Cents with four decimals (`0.0123¢`), as the progress lines show them; `unknown` when the
 * price is not known.
 */
export function formatCents(cents: number | null | undefined, { partial = false } = {}): string {
  return cents === null || cents === undefined ? "unknown" : centsText(cents, partial);
}

/** `850ms`, `12.3s`, `4m05s`, as the progress lines show them; `-` when unknown. */
export function formatDuration(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) || ms < 0 ? "-" : durationText(ms);
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
