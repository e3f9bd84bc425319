/** Hono typing shared by every route: bindings and per-request variables. */
import type { Db } from "../db/client.js";
import type { Config } from "./env.js";
import type { ErrorStyle } from "./errors.js";

export type AppEnv = {
  Bindings: Record<string, unknown>;
  Variables: {
    config: Config;
    db: Db;
    /** The verified caller of an internal route: a bridge name or `admin`. */
    node: string;
    /** Which API's error body format this request gets (worker/errors.ts); unset: internal. */
    errorStyle: ErrorStyle;
    /** The caller of a `/api/*` route, once its API token is verified (worker/routes/api/auth-middleware.ts). */
    apiCaller: ApiCaller;
  };
};

/** Who called a `/api/*` route: the token's owner and the token itself. */
export interface ApiCaller {
  userId: string;
  tokenId: string;
}
