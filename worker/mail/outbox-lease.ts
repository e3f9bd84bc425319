/**
 * The bridges' side of the outbox (db/schema/outbox.ts): claiming queued messages under a lease and
 * acknowledging the ones a bridge has spooled.
 *
 * Exactly-once hand-off: a claim gives every row it takes a fresh claim token; an acknowledgement
 * succeeds only with the row's current token. A bridge delivers a message only after its ack succeeded,
 * so when a lease runs out and a second bridge claims the row, at most one of the two can acknowledge
 * it (the later claim replaced the token) and the other one drops its copy.
 */
import { and, asc, eq, inArray, lt, or } from "drizzle-orm";
import type { OutboxMessage } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { mailOutbox } from "../../db/schema/index.js";

/** A claimed row as the bridge gets it, before the return path is added. */
export type ClaimedMail = Omit<OutboxMessage, "returnPath">;

/**
 * Leases up to `limit` messages that are queued, or claimed with a lease that ended before `now`, to
 * `node` until `now + leaseSeconds`. One UPDATE … ORDER BY … LIMIT (a locking read: two bridges
 * claiming at once never get the same row), then a read of the rows carrying the new token.
 *
 * @returns the claimed messages, oldest first (possibly none)
 * @example await claimOutbox(db, "mx1", { limit: 20, leaseSeconds: 120 }, nowSeconds())
 */
export async function claimOutbox(
  db: Db, node: string, opts: { limit: number; leaseSeconds: number }, now: Date,
): Promise<ClaimedMail[]> {
  const claimToken = crypto.randomUUID();
  const claimedUntil = new Date(now.getTime() + opts.leaseSeconds * 1000);
  await db.update(mailOutbox)
    .set({ status: "claimed", claimedBy: node, claimToken, claimedUntil })
    .where(or(
      eq(mailOutbox.status, "queued"),
      and(eq(mailOutbox.status, "claimed"), lt(mailOutbox.claimedUntil, now)),
    ))
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id))
    .limit(opts.limit);
  const rows = await db.select().from(mailOutbox)
    .where(eq(mailOutbox.claimToken, claimToken))
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id));
  return rows.map((r) => ({
    id: r.id,
    claimToken,
    to: r.toAddress,
    subject: r.subject,
    text: r.textBody,
    html: r.htmlBody,
    category: r.category,
    userId: r.userId,
    aliasId: r.aliasId,
    createdAt: r.createdAt.toISOString(),
  }));
}

/**
 * Marks each `(id, claimToken)` as spooled when the token is still the row's. Repeating an ack is
 * harmless (a row already spooled under the same token counts as acked).
 *
 * @returns `acked`: ids the caller now owns; `lost`: ids claimed by someone else since, or unknown
 */
export async function ackOutbox(
  db: Db, items: { id: string; claimToken: string }[], now: Date,
): Promise<{ acked: string[]; lost: string[] }> {
  for (const item of items) {
    await db.update(mailOutbox)
      .set({ status: "spooled", spooledAt: now })
      .where(and(eq(mailOutbox.id, item.id), eq(mailOutbox.claimToken, item.claimToken), eq(mailOutbox.status, "claimed")));
  }
  const ids = [...new Set(items.map((i) => i.id))];
  const rows = await db.select({ id: mailOutbox.id, claimToken: mailOutbox.claimToken, status: mailOutbox.status })
    .from(mailOutbox).where(inArray(mailOutbox.id, ids));
  const owned = new Set(rows.filter((r) => r.status === "spooled").map((r) => `${r.id} ${r.claimToken}`));
  const acked: string[] = [];
  const lost: string[] = [];
  for (const item of items) (owned.has(`${item.id} ${item.claimToken}`) ? acked : lost).push(item.id);
  return { acked, lost };
}
