/**
 * The Worker's Hono app: middleware order, error handling and the mounted feature routers.
 */
import { Hono } from "hono";
import { ApiError, handleError } from "./errors.js";
import { internalAuth } from "./middleware/internal-auth.js";
import { services } from "./middleware/services.js";
import { adminOpsRoutes } from "./routes/internal/admin-ops.js";
import { adminRoutes } from "./routes/internal/admin.js";
import { opsRoutes } from "./routes/internal/ops.js";
import { mailRoutes } from "./routes/internal/mail.js";
import { outboxRoutes } from "./routes/internal/outbox.js";
import type { AppEnv } from "./types.js";
import { statusRoutes } from "./status/routes.js";
import { mountWeb } from "./web/mount.js";

/** Builds the app; one per isolate. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.notFound(() => { throw new ApiError("NOT_FOUND", "no such route"); });
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.use("/internal/*", services, internalAuth);
  app.route("/internal/v1", mailRoutes);
  app.route("/internal/v1/outbox", outboxRoutes);
  app.route("/internal/v1/admin", adminRoutes);
  app.route("/internal/v1", opsRoutes);
  app.route("/internal/v1/admin", adminOpsRoutes);
  app.use("/status", services);
  app.use("/status.json", services);
  app.route("/", statusRoutes((request, env) => app.fetch(request, env)));
  mountWeb(app);
  return app;
}
