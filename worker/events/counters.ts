/**
 * Counter effects of delivery events: `forwarded`, `replied`, `sent` (counts, last-used times, bandwidth,
 * per-day statistics) and `blocked`. Also the correction when a bounce shows a counted message never
 * arrived.
 *
 * Applied per batch, set-wise: one UPDATE per (alias, kind), one bandwidth update per owner and one
 * upsert per (alias, day), whatever the number of events, so a bridge's batch of hundreds of forwards
 * costs a handful of statements (`npm run bench` throughput).
 */
import { eq, sql } from "drizzle-orm";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Tx } from "../db-errors.js";
import { aliasDailyStats, aliases, outboundMessages } from "../../db/schema/index.js";
import { addBandwidth } from "../plans/bandwidth.js";
import type { AppInfo } from "./failures.js";

export type Counted = "forwarded" | "replied" | "sent" | "blocked";
/** A counted event with the time it happened (whole seconds). */
export type CountedEvent = Omit<BridgeEvent, "at" | "kind" | "aliasId"> & { kind: Counted; aliasId: string; at: Date };

const COLUMNS = {
  forwarded: { count: aliases.emailsForwarded, last: "lastForwarded", total: "emailsForwarded" },
  replied: { count: aliases.emailsReplied, last: "lastReplied", total: "emailsReplied" },
  sent: { count: aliases.emailsSent, last: "lastSent", total: "emailsSent" },
  blocked: { count: aliases.emailsBlocked, last: "lastBlocked", total: "emailsBlocked" },
} as const;

const isOutgoing = (kind: Counted): boolean => kind !== "blocked";

/** Groups items by a string key, keeping first-seen order. */
function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

const latest = (events: CountedEvent[]): Date => new Date(Math.max(...events.map((e) => e.at.getTime())));

/**
 * Applies counted events: each alias's counters and last-used times, each owner's monthly bandwidth (mail
 * that went out: forwarded, replied, sent; worker/plans/bandwidth.ts, with the 80 % warning), the day's
 * statistics. A `sent` event also marks its outbound message as a send (resolution cannot tell replies
 * from sends; see worker/resolve/reverse.ts).
 * @param now the Worker's clock (the bandwidth month); each event's `at` is when the bridge did it
 */
export async function applyCountedBatch(tx: Tx, events: CountedEvent[], now: Date, app: AppInfo): Promise<void> {
  for (const group of groupBy(events, (e) => `${e.aliasId} ${e.kind}`)) {
    const { aliasId, kind } = group[0]!;
    const col = COLUMNS[kind];
    await tx.update(aliases).set({ [col.total]: sql`${col.count} + ${group.length}`, [col.last]: latest(group) }).where(eq(aliases.id, aliasId));
  }
  for (const group of groupBy(events.filter((e) => isOutgoing(e.kind)), (e) => e.userId)) {
    await addBandwidth(tx, group[0]!.userId, group.reduce((sum, e) => sum + e.bytes, 0), now, app);
  }
  for (const event of events) {
    if (event.kind === "sent" && event.outboundId) {
      await tx.update(outboundMessages).set({ emailType: "S" }).where(eq(outboundMessages.id, event.outboundId));
    }
  }
  for (const group of groupBy(events, (e) => `${e.aliasId} ${e.at.toISOString().slice(0, 10)}`)) {
    const count = (kind: Counted) => group.filter((e) => e.kind === kind).length;
    const by = { forwarded: count("forwarded"), replied: count("replied"), sent: count("sent"), blocked: count("blocked") };
    const bytes = group.filter((e) => isOutgoing(e.kind)).reduce((sum, e) => sum + e.bytes, 0);
    const first = group[0]!;
    await tx.insert(aliasDailyStats).values({
      aliasId: first.aliasId, userId: first.userId, day: first.at.toISOString().slice(0, 10), ...by, bytes,
    }).onDuplicateKeyUpdate({
      set: {
        forwarded: sql`${aliasDailyStats.forwarded} + ${by.forwarded}`,
        replied: sql`${aliasDailyStats.replied} + ${by.replied}`,
        sent: sql`${aliasDailyStats.sent} + ${by.sent}`,
        blocked: sql`${aliasDailyStats.blocked} + ${by.blocked}`,
        bytes: sql`${aliasDailyStats.bytes} + ${bytes}`,
      },
    });
  }
}

/**
 * Takes back one forwarded / replied / sent count of an alias whose message bounced (never below zero).
 * @param emailType `F`, `R` or `S`; anything else changes nothing
 */
export async function uncount(tx: Tx, aliasId: string, emailType: string): Promise<void> {
  const kind = emailType === "F" ? "forwarded" : emailType === "R" ? "replied" : emailType === "S" ? "sent" : null;
  if (!kind) return;
  const col = COLUMNS[kind];
  await tx.update(aliases).set({ [col.total]: sql`IF(${col.count} > 0, ${col.count} - 1, 0)` }).where(eq(aliases.id, aliasId));
}
