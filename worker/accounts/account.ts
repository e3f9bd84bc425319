/**
 * What an account has and uses: the figures of addy.io's `account-details` and the seven-day chart.
 * Each figure is one aggregate query over the account's rows (indexed by `user_id`).
 */
import { and, count, eq, gte, isNull, sql, sum } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliases, domains, plans, recipients, usernames, users } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";
import { type PlanLimits, bandwidthThisMonth, limitsOf } from "../plans/plans.js";
import { domainOptions } from "./domains.js";

export type UserRow = typeof users.$inferSelect;

/** Counts and totals of one account. */
export interface AccountSummary {
  user: UserRow;
  /** The account's plan, read now (worker/plans/). */
  plan: PlanLimits;
  /** Bytes this month (the stored counter, or 0 when it is from an earlier month not yet reset). */
  bandwidthThisMonth: number;
  /** The account's default username (its login name). */
  username: string;
  /** The user's default alias domain, else its first domain option, else null (no domain at all). */
  defaultAliasDomain: string | null;
  usernameCount: number;
  recipientCount: number;
  activeDomainCount: number;
  activeSharedDomainAliasCount: number;
  totals: {
    forwarded: number; blocked: number; replied: number; sent: number;
    aliases: number; active: number; inactive: number; pinned: number; deleted: number;
  };
}

const n = (v: unknown): number => Number(v ?? 0);

/** Everything `account-details` shows. @throws ApiError NOT_FOUND for a missing or deleted account */
export async function accountSummary(db: Db, userId: string, now = new Date()): Promise<AccountSummary> {
  const [row] = await db.select({ user: users, username: usernames.username, plan: plans }).from(users)
    .leftJoin(usernames, eq(usernames.id, users.defaultUsernameId)).leftJoin(plans, eq(plans.name, users.plan))
    .where(eq(users.id, userId)).limit(1);
  if (!row || row.user.deletedAt) throw new ApiError("NOT_FOUND", "Account not found");
  const live = sql`${aliases.deletedAt} IS NULL`;
  const [[totals], [names], [recips], [doms], [sharedActive], options] = await Promise.all([
    db.select({
      forwarded: sum(aliases.emailsForwarded), blocked: sum(aliases.emailsBlocked), replied: sum(aliases.emailsReplied),
      sent: sum(aliases.emailsSent), all: count(),
      active: sql<string>`SUM(CASE WHEN ${live} AND ${aliases.active} THEN 1 ELSE 0 END)`,
      inactive: sql<string>`SUM(CASE WHEN ${live} AND NOT ${aliases.active} THEN 1 ELSE 0 END)`,
      pinned: sql<string>`SUM(CASE WHEN ${live} AND ${aliases.pinned} THEN 1 ELSE 0 END)`,
      deleted: sql<string>`SUM(CASE WHEN ${aliases.deletedAt} IS NOT NULL THEN 1 ELSE 0 END)`,
    }).from(aliases).where(eq(aliases.userId, userId)),
    db.select({ c: count() }).from(usernames).where(and(eq(usernames.userId, userId), isNull(usernames.deletedAt))),
    db.select({ c: count() }).from(recipients).where(eq(recipients.userId, userId)),
    db.select({ c: count() }).from(domains).where(and(eq(domains.userId, userId), eq(domains.kind, "custom"), eq(domains.active, true))),
    db.select({ c: count() }).from(aliases).innerJoin(domains, eq(domains.id, aliases.domainId))
      .where(and(eq(aliases.userId, userId), isNull(aliases.usernameId), eq(domains.kind, "shared"), eq(aliases.active, true), isNull(aliases.deletedAt))),
    domainOptions(db, userId),
  ]);
  const preferred = row.user.defaultAliasDomain;
  return {
    user: row.user,
    plan: limitsOf(row.plan),
    bandwidthThisMonth: bandwidthThisMonth(row.user, now),
    username: row.username ?? "",
    defaultAliasDomain: options.find((o) => o.domain === preferred)?.domain ?? options[0]?.domain ?? null,
    usernameCount: n(names?.c), recipientCount: n(recips?.c), activeDomainCount: n(doms?.c),
    activeSharedDomainAliasCount: n(sharedActive?.c),
    totals: {
      forwarded: n(totals?.forwarded), blocked: n(totals?.blocked), replied: n(totals?.replied), sent: n(totals?.sent),
      aliases: n(totals?.all) - n(totals?.deleted), active: n(totals?.active), inactive: n(totals?.inactive),
      pinned: n(totals?.pinned), deleted: n(totals?.deleted),
    },
  };
}

/** Seven UTC days ending today: per-day forwards, replies, sends and blocked messages. */
export interface ChartData {
  /** `YYYY-MM-DD`, oldest first. */
  days: string[];
  forwarded: number[];
  replied: number[];
  sent: number[];
  /** Messages discarded because the alias (or its username or domain) was off (the dashboard's chart). */
  blocked: number[];
}

/** The last seven days (today included) of the account's traffic, from `alias_daily_stats`. */
export async function chartData(db: Db, userId: string, now: Date): Promise<ChartData> {
  const days = Array.from({ length: 7 }, (_, i) => new Date(now.getTime() - (6 - i) * 86_400_000).toISOString().slice(0, 10));
  const rows = await db.select({
    day: aliasDailyStats.day, forwarded: sum(aliasDailyStats.forwarded), replied: sum(aliasDailyStats.replied), sent: sum(aliasDailyStats.sent),
    blocked: sum(aliasDailyStats.blocked),
  }).from(aliasDailyStats).where(and(eq(aliasDailyStats.userId, userId), gte(aliasDailyStats.day, days[0]!))).groupBy(aliasDailyStats.day);
  const byDay = new Map(rows.map((r) => [String(r.day).slice(0, 10), r]));
  return {
    days,
    forwarded: days.map((d) => n(byDay.get(d)?.forwarded)),
    replied: days.map((d) => n(byDay.get(d)?.replied)),
    sent: days.map((d) => n(byDay.get(d)?.sent)),
    blocked: days.map((d) => n(byDay.get(d)?.blocked)),
  };
}
