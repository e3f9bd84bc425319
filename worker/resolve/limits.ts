/**
 * Plan limits at RCPT time (issue 7 §3), read fresh on every resolution (the plan row comes joined
 * with the owner, worker/resolve/lookup.ts):
 *
 * | limit | when reached | answer |
 * |---|---|---|
 * | monthly bandwidth (`bandwidth_bytes`) | used ≥ limit | `552 5.2.2` for forwards (auto-replies to our VERP addresses are dropped) |
 * | new aliases per hour (`aliases_per_hour`) | this hour's creations ≥ limit | `450 4.2.1` for first mail to a catch-all; the alias is not created |
 * | replies + sends per day (`replies_per_day`) | today's (UTC) replies + sends ≥ limit | reply plan marked `limitReached`: the bridge accepts, does not send, records a `refused` event (`reply-limit`) and the owner is told |
 *
 * So at `limit − 1` used the next message passes, at `limit` it is refused; a reset (new month, hour
 * or day, or a plan with a higher limit) lets mail through again.
 */
import type { Db } from "../../db/client.js";
import { tryReserveAliasCreation } from "../accounts/rate-limits.js";
import { bandwidthThisMonth, type PlanLimits } from "../plans/plans.js";
import { repliesAndSendsToday } from "../plans/usage.js";

/** True when the owner's plan has a bandwidth limit and this month's usage has reached it. */
export function overBandwidth(user: { bandwidth: number; bandwidthResetAt: Date | null }, plan: PlanLimits, now: Date): boolean {
  return plan.bandwidthBytes !== null && bandwidthThisMonth(user, now) >= plan.bandwidthBytes;
}

/**
 * Counts one on-the-fly alias creation against the plan's hourly cap (the counter the API and the
 * dashboard use too, worker/accounts/rate-limits.ts).
 * @returns false when the cap is reached: answer `450 4.2.1`, create nothing
 */
export function reserveFirstMailAlias(db: Db, userId: string, plan: PlanLimits, now: Date): Promise<boolean> {
  return tryReserveAliasCreation(db, userId, plan.aliasesPerHour, now);
}

/**
 * The day's reply/send cap when the owner has reached it, else null.
 * @returns `{ perDay, used }` to put in the reply plan as `limitReached`
 */
export async function replyLimitReached(db: Db, userId: string, plan: PlanLimits, now: Date): Promise<{ perDay: number; used: number } | null> {
  if (plan.repliesPerDay === null) return null;
  const used = await repliesAndSendsToday(db, userId, now);
  return used >= plan.repliesPerDay ? { perDay: plan.repliesPerDay, used } : null;
}
