/**
 * Operator API for availability (signed by `admin`; mounted under `/internal/v1/admin`):
 *
 * | route | body | answer |
 * |---|---|---|
 * | POST /maintenance | `{on, minutes?}` (1–1440) | 200 `{on, until, since}` |
 * | POST /incidents | `{title, message, impact?, components?, status?}` | 201 `{id, status}` |
 * | POST /incidents/:id/updates | `{status, message}` | 200 `{id, status}` |
 * | POST /incidents/:id/close | `{message?}` | 200 `{id, status: "resolved"}` |
 *
 * Components are the status page's keys: `landing`, `webapp`, `api`, `database`, or a bridge name.
 */
import { Hono } from "hono";
import { z } from "zod";
import { nowSeconds } from "../../db-errors.js";
import { ApiError } from "../../errors.js";
import { setMaintenance } from "../../ops/maintenance.js";
import { IMPACTS, OPEN_STATUSES, openIncident, updateIncident } from "../../status/incidents.js";
import { PROBES } from "../../status/probes.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

const Message = z.string().trim().min(1).max(5000);
const IncidentId = z.uuid();

function checkComponents(keys: string[], bridgeNodes: ReadonlySet<string>): void {
  const known = new Set([...PROBES.map((p) => p.key), "database", ...bridgeNodes]);
  const unknown = keys.find((k) => !known.has(k));
  if (unknown !== undefined) {
    throw new ApiError("VALIDATION", `components: unknown component "${unknown}" (known: ${[...known].join(", ")})`, "components");
  }
}

function incidentId(raw: string): string {
  const parsed = IncidentId.safeParse(raw);
  if (!parsed.success) throw new ApiError("VALIDATION", "id: not an incident id", "id");
  return parsed.data;
}

export const adminOpsRoutes = new Hono<AppEnv>()
  .post("/maintenance", async (c) => {
    const body = await parseBody(c, z.object({ on: z.boolean(), minutes: z.number().int().min(1).max(1440).optional() }));
    return c.json(await setMaintenance(c.var.db, body, nowSeconds()));
  })
  .post("/incidents", async (c) => {
    const body = await parseBody(c, z.object({
      title: z.string().trim().min(1).max(200),
      message: Message,
      impact: z.enum(IMPACTS).default("major"),
      components: z.array(z.string()).max(20).default([]),
      status: z.enum(OPEN_STATUSES).optional(),
    }));
    checkComponents(body.components, c.var.config.bridgeNodes);
    return c.json(await openIncident(c.var.db, body, nowSeconds()), 201);
  })
  .post("/incidents/:id/updates", async (c) => {
    const body = await parseBody(c, z.object({ status: z.enum([...OPEN_STATUSES, "resolved"]), message: Message }));
    return c.json(await updateIncident(c.var.db, incidentId(c.req.param("id")), body, nowSeconds()));
  })
  .post("/incidents/:id/close", async (c) => {
    const body = await parseBody(c, z.object({ message: Message.default("This incident has been resolved.") }));
    return c.json(await updateIncident(c.var.db, incidentId(c.req.param("id")), { status: "resolved", message: body.message }, nowSeconds()));
  });
