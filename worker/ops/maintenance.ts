/**
 * Maintenance mode (deferral): while on, every RCPT on both bridges gets `451 4.3.2` and the bridges
 * hold their queues; senders retry later and nothing is lost (addy.io deferred its mail this way during a
 * 3-minute database migration). Stored as the `maintenance` row of `service_settings`; an optional end
 * time turns it off by itself.
 */
import { eq } from "drizzle-orm";
import type { MaintenanceState } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { serviceSettings } from "../../db/schema/index.js";

const KEY = "maintenance";

/** What is stored: when it was switched on, and until when (null: until switched off). */
interface Stored {
  on: boolean;
  since: string | null;
  until: string | null;
}

/** The effective state at `now`: an `until` in the past means off. */
export function effective(stored: Stored | null, now: Date): MaintenanceState & { since: string | null } {
  if (!stored?.on) return { on: false, until: null, since: null };
  if (stored.until && Date.parse(stored.until) <= now.getTime()) return { on: false, until: null, since: null };
  return { on: true, until: stored.until, since: stored.since };
}

/**
 * Reads maintenance mode.
 * @throws the database error (the caller decides: the resolve route answers 503, the bridge serves stale)
 */
export async function getMaintenance(db: Db, now: Date): Promise<MaintenanceState & { since: string | null }> {
  const rows = await db.select({ value: serviceSettings.value }).from(serviceSettings).where(eq(serviceSettings.name, KEY)).limit(1);
  const stored = rows[0] ? parse(rows[0].value) : null;
  return effective(stored, now);
}

/**
 * Switches maintenance mode on (for `minutes`, or until switched off) or off.
 * @param minutes 1–1440; ignored when `on` is false
 * @returns the new effective state
 */
export async function setMaintenance(db: Db, input: { on: boolean; minutes?: number }, now: Date): Promise<MaintenanceState & { since: string | null }> {
  const stored: Stored = input.on
    ? { on: true, since: now.toISOString(), until: input.minutes ? new Date(now.getTime() + input.minutes * 60_000).toISOString() : null }
    : { on: false, since: null, until: null };
  const value = JSON.stringify(stored);
  await db.insert(serviceSettings).values({ name: KEY, value, updatedAt: now })
    .onDuplicateKeyUpdate({ set: { value, updatedAt: now } });
  return effective(stored, now);
}

function parse(text: string): Stored | null {
  try {
    const v = JSON.parse(text) as Partial<Stored>;
    return { on: v.on === true, since: typeof v.since === "string" ? v.since : null, until: typeof v.until === "string" ? v.until : null };
  } catch {
    return null;
  }
}
