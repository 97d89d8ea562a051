import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** A fresh access token: 24 random bytes, URL-safe (32 characters). */
export function newAccessToken(): string {
  return randomBytes(24).toString("base64url");
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether `given` is `token`. Both are hashed first, so the comparison takes the same time
 * whatever was given, its length included.
 */
export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * The cookie that carries the token after the first visit. Cookies are shared by every port
 * of a host, so the name holds the port: two dashboards on one machine keep their own.
 */
function cookieName(url: string): string {
  return `baton_dashboard_${new URL(url).port || "80"}`;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Refuses (401) every request that carries no valid token: in the `token` query parameter
 * (the URL the dashboard prints), the cookie a visit with that URL sets, or an
 * `Authorization: Bearer` header. A page visited with `?token=` is redirected to the same
 * address without it, so the token stays out of the address bar and the history.
 */
export function requireAccessToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const name = cookieName(c.req.url);
    const fromQuery = c.req.query("token");
    if (tokenMatches(fromQuery, token)) {
      // SameSite=Strict: another site's page cannot make the browser send it (no CSRF).
      setCookie(c, name, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      if (c.req.method === "GET" && !c.req.path.startsWith("/api/")) {
        const url = new URL(c.req.url);
        url.searchParams.delete("token");
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      return next();
    }
    if (
      tokenMatches(getCookie(c, name), token) ||
      tokenMatches(bearer(c.req.header("authorization")), token)
    ) {
      return next();
    }
    return c.text(
      "401 Unauthorized: open the dashboard with the URL `baton dashboard` printed (it carries the access token).\n",
      401,
    );
  };
}
