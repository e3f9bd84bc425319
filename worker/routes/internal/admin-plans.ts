/**
 * Operator API for plans (signed by `admin`; mounted under `/internal/v1/admin`; the CLI's `plan:show`,
 * `plan:set`, `user:plan`):
 *
 * | route | body | answer |
 * |---|---|---|
 * | POST /plans/show | `{name?}` | 200 `{plans: [Plan]}` (one, or all by name) |
 * | POST /plans/set | `{name, paid?, bandwidthBytes?, sharedDomainAliases?, recipients?, customDomains?, usernames?, rules?, repliesPerDay?, aliasesPerHour?}` | 200 Plan |
 * | POST /users/plan | `{username, plan}` | 200 `{userId, plan, deactivated, restored}` |
 *
 * A limit is a whole number ≥ 0 or null (unlimited); an absent one is left as it is. Plan is the row of
 * db/schema/plans.ts with dates as ISO 8601. Changes take effect on the next request and the next RCPT.
 */
import { Hono } from "hono";
import { z } from "zod";
import { userByUsername } from "../../accounts/users.js";
import { nowSeconds } from "../../db-errors.js";
import { changePlan } from "../../plans/change-plan.js";
import { LIMIT_KEYS, getPlan, listPlans, updatePlan } from "../../plans/plans.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

const PlanName = z.string().trim().min(1).max(32);
const Limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional();
const Changes = z.object({
  name: PlanName,
  paid: z.boolean().optional(),
  ...Object.fromEntries(LIMIT_KEYS.map((k) => [k, Limit])) as Record<(typeof LIMIT_KEYS)[number], typeof Limit>,
}).strict();

export const adminPlanRoutes = new Hono<AppEnv>()
  .post("/plans/show", async (c) => {
    const body = await parseBody(c, z.object({ name: PlanName.optional() }));
    return c.json({ plans: body.name ? [await getPlan(c.var.db, body.name)] : await listPlans(c.var.db) });
  })
  .post("/plans/set", async (c) => {
    const { name, ...changes } = await parseBody(c, Changes);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    return c.json(await updatePlan(c.var.db, name, defined, nowSeconds()));
  })
  .post("/users/plan", async (c) => {
    const body = await parseBody(c, z.object({ username: z.string().min(1).max(64), plan: PlanName }));
    const { userId } = await userByUsername(c.var.db, body.username);
    const change = await changePlan(c.var.db, userId, body.plan, nowSeconds());
    return c.json({ userId, plan: change.plan.name, deactivated: change.deactivated, restored: change.restored });
  });
