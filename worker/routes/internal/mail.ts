/**
 * Internal API used by the bridges (signed; see middleware/internal-auth.ts):
 * - `POST /internal/v1/resolve` → {@link ResolveResponse}; in maintenance mode every recipient is
 *   deferred with `451 4.3.2` and the answer carries the maintenance state
 * - `POST /internal/v1/events` → `{ applied, duplicates }`
 */
import { Hono } from "hono";
import { EventsRequest, ResolveRequest, type ResolveResponse } from "../../../common/internal-api.js";
import { applyEvents } from "../../events/apply.js";
import { getMaintenance } from "../../ops/maintenance.js";
import { RESOLVE_REPLIES } from "../../resolve/replies.js";
import { lookUpRecipient, resolveRecipient } from "../../resolve/resolve.js";
import { verpSecret } from "../../outbound/return-paths.js";
import { nowSeconds } from "../../db-errors.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const mailRoutes = new Hono<AppEnv>()
  .post("/resolve", async (c) => {
    const req = await parseBody(c, ResolveRequest);
    const now = nowSeconds();
    // The address's first reads write nothing, so they go out with the maintenance read. Maintenance
    // wins: when it is on, their result, or failure, is not waited for.
    const found = lookUpRecipient(c.var.db, req);
    found.catch(() => undefined);
    const maintenance = await getMaintenance(c.var.db, now);
    if (maintenance.on) {
      const answer: ResolveResponse = { action: "defer", reply: RESOLVE_REPLIES.maintenance, maintenance: { on: true, until: maintenance.until } };
      return c.json(answer);
    }
    const { appUrl, appSecret, appName } = c.var.config;
    return c.json(await resolveRecipient(c.var.db, await found, { now, verpSecret: verpSecret(c.var.config), banner: { appUrl, appSecret, appName } }));
  })
  .post("/events", async (c) => {
    const { events } = await parseBody(c, EventsRequest);
    const app = { appName: c.var.config.appName, appUrl: c.var.config.appUrl };
    return c.json(await applyEvents(c.var.db, c.var.node, events, nowSeconds(), app));
  });
