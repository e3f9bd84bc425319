/**
 * The plans part of the every-minute cron (wrangler.toml `[triggers]`, worker/index.ts): the monthly
 * bandwidth reset. It is idempotent (worker/plans/bandwidth.ts), so running it every minute costs one
 * indexed UPDATE that changes nothing except in the first run of a month.
 */
import { createDb } from "../../db/client.js";
import { nowSeconds } from "../db-errors.js";
import { parseEnv } from "../env.js";
import { resetMonthlyBandwidth } from "./bandwidth.js";

/**
 * One run. Logs (never throws) when the database cannot be reached: the next minute tries again, and
 * until then the counters of an earlier month already read as 0 (worker/plans/plans.ts).
 * @param env the Worker's raw bindings
 * @returns accounts reset, or null when it failed
 */
export async function runPlansCron(env: Record<string, unknown>, now = new Date()): Promise<number | null> {
  try {
    const reset = await resetMonthlyBandwidth(createDb(parseEnv(env).databaseUrl), nowSeconds(now));
    if (reset > 0) console.log(JSON.stringify({ level: "info", msg: "plans cron: monthly bandwidth reset", accounts: reset }));
    return reset;
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "plans cron: bandwidth reset failed", error: (err as Error).message.split("\nparams:")[0] }));
    return null;
  }
}
