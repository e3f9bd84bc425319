/**
 * How dashboard routers are made and guarded. Each feature router is mounted at its own path prefix
 * (worker/web/mount.ts), so its middleware never runs for `/api`, `/internal`, `/status` or `/healthz`.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { WebError, webErrorPage } from "./errors.js";
import { webStack } from "./middleware.js";
import type { CurrentUser, WebEnv } from "./types.js";

/** A router with the dashboard middleware and HTML error pages. */
export function webRouter(): Hono<WebEnv> {
  const router = new Hono<WebEnv>();
  router.use(...webStack);
  router.onError(webErrorPage);
  return router;
}

/** A router whose every route needs a signed-in user ({@link requireUser}). */
export function userRouter(): Hono<WebEnv> {
  const router = webRouter();
  router.use(requireUser);
  return router;
}

/** A same-site path to continue to after login, or the dashboard (no open redirects). */
export function safeNext(next: string | undefined | null): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/dashboard";
}

/** Signed-in users only: pages redirect to the login form (and back after it), posts get 401. */
export const requireUser = createMiddleware<WebEnv>(async (c, next) => {
  if (!c.var.user) {
    if (c.req.method === "GET") {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    throw new WebError(401, "Your session has ended. Please log in again.");
  }
  await next();
});

/** The signed-in user of a route behind {@link requireUser}. */
export function currentUser(c: { var: WebEnv["Variables"] }): CurrentUser {
  const user = c.var.user;
  if (!user) throw new WebError(401, "Please log in.");
  return user;
}

/** The client's IP as Cloudflare reports it (`CF-Connecting-IP`); null locally when absent. */
export function clientIp(c: { req: { header(name: string): string | undefined } }): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}
