/**
 * The public API under `/api`: addy.io's `/api/v1` and `/api/auth`, the SimpleLogin subset, the OpenAPI
 * document and its reference page. Everything here answers JSON (the reference page excepted), never
 * a redirect; `//api/…` is routed like `/api/…` (app.ts normalises the path).
 *
 * Middleware order: error style (so even a failing environment or an unknown route answers in the
 * caller's dialect) → CORS (preflight 204 before anything else; `Access-Control-Allow-Origin: *` on
 * every answer, errors included) → `Cache-Control: no-store` on every answer but the public documents →
 * services (config, database). Token auth and the per-token limit run
 * per route (define.ts), before the request is validated.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { ApiError, type ErrorStyle } from "../../errors.js";
import { services } from "../../middleware/services.js";
import type { AppEnv } from "../../types.js";
import { accountRoutes } from "./addy/account.js";
import { aliasActionRoutes } from "./addy/alias-actions.js";
import { aliasRoutes } from "./addy/aliases.js";
import { domainRoutes } from "./addy/domains.js";
import { failedDeliveryRoutes } from "./addy/failed-deliveries.js";
import { recipientRoutes } from "./addy/recipients.js";
import { usernameRoutes } from "./addy/usernames.js";
import { authRoutes } from "./auth.js";
import { ApiBuilder } from "./define.js";
import { docsPage } from "./docs.js";
import { openApiDocument } from "./openapi.js";
import { slAccountRoutes } from "./simplelogin/account.js";
import { slAliasRoutes } from "./simplelogin/aliases.js";

/** Headers the clients send (api-clients.md §1.3). */
export const CORS_ALLOW_HEADERS = [
  "Authorization", "Authentication", "Content-Type", "Accept", "X-Requested-With", "X-Requested-From", "X-CSRF-TOKEN", "X-Sl-Allowcookies",
];

/** The public documents under `/api` (the only answers that may be cached). */
const PUBLIC_DOCUMENTS = new Set(["/api/openapi.json", "/api/docs"]);

/** addy.io's routes (`/api/v1/*`, `/api/auth/*`) answer Laravel-style, the rest of `/api` SimpleLogin-style. */
export function errorStyleFor(path: string): ErrorStyle {
  return path.startsWith("/api/v1/") || path.startsWith("/api/auth/") || path === "/api/v1" ? "addy" : "simplelogin";
}

/** Builds the API's Hono app; mount it at `/` (its routes carry their full paths). */
export function createApiApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/api/*", async (c, next) => {
    c.set("errorStyle", errorStyleFor(c.req.path));
    await next();
  });
  app.use("/api/*", cors({
    origin: "*", allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: ["X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After"], maxAge: 86_400,
  }));
  // Answers carry accounts' data and tokens: no cache may keep them (errors included). The OpenAPI
  // document and its page are public and the same for everyone.
  app.use("/api/*", async (c, next) => {
    await next();
    if (!PUBLIC_DOCUMENTS.has(c.req.path)) c.header("Cache-Control", "no-store");
  });
  app.use("/api/*", services);

  const api = new ApiBuilder(app);
  for (const register of [
    authRoutes, aliasRoutes, aliasActionRoutes, recipientRoutes, domainRoutes, usernameRoutes, accountRoutes, failedDeliveryRoutes,
    slAliasRoutes, slAccountRoutes,
  ]) register(api);

  let cached: { key: string; doc: Record<string, unknown> } | undefined;
  const document = (c: { var: AppEnv["Variables"]; req: { url: string } }) => {
    const origin = new URL(c.req.url).origin;
    const key = `${origin}\n${c.var.config.appName}`;
    if (cached?.key !== key) cached = { key, doc: openApiDocument(api.specs, origin, c.var.config.appName) };
    return cached.doc;
  };
  app.get("/api/openapi.json", (c) => c.json(document(c)));
  app.get("/api/docs", (c) => c.html(docsPage(document(c))));
  app.all("/api/*", () => { throw new ApiError("NOT_FOUND", "Not Found."); });
  return app;
}
