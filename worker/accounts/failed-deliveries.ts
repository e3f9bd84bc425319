/**
 * The failed deliveries an account may read (bridges report them: worker/events/apply.ts): list by
 * page, read one, delete. Every row here is outbound (a forward, reply or send that the recipient's
 * server refused); inbound rejections are answered at SMTP time and not stored. The message itself is
 * not kept, so there is nothing to download or resend.
 */
import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases, failedDeliveries, recipients } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";

export type FailedDeliveryRow = typeof failedDeliveries.$inferSelect;

/** A failed delivery with the addresses of its alias and recipient (null when those are gone). */
export interface FailedDeliveryView {
  delivery: FailedDeliveryRow;
  aliasEmail: string | null;
  recipientEmail: string | null;
}

/** `inbound`, `outbound` or `inbound_quarantined` (addy.io's `filter[email_type]`). */
export type FailedDeliveryKind = "inbound" | "outbound" | "inbound_quarantined";

async function withAddresses(db: Db, rows: FailedDeliveryRow[]): Promise<FailedDeliveryView[]> {
  const aliasIds = [...new Set(rows.flatMap((r) => (r.aliasId ? [r.aliasId] : [])))];
  const recipientIds = [...new Set(rows.flatMap((r) => (r.recipientId ? [r.recipientId] : [])))];
  const [a, r] = await Promise.all([
    aliasIds.length ? db.select({ id: aliases.id, email: aliases.email }).from(aliases).where(inArray(aliases.id, aliasIds)) : Promise.resolve([]),
    recipientIds.length ? db.select({ id: recipients.id, email: recipients.email }).from(recipients).where(inArray(recipients.id, recipientIds)) : Promise.resolve([]),
  ]);
  const aliasEmail = new Map(a.map((x) => [x.id, x.email]));
  const recipientEmail = new Map(r.map((x) => [x.id, x.email]));
  return rows.map((delivery) => ({
    delivery,
    aliasEmail: delivery.aliasId ? aliasEmail.get(delivery.aliasId) ?? null : null,
    recipientEmail: delivery.recipientId ? recipientEmail.get(delivery.recipientId) ?? null : null,
  }));
}

/**
 * One page of `userId`'s failed deliveries, newest first.
 * @param q.kind only outbound rows exist (see the module comment): `inbound*` gives an empty page
 */
export async function listFailedDeliveries(db: Db, userId: string, q: { kind?: FailedDeliveryKind | undefined; page: number; size: number }): Promise<{ items: FailedDeliveryView[]; total: number }> {
  if (q.kind && q.kind !== "outbound") return { items: [], total: 0 };
  const where = eq(failedDeliveries.userId, userId);
  const [rows, [total]] = await Promise.all([
    db.select().from(failedDeliveries).where(where).orderBy(desc(failedDeliveries.createdAt), desc(failedDeliveries.id))
      .limit(q.size).offset((q.page - 1) * q.size),
    db.select({ c: count() }).from(failedDeliveries).where(where),
  ]);
  return { items: await withAddresses(db, rows), total: Number(total?.c ?? 0) };
}

/** The failed delivery `id` of `userId`. @throws ApiError NOT_FOUND */
export async function getFailedDelivery(db: Db, userId: string, id: string): Promise<FailedDeliveryView> {
  const rows = await db.select().from(failedDeliveries).where(and(eq(failedDeliveries.id, id), eq(failedDeliveries.userId, userId))).limit(1);
  if (rows.length === 0) throw new ApiError("NOT_FOUND", "Failed delivery not found");
  return (await withAddresses(db, rows))[0]!;
}

/** Deletes a failed delivery of `userId`. @throws ApiError NOT_FOUND */
export async function deleteFailedDelivery(db: Db, userId: string, id: string): Promise<void> {
  await getFailedDelivery(db, userId, id);
  await db.delete(failedDeliveries).where(and(eq(failedDeliveries.id, id), eq(failedDeliveries.userId, userId)));
}
