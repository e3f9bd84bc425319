/**
 * Moving an account to another plan (`npm run admin -- user:plan <username> <plan>`; billing is out of
 * scope). Takes effect at once: limits are read per request and per RCPT.
 *
 * Aliases on shared domains for paid plans only (as themselves or as `<username>.<domain>`) cannot stay
 * on for an unpaid plan: a move to one switches the active ones off and marks them
 * `deactivated_by_plan`; a move to a paid plan switches exactly those back on. Nothing is deleted, and
 * aliases the owner had switched off stay off.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { aliases, domains, users } from "../../db/schema/index.js";
import { getPlan, type PlanRow } from "./plans.js";
import { transaction } from "../db-errors.js";

/** What a plan change did. */
export interface PlanChange {
  plan: PlanRow;
  /** Aliases switched off because the new plan lacks their domain. */
  deactivated: number;
  /** Aliases switched back on because the new plan has their domain again. */
  restored: number;
}

/**
 * Puts `userId` on plan `name` and switches its paid-only-domain aliases off or back on.
 * @throws ApiError NOT_FOUND (no such plan)
 */
export async function changePlan(db: Db, userId: string, name: string, now: Date): Promise<PlanChange> {
  const plan = await getPlan(db, name);
  return transaction(db, async (tx) => {
    await tx.update(users).set({ plan: plan.name, updatedAt: now }).where(eq(users.id, userId));
    if (plan.paid) {
      const restored = await tx.update(aliases).set({ active: true, deactivatedByPlan: false, updatedAt: now })
        .where(and(eq(aliases.userId, userId), eq(aliases.deactivatedByPlan, true)));
      return { plan, deactivated: 0, restored: affected(restored) };
    }
    const paidOnly = tx.select({ id: domains.id }).from(domains).where(and(eq(domains.kind, "shared"), eq(domains.paidOnly, true)));
    const deactivated = await tx.update(aliases).set({ active: false, deactivatedByPlan: true, updatedAt: now })
      .where(and(eq(aliases.userId, userId), eq(aliases.active, true), isNull(aliases.deletedAt), inArray(aliases.domainId, paidOnly)));
    return { plan, deactivated: affected(deactivated), restored: 0 };
  });
}

function affected(result: unknown): number {
  const r = result as { rowsAffected?: number };
  return typeof r.rowsAffected === "number" ? r.rowsAffected : 0;
}
