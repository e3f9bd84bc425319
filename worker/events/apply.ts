/**
 * Applies what a bridge reports to counters, bandwidth, failed deliveries and owner notices
 * (./counters.ts, ./failures.ts). Each event id is applied at most once: the id goes into `bridge_events`
 * with `INSERT IGNORE` in the same transaction as its effects, so a bridge can safely resend a batch.
 */
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { nowSeconds } from "../db-errors.js";
import { bridgeEvents } from "../../db/schema/index.js";
import { applyCounted } from "./counters.js";
import { type AppInfo, applyFailure } from "./failures.js";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Applies a batch in one transaction.
 * @param app product name and dashboard URL for owner notices
 * @returns how many events were new and how many were repeats of ids already applied
 */
export async function applyEvents(
  db: Db, node: string, events: BridgeEvent[], now: Date, app: AppInfo = { appName: "Veilmail", appUrl: "" },
): Promise<{ applied: number; duplicates: number }> {
  return db.transaction(async (tx) => {
    let applied = 0;
    for (const event of events) {
      const at = nowSeconds(new Date(event.at));
      const inserted = await tx.insert(bridgeEvents).ignore().values({
        id: event.id, bridge: node, kind: event.kind, aliasId: event.aliasId, bytes: event.bytes, occurredAt: at, createdAt: now,
      });
      if (affected(inserted) === 0) continue;
      applied++;
      await applyOne(tx, event, at, now, app);
    }
    return { applied, duplicates: events.length - applied };
  });
}

async function applyOne(tx: Tx, event: BridgeEvent, at: Date, now: Date, app: AppInfo): Promise<void> {
  switch (event.kind) {
    case "forwarded":
    case "replied":
    case "sent":
    case "blocked":
      if (event.aliasId) await applyCounted(tx, { ...event, kind: event.kind }, event.aliasId, at, now, app);
      return;
    case "failed":
    case "bounced":
    case "refused":
      await applyFailure(tx, { ...event, kind: event.kind }, at, now, app);
      return;
  }
}

/** Rows affected by a write, as drizzle's PlanetScale driver reports it. */
function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}
