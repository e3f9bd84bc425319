/**
 * Monthly bandwidth (issue 7 §3): bytes of mail that went out for an account (forwarded, replied, sent;
 * counted when a bridge reports it, worker/events/counters.ts), per UTC calendar month.
 *
 * - {@link addBandwidth} adds an event's bytes, starting the month afresh when the counter belongs to an
 *   earlier one (so bytes reported in the first minute of a month, before the cron ran, are not lost),
 *   and tells the owner once a month when usage crosses 80 % of the plan's limit.
 * - {@link resetMonthlyBandwidth} is the cron's reset: every account whose counter is from an earlier
 *   month starts at 0. Idempotent, so the every-minute cron may run it each time.
 */
import { and, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { plans, recipients, users } from "../../db/schema/index.js";
import type { AppInfo } from "../events/failures.js";
import { enqueueMail } from "../mail/outbox.js";
import { limitsOf, monthStart } from "./plans.js";

/** Anything with drizzle's query builders: the database or a transaction. */
type Executor = Pick<Db, "insert" | "update" | "select">;

/** Share of the monthly limit at which the owner is warned. */
export const BANDWIDTH_WARNING_RATIO = 0.8;


const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Adds `bytes` to the month's usage of `userId`; queues the 80 % warning when this crossed it.
 * @param now the Worker's clock (decides the month; the bridge's event time does not)
 * @returns the warning's outbox id, or null when none was sent
 */
export async function addBandwidth(db: Executor, userId: string, bytes: number, now: Date, app: AppInfo): Promise<string | null> {
  if (bytes <= 0) return null;
  const start = monthStart(now);
  // MySQL and MariaDB evaluate SET left to right: `bandwidth` reads the old `bandwidth_reset_at`.
  await db.update(users).set({
    bandwidth: sql`IF(${users.bandwidthResetAt} IS NULL OR ${users.bandwidthResetAt} >= ${start}, ${users.bandwidth} + ${bytes}, ${bytes})`,
    bandwidthResetAt: start,
  }).where(eq(users.id, userId));
  return warnNearLimit(db, userId, now, app);
}

/** Claims this month's warning for `userId` when usage is at 80 % or more of its plan; queues the mail. */
async function warnNearLimit(db: Executor, userId: string, now: Date, app: AppInfo): Promise<string | null> {
  const [row] = await db.select({ plan: plans, bandwidth: users.bandwidth, email: recipients.email, verifiedAt: recipients.emailVerifiedAt })
    .from(users).leftJoin(plans, eq(plans.name, users.plan)).leftJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(eq(users.id, userId)).limit(1);
  const limit = limitsOf(row?.plan).bandwidthBytes;
  if (!row || limit === null || limit === 0 || row.bandwidth < limit * BANDWIDTH_WARNING_RATIO) return null;
  const start = monthStart(now);
  const claimed = await db.update(users).set({ bandwidthWarnedAt: now }).where(and(
    eq(users.id, userId), gte(users.bandwidth, Math.ceil(limit * BANDWIDTH_WARNING_RATIO)),
    or(isNull(users.bandwidthWarnedAt), lt(users.bandwidthWarnedAt, start)),
  ));
  if (affected(claimed) === 0 || !row.email || !row.verifiedAt) return null;
  const pct = Math.floor((row.bandwidth / limit) * 100);
  return enqueueMail(db, {
    to: row.email,
    subject: `You have used ${pct} % of this month's bandwidth`,
    text: `Mail forwarded, replied and sent through your aliases this month: ${mb(row.bandwidth)} of the ${mb(limit)} your plan (${row.plan?.name ?? "free"}) allows.\n\n`
      + "When it is used up, mail to your aliases is refused (552 5.2.2) until the first day of next month (UTC). "
      + `A plan with more bandwidth lifts the limit at once.\n\nUsage against your plan's limits: ${app.appUrl ? `${app.appUrl}/dashboard` : "your dashboard"}\n\nYou get this message at most once a month.\n\n— ${app.appName}\n`,
    category: "notification",
    userId,
  }, now);
}

/**
 * Starts every account whose counter is from an earlier month at 0 for the month of `now`.
 * @returns how many accounts were reset (0 when run again in the same month)
 */
export async function resetMonthlyBandwidth(db: Db, now: Date): Promise<number> {
  const start = monthStart(now);
  const result = await db.update(users).set({ bandwidth: 0, bandwidthResetAt: start })
    .where(or(isNull(users.bandwidthResetAt), lt(users.bandwidthResetAt, start)));
  return affected(result);
}

function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}
