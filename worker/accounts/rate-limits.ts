/**
 * Fixed-window rate limits kept in the database (`rate_limits`), because Workers share no memory
 * across isolates or locations.
 *
 * One hit is one statement: `INSERT … ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)`. A new
 * window's row is inserted with `hits = 1` (the reply's insert id is 0: the table has no AUTO_INCREMENT
 * column); a later hit sets the connection's insert id to the new count, which comes back with the
 * reply (MySQL manual, "Information Functions", LAST_INSERT_ID(expr)). This works on MySQL 8 and MariaDB.
 * When a bucket opens a new window, rows that expired an hour or more ago are deleted (a bounded sweep),
 * so the table stays small without a cron job.
 *
 * A hit made inside a transaction (`withAccountLock`, ./account-lock.ts) is rolled back with it: a
 * creation that fails after counting itself uses up nothing. Those hits skip the sweep, so the
 * transaction locks only its own bucket's row.
 */
import { lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { rateLimits } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import type { Executor } from "./account-lock.js";

/** The state of one bucket after a hit. */
export interface RateLimitState {
  /** Hits in the current window, this one included. */
  count: number;
  limit: number;
  /** Hits left in this window (never negative). */
  remaining: number;
  /** Seconds until the window ends. */
  retryAfter: number;
  /** False when this hit went over the limit. */
  allowed: boolean;
}

/**
 * Counts one hit in `bucket` for the fixed window of `windowSeconds` that contains `now`.
 * @param db the database, or a transaction the hit is to be part of
 * @param bucket e.g. `api:<token id>` (≤ 120 characters)
 * @param limit hits allowed per window
 * @param opts.sweep delete long-expired rows when this hit opens a window (default true; pass false
 *   inside a transaction)
 */
export async function hitRateLimit(
  db: Executor, bucket: string, limit: number, windowSeconds: number, now: Date, opts: { sweep?: boolean } = {},
): Promise<RateLimitState> {
  const nowSec = Math.floor(now.getTime() / 1000);
  const startSec = nowSec - (nowSec % windowSeconds);
  const windowStart = new Date(startSec * 1000);
  const expiresAt = new Date((startSec + windowSeconds) * 1000);
  const result = await db.insert(rateLimits).values({ bucket, windowStart, hits: 1, expiresAt })
    .onDuplicateKeyUpdate({ set: { hits: sql`LAST_INSERT_ID(${rateLimits.hits} + 1)` } });
  const insertId = Number((result as unknown as { insertId?: string | number }).insertId ?? 0);
  const count = insertId > 0 ? insertId : 1;
  if (count === 1 && opts.sweep !== false) {
    const cutoff = new Date((nowSec - 3600) * 1000);
    await db.delete(rateLimits).where(lt(rateLimits.expiresAt, cutoff)).limit(200);
  }
  return {
    count, limit, remaining: Math.max(0, limit - count), retryAfter: startSec + windowSeconds - nowSec, allowed: count <= limit,
  };
}

/**
 * Counts one alias creation for `userId` in the current hour (addy.io's `NEW_ALIAS_LIMIT`; the plan's
 * `aliases_per_hour`). The API, the dashboard and first mail to a catch-all share the one counter.
 * @param limit aliases per hour; null: not limited (operator actions, unlimited plans)
 * @returns false when the hour's limit is reached (nothing may be created)
 */
export async function tryReserveAliasCreation(db: Db, userId: string, limit: number | null, now: Date): Promise<boolean> {
  if (limit === null) return true;
  return (await hitRateLimit(db, `alias-create:${userId}`, limit, 3600, now)).allowed;
}

/**
 * {@link tryReserveAliasCreation} for the API and the dashboard, counted in the transaction that creates
 * the alias (./account-lock.ts), so that a creation that then fails is not counted.
 * @throws ApiError RATE_LIMITED (429, with Retry-After) once the hour's limit is reached
 */
export async function reserveAliasCreation(tx: Executor, userId: string, limit: number | null, now: Date): Promise<void> {
  if (limit === null) return;
  const state = await hitRateLimit(tx, `alias-create:${userId}`, limit, 3600, now, { sweep: false });
  if (!state.allowed) {
    throw new ApiError("RATE_LIMITED", "You have reached your hourly limit for creating new aliases", undefined, { headers: { "Retry-After": String(state.retryAfter) } });
  }
}
