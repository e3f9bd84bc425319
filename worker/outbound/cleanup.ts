/**
 * Pruning what replies, sends, bounces and the outbox leave behind (run hourly by the cron, see
 * worker/index.ts): outbound messages whose VERP address expired (7 days, common/verp.ts) plus a day's
 * margin, outbox rows a bridge spooled more than a week ago, and owner-notice throttles older than a
 * day. Token-form reverse aliases are kept: a correspondent may reply months later.
 *
 * Deletes in bounded batches so that one run never holds long locks.
 */
import { and, eq, lt } from "drizzle-orm";
import { VERP_VALIDITY_SECONDS } from "../../common/verp.js";
import { createDb, type Db } from "../../db/client.js";
import { mailOutbox, outboundMessages, ownerNotices } from "../../db/schema/index.js";
import { expirePendingClaims } from "../accounts/domain-claims.js";
import { nowSeconds } from "../db-errors.js";
import { parseEnv } from "../env.js";

const DAY = 86_400_000;
/** Rows deleted per table per run. */
export const CLEANUP_BATCH = 5000;

/** @returns how many rows of each table were deleted */
export async function cleanupMailRows(db: Db, now: Date): Promise<{ outbound: number; outbox: number; notices: number }> {
  const affected = (r: unknown) => (r as { rowsAffected?: number }).rowsAffected ?? 0;
  const outbound = await db.delete(outboundMessages)
    .where(lt(outboundMessages.createdAt, new Date(now.getTime() - VERP_VALIDITY_SECONDS * 1000 - DAY))).limit(CLEANUP_BATCH);
  const outbox = await db.delete(mailOutbox)
    .where(and(eq(mailOutbox.status, "spooled"), lt(mailOutbox.spooledAt, new Date(now.getTime() - 7 * DAY)))).limit(CLEANUP_BATCH);
  const notices = await db.delete(ownerNotices).where(lt(ownerNotices.lastSentAt, new Date(now.getTime() - DAY))).limit(CLEANUP_BATCH);
  return { outbound: affected(outbound), outbox: affected(outbox), notices: affected(notices) };
}

/**
 * The cron's entry: once an hour (at minute 30), prune, and remove unverified custom domains past their
 * 72 hours (../accounts/domain-claims.ts); logs instead of throwing.
 * @param env the Worker's raw bindings
 */
export async function runMailCleanup(env: Record<string, unknown>, now = new Date()): Promise<void> {
  if (now.getUTCMinutes() !== 30) return;
  try {
    const db = createDb(parseEnv(env).databaseUrl);
    const deleted = await cleanupMailRows(db, nowSeconds(now));
    const expiredDomainClaims = await expirePendingClaims(db, nowSeconds(now));
    console.log(JSON.stringify({ level: "info", msg: "mail cleanup", ...deleted, expiredDomainClaims }));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "mail cleanup failed", error: (err as Error).message.split("\nparams:")[0] }));
  }
}
