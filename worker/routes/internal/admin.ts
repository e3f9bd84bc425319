/**
 * Operator API behind `npm run admin` (signed by the node `admin` with ADMIN_SECRET). The Worker stays
 * the only writer to the database: the CLI never connects to it.
 *
 * | route | body | answer |
 * |---|---|---|
 * | POST /shared-domains | `{domain, paidOnly?}` | 201 `{id, domain}` |
 * | POST /users | `{username, recipient, password?, plan?}` | 201 `{userId, usernameId, recipientId}` |
 * | POST /custom-domains | `{username, domain, verified?}` | 201 `{id, domain}` |
 * | POST /aliases | `{username, domain, localPart?, format?}` | 201 `{id, email}` |
 * | POST /aliases/deactivate, /aliases/activate | `{address}` | 200 `{id, email, active}` |
 * | POST /tokens | `{username, name?, expiresAt?}` | 201 `{id, token}` |
 */
import { Hono } from "hono";
import { z } from "zod";
import { createAlias, setAliasActiveByAddress } from "../../accounts/aliases.js";
import { addCustomDomain, addSharedDomain } from "../../accounts/domains.js";
import { createApiToken } from "../../accounts/tokens.js";
import { createUser, userByUsername } from "../../accounts/users.js";
import { ALIAS_FORMATS } from "../../domain/alias-format.js";
import { nowSeconds } from "../../db-errors.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";
import { serviceHostLabels } from "../../domain/username.js";

const Username = z.string().min(1).max(64);

export const adminRoutes = new Hono<AppEnv>()
  .post("/shared-domains", async (c) => {
    const body = await parseBody(c, z.object({ domain: z.string(), paidOnly: z.boolean().default(false) }));
    return c.json(await addSharedDomain(c.var.db, body, nowSeconds()), 201);
  })
  .post("/users", async (c) => {
    const body = await parseBody(c, z.object({
      username: Username, recipient: z.string().max(254), password: z.string().min(8).max(200).optional(), plan: z.string().max(32).optional(),
    }));
    const ids = await createUser(c.var.db, {
      username: body.username, recipientEmail: body.recipient, password: body.password, plan: body.plan ?? c.var.config.defaultPlan, verified: true,
      reservedNames: serviceHostLabels(c.var.config.mailDns, c.var.config.appUrl),
    }, nowSeconds());
    return c.json(ids, 201);
  })
  .post("/custom-domains", async (c) => {
    const body = await parseBody(c, z.object({ username: Username, domain: z.string(), verified: z.boolean().default(false) }));
    const { userId } = await userByUsername(c.var.db, body.username);
    return c.json(await addCustomDomain(c.var.db, { userId, domain: body.domain, verified: body.verified }, nowSeconds()), 201);
  })
  .post("/aliases", async (c) => {
    const body = await parseBody(c, z.object({
      username: Username, domain: z.string(), localPart: z.string().max(64).optional(), format: z.enum(ALIAS_FORMATS).optional(),
    }));
    const { userId } = await userByUsername(c.var.db, body.username);
    const format = body.localPart ? "custom" : (body.format ?? "random_characters");
    const { alias } = await createAlias(c.var.db, userId, { domain: body.domain, format, localPart: body.localPart }, nowSeconds(), { enforcePlan: false });
    return c.json({ id: alias.id, email: alias.email }, 201);
  })
  .post("/aliases/:state{activate|deactivate}", async (c) => {
    const body = await parseBody(c, z.object({ address: z.string() }));
    const active = c.req.param("state") === "activate";
    return c.json({ ...(await setAliasActiveByAddress(c.var.db, body.address, active, nowSeconds())), active });
  })
  .post("/tokens", async (c) => {
    const body = await parseBody(c, z.object({ username: Username, name: z.string().min(1).max(100).default("admin"), expiresAt: z.iso.datetime().optional() }));
    const { userId } = await userByUsername(c.var.db, body.username);
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    return c.json(await createApiToken(c.var.db, { userId, name: body.name, expiresAt }, nowSeconds()), 201);
  });
