/**
 * Applies what a bridge reports (forwarded / blocked / failed) to counters, bandwidth and the failed
 * deliveries list. Each event id is applied at most once: the id goes into `bridge_events` with
 * `INSERT IGNORE` in the same transaction as its effects, so a bridge can safely resend a batch.
 */
import { eq, sql } from "drizzle-orm";
import type { BridgeEvent } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { nowSeconds } from "../db-errors.js";
import { aliasDailyStats, aliases, bridgeEvents, failedDeliveries, users } from "../../db/schema/index.js";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Applies a batch in one transaction.
 * @returns how many events were new and how many were repeats of ids already applied
 */
export async function applyEvents(db: Db, node: string, events: BridgeEvent[], now: Date): Promise<{ applied: number; duplicates: number }> {
  return db.transaction(async (tx) => {
    let applied = 0;
    for (const event of events) {
      const at = nowSeconds(new Date(event.at));
      const inserted = await tx.insert(bridgeEvents).ignore().values({
        id: event.id, bridge: node, kind: event.kind, aliasId: event.aliasId, bytes: event.bytes, occurredAt: at, createdAt: now,
      });
      if (affected(inserted) === 0) continue;
      applied++;
      await applyOne(tx, event, at, now);
    }
    return { applied, duplicates: events.length - applied };
  });
}

async function applyOne(tx: Tx, event: BridgeEvent, at: Date, now: Date): Promise<void> {
  const day = at.toISOString().slice(0, 10);
  const aliasId = event.aliasId;
  switch (event.kind) {
    case "forwarded":
      if (!aliasId) return;
      await tx.update(aliases).set({
        emailsForwarded: sql`${aliases.emailsForwarded} + 1`, lastForwarded: at,
      }).where(eq(aliases.id, aliasId));
      await tx.update(users).set({ bandwidth: sql`${users.bandwidth} + ${event.bytes}` }).where(eq(users.id, event.userId));
      await bumpDaily(tx, aliasId, event, day, { forwarded: 1, bytes: event.bytes });
      return;
    case "blocked":
      if (!aliasId) return;
      await tx.update(aliases).set({
        emailsBlocked: sql`${aliases.emailsBlocked} + 1`, lastBlocked: at,
      }).where(eq(aliases.id, aliasId));
      await bumpDaily(tx, aliasId, event, day, { blocked: 1, bytes: 0 });
      return;
    case "failed":
      await tx.insert(failedDeliveries).values({
        id: crypto.randomUUID(),
        userId: event.userId,
        aliasId: event.aliasId,
        recipientId: event.recipientId ?? null,
        bounceType: event.bounceType ?? "hard",
        remoteMta: event.remoteMta ?? null,
        sender: event.sender ?? null,
        destination: event.destination ?? null,
        emailType: event.emailType ?? "F",
        status: event.status ?? null,
        code: event.diagnostic ?? null,
        attemptedAt: at,
        createdAt: now,
        updatedAt: now,
      });
      return;
  }
}

async function bumpDaily(tx: Tx, aliasId: string, event: BridgeEvent, day: string, by: { forwarded?: number; blocked?: number; bytes: number }): Promise<void> {
  await tx.insert(aliasDailyStats).values({
    aliasId, userId: event.userId, day, forwarded: by.forwarded ?? 0, blocked: by.blocked ?? 0, bytes: by.bytes,
  }).onDuplicateKeyUpdate({
    set: {
      forwarded: sql`${aliasDailyStats.forwarded} + ${by.forwarded ?? 0}`,
      blocked: sql`${aliasDailyStats.blocked} + ${by.blocked ?? 0}`,
      bytes: sql`${aliasDailyStats.bytes} + ${by.bytes}`,
    },
  });
}

/** Rows affected by a write, as drizzle's PlanetScale driver reports it. */
function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}
