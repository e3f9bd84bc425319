/**
 * Storage of the status checks: one `status_checks` row per component per cron run (kept
 * {@link RAW_RETENTION_DAYS} days) and the per-day counters in `status_daily` that the bars read.
 */
import { and, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { statusChecks, statusDaily } from "../../db/schema/index.js";
import type { ComponentStatus } from "./components.js";
import { type DailyRow, dayOf, HISTORY_DAYS } from "./uptime.js";

export const RAW_RETENTION_DAYS = 7;

/**
 * Records one run of checks: raw rows, and +1 on each component's counter for the state it was in.
 * `unknown` states are not recorded (nothing was measured).
 * @param now whole-second time of the run
 */
export async function recordChecks(db: Db, checks: ComponentStatus[], now: Date): Promise<void> {
  const measured = checks.filter((c) => c.state !== "unknown");
  if (measured.length === 0) return;
  await db.insert(statusChecks).values(measured.map((c) => ({
    id: crypto.randomUUID(), component: c.key, state: c.state, latencyMs: c.latencyMs, detail: c.detail.slice(0, 255), checkedAt: now,
  })));
  const day = dayOf(now);
  const one = (c: ComponentStatus, s: ComponentStatus["state"]) => (c.state === s ? 1 : 0);
  await db.insert(statusDaily).values(measured.map((c) => ({
    component: c.key, day, up: one(c, "up"), degraded: one(c, "degraded"), down: one(c, "down"), maintenance: one(c, "maintenance"), firstCheckAt: now,
  }))).onDuplicateKeyUpdate({
    set: {
      up: sql`${sql.identifier("up")} + VALUES(${sql.identifier("up")})`,
      degraded: sql`${sql.identifier("degraded")} + VALUES(${sql.identifier("degraded")})`,
      down: sql`${sql.identifier("down")} + VALUES(${sql.identifier("down")})`,
      maintenance: sql`${sql.identifier("maintenance")} + VALUES(${sql.identifier("maintenance")})`,
    },
  });
}

/** Every component's daily rows of the last {@link HISTORY_DAYS} days. */
export async function dailyRows(db: Db, now: Date): Promise<DailyRow[]> {
  const since = dayOf(new Date(now.getTime() - HISTORY_DAYS * 86_400_000));
  return db.select().from(statusDaily).where(gte(statusDaily.day, since));
}

/** Deletes raw checks older than the retention, a bounded batch at a time. @returns rows deleted */
export async function pruneChecks(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - RAW_RETENTION_DAYS * 86_400_000);
  const result = await db.delete(statusChecks).where(and(lt(statusChecks.checkedAt, before))).limit(5000);
  return (result as { rowsAffected?: number }).rowsAffected ?? 0;
}
