/**
 * What an account uses of what its plan counts: the figures `account-details` and the dashboard show
 * against the limits, and that the API and the dashboard check before adding something (./enforce.ts).
 * One aggregate query per figure, all indexed by `user_id`.
 */
import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliases, domains, recipients, usernames, users } from "../../db/schema/index.js";
import { bandwidthThisMonth } from "./plans.js";

/** An account's usage of each limited thing. */
export interface Usage {
  /** Bytes this month (UTC). */
  bandwidthBytes: number;
  /** Active, live aliases directly on shared domains. */
  sharedDomainAliases: number;
  recipients: number;
  /** Active custom domains. */
  customDomains: number;
  /** Live usernames besides the account's own. */
  usernames: number;
  /** Rules do not exist yet. */
  rules: number;
  /** Replies and sends today (UTC). */
  repliesPerDay: number;
}

/** Counted things that have a count check (./enforce.ts). */
export type CountedThing = "sharedDomainAliases" | "recipients" | "customDomains" | "usernames";

/** The number of `thing` that `userId` has now. */
export async function countOf(db: Pick<Db, "select">, userId: string, thing: CountedThing): Promise<number> {
  const n = (rows: { c: number }[]) => Number(rows[0]?.c ?? 0);
  switch (thing) {
    case "sharedDomainAliases":
      return n(await db.select({ c: count() }).from(aliases).innerJoin(domains, eq(domains.id, aliases.domainId))
        .where(and(eq(aliases.userId, userId), isNull(aliases.usernameId), eq(domains.kind, "shared"), eq(aliases.active, true), isNull(aliases.deletedAt))));
    case "recipients":
      return n(await db.select({ c: count() }).from(recipients).where(eq(recipients.userId, userId)));
    case "customDomains":
      return n(await db.select({ c: count() }).from(domains).where(and(eq(domains.userId, userId), eq(domains.kind, "custom"), eq(domains.active, true))));
    case "usernames":
      return Math.max(0, n(await db.select({ c: count() }).from(usernames).where(and(eq(usernames.userId, userId), isNull(usernames.deletedAt)))) - 1);
  }
}

/** Replies and sends of `userId` counted today (UTC), from the per-day statistics. */
export async function repliesAndSendsToday(db: Db, userId: string, now: Date): Promise<number> {
  const [row] = await db.select({ n: sql<string>`COALESCE(SUM(${aliasDailyStats.replied} + ${aliasDailyStats.sent}), 0)` })
    .from(aliasDailyStats)
    .where(and(eq(aliasDailyStats.userId, userId), eq(aliasDailyStats.day, now.toISOString().slice(0, 10))));
  return Number(row?.n ?? 0);
}

/** Everything at once (parallel queries). */
export async function usageOf(db: Db, userId: string, now: Date): Promise<Usage> {
  const [[user], sharedDomainAliases, recipientCount, customDomains, usernameCount, repliesPerDay] = await Promise.all([
    db.select({ bandwidth: users.bandwidth, bandwidthResetAt: users.bandwidthResetAt }).from(users).where(eq(users.id, userId)).limit(1),
    countOf(db, userId, "sharedDomainAliases"),
    countOf(db, userId, "recipients"),
    countOf(db, userId, "customDomains"),
    countOf(db, userId, "usernames"),
    repliesAndSendsToday(db, userId, now),
  ]);
  return {
    bandwidthBytes: user ? bandwidthThisMonth(user, now) : 0,
    sharedDomainAliases, recipients: recipientCount, customDomains, usernames: usernameCount, rules: 0, repliesPerDay,
  };
}
