/**
 * Incidents the operator posts on the status page (`npm run admin -- incident:open/update/close`): a
 * title, an impact, the components concerned, and a timeline of updates. Resolved incidents stay on the
 * page for {@link RECENT_DAYS} days.
 */
import { desc, eq, gte, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { incidents, incidentUpdates } from "../../db/schema/index.js";
import { ApiError } from "../errors.js";

export const IMPACTS = ["minor", "major", "critical"] as const;
export const OPEN_STATUSES = ["investigating", "identified", "monitoring"] as const;
export type Impact = (typeof IMPACTS)[number];
export type IncidentStatus = (typeof OPEN_STATUSES)[number] | "resolved";

const STEP: Record<IncidentStatus, number> = { investigating: 0, identified: 1, monitoring: 2, resolved: 3 };

/** Resolved incidents older than this leave the page. */
export const RECENT_DAYS = 14;

/** An incident with its updates, newest update first. */
export interface Incident {
  id: string;
  title: string;
  impact: Impact;
  status: IncidentStatus;
  components: string[];
  createdAt: Date;
  resolvedAt: Date | null;
  updates: { status: IncidentStatus; message: string; createdAt: Date }[];
}

/** Opens an incident with its first update (status `investigating` unless given). */
export async function openIncident(
  db: Db, input: { title: string; message: string; impact: Impact; components: string[]; status?: (typeof OPEN_STATUSES)[number] }, now: Date,
): Promise<{ id: string; status: IncidentStatus }> {
  const id = crypto.randomUUID();
  const status = input.status ?? "investigating";
  await db.insert(incidents).values({
    id, title: input.title, impact: input.impact, status, components: input.components.join(","), createdAt: now, updatedAt: now,
  });
  await db.insert(incidentUpdates).values({ id: crypto.randomUUID(), incidentId: id, status, message: input.message, createdAt: now });
  return { id, status };
}

/**
 * Adds an update; `resolved` closes the incident.
 * @throws ApiError NOT_FOUND for an unknown id, CONFLICT when it is already resolved
 */
export async function updateIncident(db: Db, id: string, input: { status: IncidentStatus; message: string }, now: Date): Promise<{ id: string; status: IncidentStatus }> {
  const [row] = await db.select({ status: incidents.status }).from(incidents).where(eq(incidents.id, id)).limit(1);
  if (!row) throw new ApiError("NOT_FOUND", `no incident ${id}`, "id");
  if (row.status === "resolved") throw new ApiError("CONFLICT", `incident ${id} is already resolved`, "id");
  await db.insert(incidentUpdates).values({ id: crypto.randomUUID(), incidentId: id, status: input.status, message: input.message, createdAt: now });
  await db.update(incidents).set({
    status: input.status, updatedAt: now, ...(input.status === "resolved" ? { resolvedAt: now } : {}),
  }).where(eq(incidents.id, id));
  return { id, status: input.status };
}

/** Open incidents and those resolved within {@link RECENT_DAYS} days, newest first. */
export async function recentIncidents(db: Db, now: Date): Promise<Incident[]> {
  const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000);
  const rows = await db.select().from(incidents)
    .where(or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, since)))
    .orderBy(desc(incidents.createdAt)).limit(50);
  if (rows.length === 0) return [];
  const updates = await db.select().from(incidentUpdates)
    .where(inArray(incidentUpdates.incidentId, rows.map((r) => r.id)))
    .orderBy(desc(incidentUpdates.createdAt));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    impact: r.impact as Impact,
    status: r.status as IncidentStatus,
    components: r.components ? r.components.split(",") : [],
    createdAt: r.createdAt,
    resolvedAt: r.resolvedAt,
    updates: updates.filter((u) => u.incidentId === r.id)
      .map((u) => ({ status: u.status as IncidentStatus, message: u.message, createdAt: u.createdAt }))
      // Timestamps have whole seconds: within one second, the later step of the lifecycle comes first.
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || STEP[b.status] - STEP[a.status]),
  }));
}

/** True when any open incident exists (the page's headline). */
export const isOpen = (i: Incident) => i.status !== "resolved";
