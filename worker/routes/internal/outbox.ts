/**
 * Internal API for Worker-originated mail (signed by a bridge; see middleware/internal-auth.ts):
 * - `POST /internal/v1/outbox/claim` `{limit, leaseSeconds}` → {@link OutboxClaimResponse}
 * - `POST /internal/v1/outbox/ack` `{items: [{id, claimToken}]}` → `{acked, lost}`
 */
import { Hono } from "hono";
import { OutboxAckRequest, OutboxClaimRequest, type OutboxClaimResponse } from "../../../common/internal-api.js";
import { nowSeconds } from "../../db-errors.js";
import { ackOutbox, claimOutbox } from "../../mail/outbox-lease.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const outboxRoutes = new Hono<AppEnv>()
  .post("/claim", async (c) => {
    const req = await parseBody(c, OutboxClaimRequest);
    const claimed = await claimOutbox(c.var.db, c.var.node, req, nowSeconds());
    const body: OutboxClaimResponse = { messages: claimed.map((m) => ({ ...m, returnPath: null })) };
    return c.json(body);
  })
  .post("/ack", async (c) => {
    const { items } = await parseBody(c, OutboxAckRequest);
    return c.json(await ackOutbox(c.var.db, items, nowSeconds()));
  });
