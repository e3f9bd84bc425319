/**
 * Per-request composition root: parses the environment once per isolate and builds the database client
 * (a `@planetscale/database` client is plain config + fetch, so one per isolate and URL is reused).
 */
import { createMiddleware } from "hono/factory";
import { createDb, type Db } from "../../db/client.js";
import { parseEnv } from "../env.js";
import { ApiError } from "../errors.js";
import type { AppEnv } from "../types.js";

let dbCache: { url: string; db: Db } | undefined;

/** Sets `c.var.config` and `c.var.db`; a bad environment is a 500 BAD_ENVIRONMENT. */
export const services = createMiddleware<AppEnv>(async (c, next) => {
  let config;
  try {
    config = parseEnv(c.env);
  } catch (err) {
    throw new ApiError("BAD_ENVIRONMENT", (err as Error).message);
  }
  if (dbCache?.url !== config.databaseUrl) dbCache = { url: config.databaseUrl, db: createDb(config.databaseUrl) };
  c.set("config", config);
  c.set("db", dbCache.db);
  await next();
});
