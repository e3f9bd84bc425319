/**
 * The dashboard's request pipeline, in order: services (config + db), security headers, the session
 * from its cookie, the visitor cookie, the CSRF token of this page, and, for every state-changing
 * request, the CSRF check. Used by every dashboard router (worker/web/router.ts), never by `/api` or
 * `/internal`.
 *
 * CSRF (OWASP's synchronizer-token pattern without server state): a form's token is
 * HMAC(key `csrf`, `s:<session id>`) when signed in, else HMAC(key `csrf`, `v:<visitor id>`). A POST
 * without a matching `_csrf` field (or `X-CSRF-Token` header for the few fetch calls) is refused with
 * 403 before any handler runs. Tokens change when the session does (login rotates it).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import { mac, verifyMac } from "../auth/keys.js";
import { findSession } from "../auth/sessions.js";
import { randomString } from "../auth/tokens.js";
import { services } from "../middleware/services.js";
import { SESSION_COOKIE, VISITOR_COOKIE, putCookie, readCookie, takeFlash } from "./cookies.js";
import { loadCurrentUser } from "./current-user.js";
import { WebError } from "./errors.js";
import type { WebEnv } from "./types.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The dashboard's security headers (CSP, frame, referrer, nosniff …); also on its 404 page (./fallback.ts). */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], objectSrc: ["'none'"],
  },
  referrerPolicy: "same-origin",
  crossOriginEmbedderPolicy: false,
});

/** The CSRF binding of this request: the session if any, else the visitor cookie. */
const binding = (c: Context<WebEnv>, visitor: string) => (c.var.session ? `s:${c.var.session.id}` : `v:${visitor}`);

const sessionAndCsrf = createMiddleware<WebEnv>(async (c, next) => {
  // A router at `/settings` also matches `/settings/tokens`: run once per request however many match.
  if (c.var.csrfToken !== undefined) return next();
  const { config, db } = c.var;
  const now = new Date();
  const token = readCookie(c, SESSION_COOKIE);
  const session = token ? await findSession(db, token, config.sessionTtlSeconds, now) : null;
  c.set("session", session);
  if (token && session?.renewed) putCookie(c, SESSION_COOKIE, token, config.sessionTtlSeconds);
  c.set("user", session?.stage === "active" ? await loadCurrentUser(db, session.userId) : null);

  let visitor = readCookie(c, VISITOR_COOKIE);
  if (!visitor || !/^[A-Za-z0-9]{32}$/.test(visitor)) {
    visitor = randomString(32);
    putCookie(c, VISITOR_COOKIE, visitor, 400 * 24 * 3600);
  }
  const expected = binding(c, visitor);
  c.set("csrfToken", await mac(config.appSecret, "csrf", expected));
  c.set("flash", null);
  if (!SAFE.has(c.req.method)) {
    const sent = c.req.header("x-csrf-token") ?? (await formField(c, "_csrf"));
    if (!sent || !(await verifyMac(config.appSecret, "csrf", expected, sent))) {
      throw new WebError(403, "This form has expired or did not come from this site. Go back, reload the page and try again.");
    }
  }
  if (SAFE.has(c.req.method)) c.set("flash", takeFlash(c));
  await next();
  c.header("Cache-Control", "no-store");
});

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return undefined;
  const value = (await c.req.parseBody())[name];
  return typeof value === "string" ? value : undefined;
}

/** Every dashboard middleware, in order. */
export const webStack = [services, securityHeaders, sessionAndCsrf] as const;
