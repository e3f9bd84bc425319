/**
 * The Worker's Hono app: middleware order, error handling and the mounted feature routers.
 */
import { type Context, Hono } from "hono";
import { getPath } from "hono/utils/url";
import { ApiError, handleError } from "./errors.js";
import { internalAuth } from "./middleware/internal-auth.js";
import { services } from "./middleware/services.js";
import { adminOpsRoutes } from "./routes/internal/admin-ops.js";
import { adminPlanRoutes } from "./routes/internal/admin-plans.js";
import { adminRoutes } from "./routes/internal/admin.js";
import { opsRoutes } from "./routes/internal/ops.js";
import { mailRoutes } from "./routes/internal/mail.js";
import { outboxRoutes } from "./routes/internal/outbox.js";
import { reverseAliasRoutes } from "./routes/internal/reverse-aliases.js";
import { createApiApp } from "./routes/api/index.js";
import type { AppEnv } from "./types.js";
import { statusRoutes } from "./status/routes.js";
import { isMachinePath, notFoundPage } from "./web/fallback.js";
import { mountWeb } from "./web/mount.js";

/**
 * The request's path, with `//api/…` read as `/api/…`: clients append `/api/…` to a base URL that may
 * end in `/`, and a redirect would break them (Bitwarden does not follow redirects).
 */
function apiTolerantPath(request: Request): string {
  const path = getPath(request);
  return /^\/{2,}api(\/|$)/.test(path) ? path.replace(/^\/+/, "/") : path;
}

/** The request's ExecutionContext, when the runtime gave one (Hono's getter throws otherwise). */
function executionContextOf(c: Context): Context["executionCtx"] | undefined {
  try { return c.executionCtx; } catch { return undefined; }
}

/** Builds the app; one per isolate. */
export function createApp() {
  const app = new Hono<AppEnv>({ getPath: apiTolerantPath });
  app.onError(handleError);
  // Unknown addresses: JSON under /api and /internal, the dashboard's HTML 404 page elsewhere.
  app.notFound((c) => {
    if (isMachinePath(c.req.path)) throw new ApiError("NOT_FOUND", "no such route");
    return notFoundPage.fetch(c.req.raw, c.env, executionContextOf(c));
  });
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.use("/internal/*", services, internalAuth);
  app.route("/internal/v1", mailRoutes);
  app.route("/internal/v1/outbox", outboxRoutes);
  app.route("/internal/v1/reverse-aliases", reverseAliasRoutes);
  app.route("/internal/v1/admin", adminRoutes);
  app.route("/internal/v1", opsRoutes);
  app.route("/internal/v1/admin", adminOpsRoutes);
  app.route("/internal/v1/admin", adminPlanRoutes);
  app.use("/status", services);
  app.use("/status.json", services);
  app.route("/", statusRoutes((request, env) => app.fetch(request, env)));
  app.route("/", createApiApp());
  mountWeb(app);
  return app;
}
