/**
 * Internal API for Worker-originated mail (signed by a bridge; see middleware/internal-auth.ts):
 * - `POST /internal/v1/outbox/claim` `{limit, leaseSeconds, verpDomain?}` → {@link OutboxClaimResponse}; with
 *   `verpDomain` each message gets a VERP return path there
 * - `POST /internal/v1/outbox/ack` `{items: [{id, claimToken}]}` → `{acked, lost}`
 */
import { Hono } from "hono";
import { OutboxAckRequest, OutboxClaimRequest, type OutboxClaimResponse } from "../../../common/internal-api.js";
import { nowSeconds } from "../../db-errors.js";
import { ackOutbox, claimOutbox } from "../../mail/outbox-lease.js";
import { issueReturnPaths, verpSecret } from "../../outbound/return-paths.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const outboxRoutes = new Hono<AppEnv>()
  .post("/claim", async (c) => {
    const req = await parseBody(c, OutboxClaimRequest);
    const now = nowSeconds();
    const claimed = await claimOutbox(c.var.db, c.var.node, req, now);
    // Each message gets a VERP return path (type N: a bounce is recorded, never notified about).
    const returnPaths = req.verpDomain
      ? await issueReturnPaths(c.var.db, verpSecret(c.var.config), claimed.map((m) => ({
        emailType: "N" as const, userId: m.userId, aliasId: m.aliasId, outboxId: m.id, destination: m.to, domain: req.verpDomain!,
      })), now)
      : [];
    const body: OutboxClaimResponse = { messages: claimed.map((m, i) => ({ ...m, returnPath: returnPaths[i] ?? null })) };
    return c.json(body);
  })
  .post("/ack", async (c) => {
    const { items } = await parseBody(c, OutboxAckRequest);
    return c.json(await ackOutbox(c.var.db, items, nowSeconds()));
  });
