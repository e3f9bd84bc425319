/**
 * Plan limits in the API and the dashboard (issue 7 §2, §3): the account services call these before
 * adding or switching on something, so both front ends refuse alike. Counts past the plan → 403
 * FORBIDDEN with a message (addy.io's hosted service answers 403 at its limits; its clients show the
 * message); a paid-only domain asked for by an unpaid plan → 422 naming `domain` (the field is wrong for
 * this account, as for any domain outside its options).
 *
 * The count checks take a {@link LockedTx}: they run inside worker/accounts/account-lock.ts's
 * `withAccountLock`, in the same transaction as the write they allow, so parallel requests of one account
 * are counted one after another (a check outside that transaction would let each of them pass).
 *
 * Operator actions (the admin API) do not call these: the operator may give an account anything.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { domains } from "../../db/schema/index.js";
import type { LockedTx } from "../accounts/account-lock.js";
import { ApiError } from "../errors.js";
import { type PlanLimits, planOfUser } from "./plans.js";
import { type CountedThing, countOf } from "./usage.js";

const WHAT: Record<CountedThing, (limit: number) => string> = {
  sharedDomainAliases: (n) => `${n} active alias${n === 1 ? "" : "es"} on shared domains`,
  recipients: (n) => `${n} recipient${n === 1 ? "" : "s"}`,
  customDomains: (n) => `${n} custom domain${n === 1 ? "" : "s"}`,
  usernames: (n) => `${n} username${n === 1 ? "" : "s"} besides your own`,
};

/** The refusal for `thing` at its limit, e.g. "Your plan (free) allows 1 recipient. …". */
export function limitMessage(plan: PlanLimits, thing: CountedThing, limit: number): string {
  const hint = thing === "sharedDomainAliases" ? " Deactivate or delete one, use your username subdomain, or change plan." : " Remove one or change plan.";
  return `Your plan (${plan.name}) allows ${WHAT[thing](limit)}.${hint}`;
}

/**
 * Checks that `userId` may have `adding` more of `thing` under its current plan (read now, in `tx`).
 * @param tx the transaction holding the account's lock, in which the caller then writes
 * @param plan the account's plan when the caller has already read it in `tx`
 * @throws ApiError FORBIDDEN (403) with {@link limitMessage} when it would go past the limit
 */
export async function assertCanAdd(tx: LockedTx, userId: string, thing: CountedThing, adding = 1, plan?: PlanLimits): Promise<void> {
  if (adding <= 0) return;
  plan ??= await planOfUser(tx, userId);
  const limit = plan[thing];
  if (limit === null) return;
  const have = await countOf(tx, userId, thing);
  if (have + adding > limit) throw new ApiError("FORBIDDEN", limitMessage(plan, thing, limit));
}

/** The refusal of a paid-only shared domain to an unpaid plan. */
export function paidOnlyMessage(domain: string, plan: PlanLimits): string {
  return `The domain ${domain} is available on paid plans only; your plan (${plan.name}) cannot use it.`;
}

/**
 * For an alias domain that is not among the account's options: when it is a paid-only shared domain
 * (as itself or as `<username>.<domain>`) and the plan is unpaid, the reason to give.
 * @returns the message, or null when the domain is refused for another reason (unknown, not theirs)
 */
export async function paidOnlyRefusal(db: Db, userId: string, domain: string): Promise<string | null> {
  const plan = await planOfUser(db, userId);
  if (plan.paid) return null;
  const parent = domain.slice(domain.indexOf(".") + 1);
  const names = parent.includes(".") ? [domain, parent] : [domain];
  const rows = await db.select({ domain: domains.domain }).from(domains)
    .where(and(inArray(domains.domain, names), eq(domains.kind, "shared"), eq(domains.paidOnly, true))).limit(1);
  return rows[0] ? paidOnlyMessage(domain, plan) : null;
}

/** What {@link assertCanActivate} needs of each alias about to be switched on. */
export interface AliasToActivate {
  domainId: string;
  usernameId: string | null;
}

/**
 * Checks that switching on `items` (aliases now inactive: activation, restore) keeps the account within
 * its plan: none on a paid-only domain for an unpaid plan (403), and the active shared-domain aliases
 * within the limit (403).
 * @param tx the transaction holding the account's lock, in which the caller then switches them on
 */
export async function assertCanActivate(tx: LockedTx, userId: string, items: AliasToActivate[]): Promise<void> {
  if (items.length === 0) return;
  const plan = await planOfUser(tx, userId);
  const ids = [...new Set(items.map((i) => i.domainId))];
  const rows = await tx.select({ id: domains.id, domain: domains.domain, kind: domains.kind, paidOnly: domains.paidOnly }).from(domains).where(inArray(domains.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const paidOnly = rows.find((r) => r.kind === "shared" && r.paidOnly);
  if (paidOnly && !plan.paid) throw new ApiError("FORBIDDEN", paidOnlyMessage(paidOnly.domain, plan));
  const shared = items.filter((i) => i.usernameId === null && byId.get(i.domainId)?.kind === "shared").length;
  await assertCanAdd(tx, userId, "sharedDomainAliases", shared, plan);
}
