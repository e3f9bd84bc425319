/**
 * First mail to an address that has no alias yet, under a catch-all (DESIGN.md §4 "Alias kinds"):
 * `x@<username>.<shared domain>` when the username's catch-all is on, `x@<custom domain>` when the
 * verified domain's is. The alias is created and the mail forwarded as for any alias (./forward.ts).
 *
 * Refusals, in order: owner gone → 550 5.1.1; paid-only shared domain on an unpaid plan, or a custom
 * domain not verified → 550 5.7.1; username, domain or catch-all switched off → 550 5.1.1; bandwidth
 * used up → 552 5.2.2; the plan's hourly cap on new aliases reached → 450 4.2.1, nothing created
 * (./limits.ts).
 */
import type { ResolveResponse } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { type PlanLimits, limitsOf } from "../plans/plans.js";
import { type OwnedAlias, type ResolveEnv, decideForAlias, forwardAnswer } from "./forward.js";
import { overBandwidth, reserveFirstMailAlias } from "./limits.js";
import {
  type DomainCandidate, type DomainRow, type UsernameContext, findAlias, firstMailAlias, insertAlias, verifiedRecipients,
} from "./lookup.js";
import { RESOLVE_REPLIES as R } from "./replies.js";

const reject = (reply: (typeof R)[keyof typeof R]): ResolveResponse => ({ action: "reject", reply });

/**
 * `local@<name>.<shared domain>`.
 * @param found the username `name` as read by findUsername (./lookup.ts; null: there is none)
 */
export async function firstMailOnUsername(
  db: Db, shared: DomainRow, name: string, found: UsernameContext | null, local: string, env: ResolveEnv,
): Promise<ResolveResponse> {
  if (!found?.user || found.username.deletedAt || found.user.deletedAt) return reject(R.unknownRecipient);
  const plan = limitsOf(found.plan);
  if (shared.paidOnly && !plan.paid) return reject(R.relayDenied);
  if (!found.username.active || !found.username.catchAll || !shared.active) return reject(R.unknownRecipient);
  if (overBandwidth(found.user, plan, env.now)) return reject(R.overQuota);
  const alias = firstMailAlias({
    userId: found.user.id, usernameId: found.username.id, domain: shared, local, fullDomain: `${name}.${shared.domain}`,
  }, env.now);
  return createAndForward(db, { alias, domain: shared, user: found.user, username: found.username, plan: found.plan }, plan, env);
}

/** `local@<custom domain>`, the domain read with its owner by findDomains (./lookup.ts). */
export async function firstMailOnCustomDomain(db: Db, candidate: DomainCandidate, local: string, env: ResolveEnv): Promise<ResolveResponse> {
  const { domain, user } = candidate;
  if (!domain.verifiedAt || !domain.userId) return reject(R.relayDenied);
  if (!domain.active || !domain.catchAll) return reject(R.unknownRecipient);
  if (!user || user.deletedAt) return reject(R.unknownRecipient);
  const plan = limitsOf(candidate.plan);
  if (overBandwidth(user, plan, env.now)) return reject(R.overQuota);
  const alias = firstMailAlias({ userId: user.id, usernameId: null, domain, local, fullDomain: domain.domain }, env.now);
  return createAndForward(db, { alias, domain, user, username: null, plan: candidate.plan }, plan, env);
}

/**
 * Counts the creation against the hourly cap while it reads where the alias's mail goes (a new alias
 * has no attached recipients, so that is its default recipient, and no write depends on it); then
 * stores the alias while it answers (./forward.ts: loop check and return paths), answering with the
 * stored row's values without reading it back. Two round trips after the lookup, capped or not.
 *
 * When another bridge created the address at the same moment, the stored alias is read and decided on
 * instead; the return paths this attempt stored are then never used (they name an alias id that was
 * not stored) and are deleted with the other old rows (../outbound/cleanup.ts).
 */
async function createAndForward(db: Db, ctx: OwnedAlias, plan: PlanLimits, env: ResolveEnv): Promise<ResolveResponse> {
  const [reserved, verified] = await Promise.all([
    reserveFirstMailAlias(db, ctx.user.id, plan, env.now),
    verifiedRecipients(db, ctx),
  ]);
  if (!reserved) return { action: "defer", reply: R.aliasRateLimited };
  const [inserted, answer] = await Promise.all([insertAlias(db, ctx.alias), forwardAnswer(db, ctx, verified, env)]);
  if (inserted) return answer;
  const stored = await findAlias(db, ctx.alias.email);
  return stored ? decideForAlias(db, stored, env) : reject(R.unknownRecipient);
}
