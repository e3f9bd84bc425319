/**
 * Heartbeats of the MX bridges (`POST /internal/v1/heartbeat`): one `mx_nodes` row per bridge, replaced
 * by each beat, read by the status page and its cron checks.
 */
import { asc } from "drizzle-orm";
import type { HeartbeatRequest } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { mxNodes } from "../../db/schema/index.js";
import { nowSeconds } from "../db-errors.js";

/** A bridge as last heard of. */
export type MxNode = typeof mxNodes.$inferSelect;

/**
 * Stores the beat of bridge `name` (authenticated by its signature), stamped with the Worker's clock.
 * @param now whole-second time of receipt
 */
export async function recordHeartbeat(db: Db, name: string, beat: HeartbeatRequest, now: Date): Promise<void> {
  const row = {
    name,
    role: beat.role,
    version: beat.version,
    hostname: beat.hostname,
    queueDepth: beat.queueDepth,
    oldestQueuedSeconds: beat.oldestQueuedSeconds,
    overdueSeconds: beat.overdueSeconds,
    deliveries: beat.deliveries,
    failures: beat.failures,
    holding: beat.holding,
    startedAt: nowSeconds(new Date(beat.startedAt)),
    lastSeenAt: now,
  };
  const { name: _key, ...update } = row;
  await db.insert(mxNodes).values(row).onDuplicateKeyUpdate({ set: update });
}

/** Every bridge that ever sent a beat, by name. */
export async function listNodes(db: Db): Promise<MxNode[]> {
  return db.select().from(mxNodes).orderBy(asc(mxNodes.name));
}
