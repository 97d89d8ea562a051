import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A file of the page, as it is served. */
export interface ClientAsset {
  body: string;
  contentType: string;
}

/** The page's files by the path they are served at. */
const FILES: Record<string, [file: string, contentType: string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/app.css": ["app.css", "text/css; charset=utf-8"],
};

/**
 * The folder of the page's files: `client/` beside this module in the source tree, and
 * `dashboard/client/` in the build (tsup copies it there; this module may be bundled into
 * a chunk at the root of `dist/`).
 */
function clientDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "client"), join(here, "dashboard", "client")];
  const found = candidates.find((candidate) => existsSync(join(candidate, "index.html")));
  if (!found) {
    throw new Error(`The dashboard's page files are missing (looked in ${candidates.join(", ")})`);
  }
  return found;
}

/** Reads the page's files once: plain HTML, one script, one stylesheet; nothing from a CDN. */
export function loadClientAssets(): Map<string, ClientAsset> {
  const directory = clientDirectory();
  return new Map(
    Object.entries(FILES).map(([path, [file, contentType]]) => [
      path,
      { body: readFileSync(join(directory, file), "utf8"), contentType },
    ]),
  );
}
