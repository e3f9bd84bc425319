/**
 * Fixed-window counters for rate limits (API requests per token per minute, aliases created per user per
 * hour, login attempts). Workers share no memory across isolates, so the count lives here: one row per
 * bucket and window, bumped with one `INSERT … ON DUPLICATE KEY UPDATE` (worker/accounts/rate-limits.ts).
 */
import { datetime, index, int, mysqlTable, primaryKey, varchar } from "drizzle-orm/mysql-core";

export const rateLimits = mysqlTable("rate_limits", {
  /** What is counted and for whom, e.g. `api:<token id>`, `alias-create:<user id>`, `login:<ip>`. */
  bucket: varchar("bucket", { length: 120 }).notNull(),
  /** Start of the window (UTC, whole seconds, a multiple of the window length). */
  windowStart: datetime("window_start", { mode: "date" }).notNull(),
  hits: int("hits", { unsigned: true }).notNull().default(0),
  /** End of the window: rows past it are deleted lazily. */
  expiresAt: datetime("expires_at", { mode: "date" }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.bucket, t.windowStart] }),
  index("rate_limits_expires_idx").on(t.expiresAt),
]);
