/**
 * Internal API for the bridges' operations (signed; see middleware/internal-auth.ts):
 * - `POST /internal/v1/heartbeat` {@link HeartbeatRequest} → {@link HeartbeatResponse}: stores the beat
 *   in `mx_nodes` and tells the bridge whether maintenance mode is on (so it holds its queue even when it
 *   receives no mail).
 */
import { Hono } from "hono";
import { HeartbeatRequest, type HeartbeatResponse } from "../../../common/internal-api.js";
import { nowSeconds } from "../../db-errors.js";
import { recordHeartbeat } from "../../ops/heartbeats.js";
import { getMaintenance } from "../../ops/maintenance.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const opsRoutes = new Hono<AppEnv>()
  .post("/heartbeat", async (c) => {
    const beat = await parseBody(c, HeartbeatRequest);
    const now = nowSeconds();
    await recordHeartbeat(c.var.db, c.var.node, beat, now);
    const { on, until } = await getMaintenance(c.var.db, now);
    return c.json({ maintenance: { on, until } } satisfies HeartbeatResponse);
  });
