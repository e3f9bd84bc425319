/**
 * What a browser gets at an address nothing serves, outside `/api` and `/internal` (which answer JSON in
 * their callers' dialect): the dashboard's HTML "Not found" page with the dashboard's security headers,
 * instead of the internal API's `{"error":{"code":"NOT_FOUND"}}`. Also `/favicon.ico`, which browsers
 * ask for on every site.
 *
 * The page is rendered without the session and CSRF steps (nothing is read or changed), so a POST to an
 * unknown address is a 404 too, not a CSRF refusal.
 */
import { Hono } from "hono";
import { services } from "../middleware/services.js";
import { FAVICON_ICO } from "./assets/favicon.js";
import { WebError, webErrorPage } from "./errors.js";
import { securityHeaders } from "./middleware.js";
import type { WebEnv } from "./types.js";

/** Paths whose unknown addresses answer JSON (the machine-facing APIs), not the HTML page. */
export function isMachinePath(path: string): boolean {
  return /^\/(api|internal)(\/|$)/.test(path);
}

/** `GET /favicon.ico` (a day in caches). */
export function favicon(): Response {
  return new Response(FAVICON_ICO, {
    headers: { "content-type": "image/x-icon", "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff" },
  });
}

/** Answers every request with the 404 page (mount nothing else on it). */
export const notFoundPage = new Hono<WebEnv>();
notFoundPage.onError(webErrorPage);
notFoundPage.all("*", services, securityHeaders, () => {
  throw new WebError(404, "There is nothing at this address. Check the link, or start again from the start page.");
});
