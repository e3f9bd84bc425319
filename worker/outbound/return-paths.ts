/**
 * Issuing VERP return paths (common/verp.ts): each message we send to one destination gets an
 * `outbound_messages` row, and its envelope sender names that row. Rows are made where the destination
 * becomes known: at RCPT time for forwards and replies (resolve), at claim time for notifications.
 *
 * The MAC key is derived from APP_SECRET with its own label, so it is never the key of anything else
 * (the dashboard's keys use HKDF labels of their own, worker/auth/keys.ts).
 */
import type { Db } from "../../db/client.js";
import { outboundMessages } from "../../db/schema/index.js";
import { verpAddress } from "../../common/verp.js";

/** What one outbound message is; `domain` is where its VERP address lives (one our MX receives for). */
export interface OutboundRecord {
  emailType: "F" | "R" | "S" | "N";
  userId: string | null;
  aliasId: string | null;
  recipientId?: string | null;
  outboxId?: string | null;
  destination: string;
  domain: string;
}

/** The VERP MAC key for a configuration (`appSecret`, see worker/env.ts). */
export function verpSecret(config: { appSecret: string }): string {
  return `veilmail verp\u0000${config.appSecret}`;
}

/**
 * Stores one row per record (a single INSERT) and returns their return paths, in order.
 * @example const [rp] = await issueReturnPaths(db, secret, [{ emailType: "R", userId, aliasId, destination, domain }], now)
 */
export async function issueReturnPaths(
  db: Pick<Db, "insert">, secret: string, records: OutboundRecord[], now: Date,
): Promise<string[]> {
  if (records.length === 0) return [];
  const rows = records.map((r) => ({
    id: crypto.randomUUID(), emailType: r.emailType, userId: r.userId, aliasId: r.aliasId, recipientId: r.recipientId ?? null,
    outboxId: r.outboxId ?? null, destination: r.destination.slice(0, 320), domain: r.domain.toLowerCase(), createdAt: now,
  }));
  await db.insert(outboundMessages).values(rows);
  return Promise.all(rows.map((r) => verpAddress(secret, r.id, r.domain)));
}
