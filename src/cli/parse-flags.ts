import { InvalidArgumentError } from "commander";

/** `--concurrency 4`: a whole number >= 1. */
export function parsePositiveInteger(value: string): number {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError("Expected a whole number >= 1.");
  }
  return number;
}

/** `--port 8787`: a TCP port, 1 to 65535 (0, a free one, is what leaving it out gives). */
export function parsePort(value: string): number {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isInteger(number) || number < 1 || number > 65_535) {
    throw new InvalidArgumentError("Expected a port from 1 to 65535.");
  }
  return number;
}

/** `--budget-cents 2.5`: a number >= 0. */
export function parseNonNegativeNumber(value: string): number {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError("Expected a number >= 0.");
  }
  return number;
}

/** `--input topic=tides` (repeatable): collects `[name, value]` pairs in order. */
export function collectInputPair(
  value: string,
  previous: Array<[string, string]> = [],
): Array<[string, string]> {
  const equals = value.indexOf("=");
  const name = equals === -1 ? "" : value.slice(0, equals).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    throw new InvalidArgumentError('Expected name=value, e.g. --input topic="tidal energy".');
  }
  return [...previous, [name, value.slice(equals + 1)]];
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 24h` / `--since 2026-01-31`: a time span back from now, or a date. */
export function parseSince(value: string): { ago: number } | { at: number } {
  const span = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(value.trim());
  if (span) return { ago: Number(span[1]) * UNITS[span[2]!]! };
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new InvalidArgumentError(
      "Expected a span such as 30m, 24h, 7d, or a date such as 2026-01-31.",
    );
  }
  return { at };
}
