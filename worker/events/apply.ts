/**
 * Applies what a bridge reports to counters, bandwidth, failed deliveries and owner notices
 * (./counters.ts, ./failures.ts), a batch in one transaction. Each event id is applied at most once:
 * ids already in `bridge_events` are skipped, and the new ids are inserted in the same transaction as
 * their effects, so a bridge can safely resend a batch. (Two copies of one batch racing each other: the
 * second insert meets the unique key, its transaction rolls back, and the bridge's retry finds the ids.)
 */
import { inArray } from "drizzle-orm";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { nowSeconds, transaction } from "../db-errors.js";
import { bridgeEvents } from "../../db/schema/index.js";
import { type CountedEvent, applyCountedBatch } from "./counters.js";
import { type AppInfo, applyFailure } from "./failures.js";

const COUNTED = new Set(["forwarded", "replied", "sent", "blocked"]);

/**
 * Applies a batch in one transaction.
 * @param app product name and dashboard URL for owner notices
 * @returns how many events were new and how many were repeats of ids already applied
 */
export async function applyEvents(
  db: Db, node: string, events: BridgeEvent[], now: Date, app: AppInfo = { appName: "Veilmail", appUrl: "" },
): Promise<{ applied: number; duplicates: number }> {
  // Both bridges report for the same aliases at once; InnoDB may pick one transaction as a deadlock
  // victim. The whole batch is rolled back, so running it again is safe.
  return transaction(db, async (tx) => {
    const known = await tx.select({ id: bridgeEvents.id }).from(bridgeEvents).where(inArray(bridgeEvents.id, events.map((e) => e.id)));
    const skip = new Set(known.map((r) => r.id));
    const fresh: BridgeEvent[] = [];
    for (const event of events) {
      if (skip.has(event.id)) continue;
      skip.add(event.id); // the same id twice in one batch counts once
      fresh.push(event);
    }
    if (fresh.length === 0) return { applied: 0, duplicates: events.length };
    const at = (e: BridgeEvent) => nowSeconds(new Date(e.at));
    await tx.insert(bridgeEvents).values(fresh.map((e) => ({
      id: e.id, bridge: node, kind: e.kind, aliasId: e.aliasId, bytes: e.bytes, occurredAt: at(e), createdAt: now,
    })));
    const counted: CountedEvent[] = fresh.flatMap((e) => (COUNTED.has(e.kind) && e.aliasId
      ? [{ ...e, kind: e.kind as CountedEvent["kind"], aliasId: e.aliasId, at: at(e) }] : []));
    await applyCountedBatch(tx, counted, now, app);
    for (const event of fresh) {
      if (event.kind === "failed" || event.kind === "bounced" || event.kind === "refused") {
        await applyFailure(tx, { ...event, kind: event.kind }, at(event), now, app);
      }
    }
    return { applied: fresh.length, duplicates: events.length - fresh.length };
  });
}
