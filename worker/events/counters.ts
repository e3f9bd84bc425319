/**
 * Counter effects of delivery events: `forwarded`, `replied`, `sent` (counts, last-used times, bandwidth,
 * per-day statistics) and `blocked`. Also the correction when a bounce shows a counted message never
 * arrived.
 */
import { eq, sql } from "drizzle-orm";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { aliasDailyStats, aliases, outboundMessages } from "../../db/schema/index.js";
import { addBandwidth } from "../plans/bandwidth.js";
import type { AppInfo } from "./failures.js";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Counted = "forwarded" | "replied" | "sent" | "blocked";

const COLUMNS = {
  forwarded: { count: aliases.emailsForwarded, last: "lastForwarded", total: "emailsForwarded" },
  replied: { count: aliases.emailsReplied, last: "lastReplied", total: "emailsReplied" },
  sent: { count: aliases.emailsSent, last: "lastSent", total: "emailsSent" },
  blocked: { count: aliases.emailsBlocked, last: "lastBlocked", total: "emailsBlocked" },
} as const;

/**
 * Applies one counted event: the alias's counter and last time, the owner's monthly bandwidth (mail that
 * went out: forwarded, replied, sent; worker/plans/bandwidth.ts, with the 80 % warning), the day's
 * statistics. A `sent` event also marks its outbound message as a send (resolution cannot tell replies
 * from sends; see worker/resolve/reverse.ts).
 * @param now the Worker's clock (the bandwidth month); `at` is when the bridge did it (statistics)
 */
export async function applyCounted(tx: Tx, event: BridgeEvent & { kind: Counted }, aliasId: string, at: Date, now: Date, app: AppInfo): Promise<void> {
  const col = COLUMNS[event.kind];
  await tx.update(aliases).set({ [col.total]: sql`${col.count} + 1`, [col.last]: at }).where(eq(aliases.id, aliasId));
  const outgoing = event.kind !== "blocked";
  if (outgoing) await addBandwidth(tx, event.userId, event.bytes, now, app);
  if (event.kind === "sent" && event.outboundId) {
    await tx.update(outboundMessages).set({ emailType: "S" }).where(eq(outboundMessages.id, event.outboundId));
  }
  const by = { forwarded: 0, replied: 0, sent: 0, blocked: 0, [event.kind]: 1 };
  const bytes = outgoing ? event.bytes : 0;
  await tx.insert(aliasDailyStats).values({
    aliasId, userId: event.userId, day: at.toISOString().slice(0, 10), ...by, bytes,
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
