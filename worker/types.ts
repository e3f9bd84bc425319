/** Hono typing shared by every route: bindings and per-request variables. */
import type { Db } from "../db/client.js";
import type { Config } from "./env.js";

export type AppEnv = {
  Bindings: Record<string, unknown>;
  Variables: {
    config: Config;
    db: Db;
    /** The verified caller of an internal route: a bridge name or `admin`. */
    node: string;
  };
};
