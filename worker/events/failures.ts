/**
 * Failure events (`failed`, `bounced`, `refused`) become failed-delivery records the owner can see, a
 * bounce takes back the count of the message that never arrived (once per outbound message), and the
 * owner is told by mail (throttled; never about our own notifications, so a bounced notice cannot cause
 * another notice).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Tx } from "../db-errors.js";
import { aliases, failedDeliveries, outboundMessages } from "../../db/schema/index.js";
import { noticeText } from "../outbound/notice-texts.js";
import { notifyOwner } from "../outbound/owner-notices.js";
import { uncount } from "./counters.js";

type Failure = BridgeEvent & { kind: "failed" | "bounced" | "refused" };

/** Product name and dashboard URL for the notice texts. */
export interface AppInfo {
  appName: string;
  appUrl: string;
}

/** Records one failure event (see the file header). */
export async function applyFailure(tx: Tx, event: Failure, at: Date, now: Date, app: AppInfo): Promise<void> {
  let { aliasId, userId } = event;
  let emailType = event.emailType ?? "F";
  let recipientId = event.recipientId ?? null;
  let destination = event.destination ?? null;
  if (event.kind === "bounced" && event.outboundId) {
    const [row] = await tx.select().from(outboundMessages).where(eq(outboundMessages.id, event.outboundId)).limit(1);
    if (row) {
      ({ aliasId } = row);
      userId = row.userId ?? userId;
      emailType = row.emailType as typeof emailType;
      recipientId = row.recipientId;
      destination = row.destination;
      const first = await tx.update(outboundMessages).set({ bouncedAt: now })
        .where(and(eq(outboundMessages.id, row.id), isNull(outboundMessages.bouncedAt)));
      if (affected(first) > 0 && aliasId) await uncount(tx, aliasId, emailType);
    }
  }
  await tx.insert(failedDeliveries).values({
    id: crypto.randomUUID(),
    userId,
    aliasId,
    recipientId: emailType === "F" ? recipientId : null,
    bounceType: event.bounceType ?? "hard",
    remoteMta: event.remoteMta?.slice(0, 255) ?? null,
    sender: event.sender?.slice(0, 320) ?? null,
    destination: destination?.slice(0, 320) ?? null,
    emailType,
    status: event.status?.slice(0, 16) ?? null,
    code: event.diagnostic ?? null,
    attemptedAt: at,
    createdAt: now,
    updatedAt: now,
  });
  if (emailType === "N") return;
  const [alias] = aliasId ? await tx.select({ email: aliases.email }).from(aliases).where(eq(aliases.id, aliasId)).limit(1) : [];
  const words = noticeText({ ...event, emailType, destination: destination ?? undefined }, alias?.email ?? null, app);
  await notifyOwner(tx, { ...words, userId, aliasId }, now);
}

function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}
