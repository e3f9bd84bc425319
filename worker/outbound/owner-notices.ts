/**
 * Telling an alias's owner that something went wrong with mail of that alias (a bounce, a delivery we
 * gave up on, a reply we refused to send, a loop we stopped), by e-mail through the outbox, at most once
 * per hour per alias and kind (`owner_notices`). Our own notifications never produce a notice, so a
 * bounce of a notice cannot start a chain.
 *
 * The throttle is a conditional UPDATE, then an INSERT IGNORE for a first notice: under concurrent
 * events exactly one of them wins the hour.
 */
import { and, eq, isNotNull, lte } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { ownerNotices, recipients, users } from "../../db/schema/index.js";
import { enqueueMail } from "../mail/outbox.js";

/** Anything with drizzle's query builders: the database or a transaction. */
export type Executor = Pick<Db, "insert" | "update" | "select">;

export type NoticeKind = "delivery" | "refused" | "loop";

/** One thing to tell an owner; `aliasEmail` and the texts are already filled in. */
export interface OwnerNotice {
  kind: NoticeKind;
  userId: string;
  aliasId: string | null;
  subject: string;
  text: string;
}

/** Minimum time between two notices of one kind for one alias. */
export const NOTICE_INTERVAL_SECONDS = 3600;

/** Rows changed by an UPDATE / INSERT as the PlanetScale driver reports it. */
function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}

/** Claims the hour for `key`; true when this caller may send. */
async function claimSlot(db: Executor, key: string, now: Date): Promise<boolean> {
  const due = new Date(now.getTime() - NOTICE_INTERVAL_SECONDS * 1000);
  const updated = await db.update(ownerNotices).set({ lastSentAt: now })
    .where(and(eq(ownerNotices.noticeKey, key), lte(ownerNotices.lastSentAt, due)));
  if (affected(updated) > 0) return true;
  const inserted = await db.insert(ownerNotices).ignore().values({ noticeKey: key, lastSentAt: now });
  return affected(inserted) > 0;
}

/**
 * Queues `notice` to the owner's default recipient when it is verified and the hour for this alias and
 * kind is free.
 * @returns the outbox id, or null when throttled or there is no verified mailbox to tell
 */
export async function notifyOwner(db: Executor, notice: OwnerNotice, now: Date): Promise<string | null> {
  const [owner] = await db.select({ email: recipients.email }).from(users)
    .innerJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(and(eq(users.id, notice.userId), isNotNull(recipients.emailVerifiedAt))).limit(1);
  if (!owner) return null;
  if (!await claimSlot(db, `${notice.kind}:${notice.aliasId ?? notice.userId}`, now)) return null;
  return enqueueMail(db, {
    to: owner.email, subject: notice.subject, text: notice.text, category: "notification",
    userId: notice.userId, aliasId: notice.aliasId,
  }, now);
}
