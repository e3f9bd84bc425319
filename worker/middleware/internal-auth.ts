/**
 * Authenticates internal API calls by their HMAC signature (common/signature.ts) and decides who may
 * call what, in one place: `/internal/v1/admin/*` only the admin CLI (node `admin`), every other
 * internal route only a bridge. Unsigned, badly signed or stale (> 5 min) requests get 401 before any
 * handler runs, so nothing is done.
 */
import { createMiddleware } from "hono/factory";
import { verifyRequest } from "../../common/signature.js";
import { ApiError } from "../errors.js";
import type { AppEnv } from "../types.js";

const ADMIN_PREFIX = "/internal/v1/admin/";

export const internalAuth = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  const body = await c.req.text();
  const result = await verifyRequest(
    c.var.config.internalSecrets, c.req.method, url.pathname + url.search, body, c.req.raw.headers,
  );
  if (!result.ok) throw new ApiError("UNAUTHORIZED", `request signature refused (${result.reason})`);
  const wantsAdmin = url.pathname.startsWith(ADMIN_PREFIX);
  if (wantsAdmin !== (result.node === "admin")) throw new ApiError("UNAUTHORIZED", "this caller may not use this route");
  c.set("node", result.node);
  await next();
});
