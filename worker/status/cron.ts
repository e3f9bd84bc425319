/**
 * The status cron (wrangler.toml `[triggers] crons = ["* * * * *"]`): every minute, check every
 * component and record the result for the 90-day bars; once an hour, prune raw checks past retention.
 * When the database is down nothing can be recorded; the bars count those silent minutes against the
 * database (see ./uptime.ts).
 */
import { createDb } from "../../db/client.js";
import { nowSeconds } from "../db-errors.js";
import { parseEnv } from "../env.js";
import { pruneChecks, recordChecks } from "./history.js";
import type { AppFetch } from "./probes.js";
import { type StatusSnapshot, statusSnapshot } from "./snapshot.js";

/**
 * One run. Logs (never throws) when recording fails.
 * @param env the Worker's raw bindings
 * @param appFetch the app, in-process, with these bindings
 * @returns the snapshot that was (or could not be) recorded, for tests and logs
 */
export async function runStatusCron(env: Record<string, unknown>, appFetch: AppFetch, now = new Date()): Promise<StatusSnapshot> {
  const config = parseEnv(env);
  const db = createDb(config.databaseUrl);
  const at = nowSeconds(now);
  const snap = await statusSnapshot({ db, appFetch, appUrl: config.appUrl, bridgeNodes: config.bridgeNodes, now: at }, false);
  if (!snap.databaseReachable) {
    console.error(JSON.stringify({ level: "warn", msg: "status cron: database unreachable, checks not recorded" }));
    return snap;
  }
  try {
    await recordChecks(db, snap.components, at);
    if (at.getUTCMinutes() === 0) await pruneChecks(db, at);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "status cron: recording failed", error: (err as Error).message.split("\nparams:")[0] }));
  }
  return snap;
}
