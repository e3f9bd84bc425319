/**
 * Internal API used by the bridges (signed; see middleware/internal-auth.ts):
 * - `POST /internal/v1/resolve` → {@link ResolveResponse}
 * - `POST /internal/v1/events` → `{ applied, duplicates }`
 */
import { Hono } from "hono";
import { EventsRequest, ResolveRequest } from "../../../common/internal-api.js";
import { applyEvents } from "../../events/apply.js";
import { resolveRecipient } from "../../resolve/resolve.js";
import { nowSeconds } from "../../db-errors.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const mailRoutes = new Hono<AppEnv>()
  .post("/resolve", async (c) => {
    const req = await parseBody(c, ResolveRequest);
    return c.json(await resolveRecipient(c.var.db, req, nowSeconds()));
  })
  .post("/events", async (c) => {
    const { events } = await parseBody(c, EventsRequest);
    return c.json(await applyEvents(c.var.db, c.var.node, events, nowSeconds()));
  });
