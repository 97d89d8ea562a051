import { existsSync, readFileSync } from "node:fs";

/** How many times `needle` occurs in `haystack` (overlapping occurrences count). */
export function occurrences(haystack: Buffer | string, needle: string): number {
  const bytes = typeof haystack === "string" ? Buffer.from(haystack) : haystack;
  let hits = 0;
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) hits++;
  return hits;
}

/** Every byte of a SQLite database: the main file and its write-ahead log. */
export function databaseBytes(path: string): Buffer {
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}
