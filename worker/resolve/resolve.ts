/**
 * Recipient resolution: what to do with one RCPT TO (DESIGN.md §3 "resolve", §4 "Alias kinds").
 *
 * - `x@<shared domain>`: only aliases that exist (created in the dashboard or API).
 * - `x@<username>.<shared domain>`: existing aliases, or created on first mail when the username's
 *   catch-all is on (the default).
 * - `x@<custom domain>`: existing aliases, or created on first mail when the verified domain's
 *   catch-all is on.
 * - Inactive alias (or its username / domain switched off) → discard: 250, nothing delivered, the
 *   bridge reports `blocked`.
 * - Unknown or deleted → 550 5.1.1. A domain we do not serve → 550 5.7.1 (never an open relay).
 * - Before any of that: our VERP return paths (./bounce.ts) and reverse aliases (./reverse.ts), so that
 *   neither is ever taken for a new catch-all alias.
 * - Plan limits (./limits.ts): a paid-only shared domain, as itself or as `<username>.<domain>`, refuses
 *   owners on unpaid plans with 550 5.7.1; monthly bandwidth used up → 552 5.2.2; the hourly cap on
 *   new aliases stops first-mail creation with 450 4.2.1.
 * - A forward's recipients that are themselves our addresses are left out (a loop, ./loops.ts); when
 *   none is left the answer is discard with reason `loop`. Each recipient copy gets a VERP return path.
 */
import type { ResolveRequest, ResolveResponse } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { parseVerp } from "../../common/verp.js";
import { parseAddress } from "../domain/address.js";
import { CUSTOM_LOCAL_PART } from "../domain/alias-format.js";
import { issueReturnPaths } from "../outbound/return-paths.js";
import { type LinkConfig, deactivateUrl } from "../accounts/deactivate-links.js";
import { resolveBounce } from "./bounce.js";
import { limitsOf } from "../plans/plans.js";
import { overBandwidth, reserveFirstMailAlias } from "./limits.js";
import {
  type AliasContext, type DomainRow, createAliasOnFirstMail, findAlias, findDomains, findUser,
  findUsername, verifiedRecipients,
} from "./lookup.js";
import { ourAddresses } from "./loops.js";
import { RESOLVE_REPLIES as R } from "./replies.js";
import { resolveReverseAlias } from "./reverse.js";

const reject = (reply: (typeof R)[keyof typeof R]): ResolveResponse => ({ action: "reject", reply });

/** What resolution needs besides the database: the clock and the VERP key (outbound/return-paths.ts). */
export interface ResolveEnv {
  now: Date;
  verpSecret: string;
  /**
   * For the forward banner: the product name it shows and what its deactivate link is made from
   * (../accounts/deactivate-links.ts). Without it plans carry neither (the banner then has no link).
   */
  banner?: LinkConfig & { appName: string };
}

/**
 * Decides the fate of one envelope recipient.
 * @param env the current time (creation timestamps, VERP expiry) and the VERP key
 * @returns forward (with the plan), reply, bounce, discard, or reject; never throws for bad input, only
 *   for database errors
 */
export async function resolveRecipient(db: Db, req: ResolveRequest, env: ResolveEnv): Promise<ResolveResponse> {
  const now = env.now;
  const addr = parseAddress(req.rcptTo);
  if (!addr) return reject(R.badRecipientSyntax);
  const email = `${addr.local}@${addr.domain}`;

  const verp = parseVerp(email);
  if (verp) return resolveBounce(db, env.verpSecret, verp, now, (ctx) => decideForAlias(db, ctx, env));
  const reverse = await resolveReverseAlias(db, req, now, env.verpSecret);
  if (reverse) return reverse;

  // Sub-addressing: `alias+tag@…` (that is not a reverse alias) is mail for `alias@…`, as at addy.io.
  // Aliases are only ever stored, and created on first mail, with a plain local part: one the forward
  // transform can always turn into reverse aliases.
  const plus = addr.local.indexOf("+");
  const local = plus > 0 ? addr.local.slice(0, plus) : addr.local;
  if (!CUSTOM_LOCAL_PART.test(local)) return reject(R.unknownRecipient);
  const existing = await findAlias(db, `${local}@${addr.domain}`);
  if (existing) return decideForAlias(db, existing, env);

  const parent = addr.domain.slice(addr.domain.indexOf(".") + 1);
  const candidates = await findDomains(db, parent.includes(".") ? [addr.domain, parent] : [addr.domain]);
  const exact = candidates.find((d) => d.domain === addr.domain);
  const sharedParent = candidates.find((d) => d.domain === parent && d.kind === "shared");

  if (exact?.kind === "shared") return reject(R.unknownRecipient);
  if (exact?.kind === "custom") return firstMailOnCustomDomain(db, exact, local, env);
  if (sharedParent) {
    const name = addr.domain.slice(0, addr.domain.length - parent.length - 1);
    return firstMailOnUsername(db, sharedParent, name, local, env);
  }
  return reject(R.relayDenied);
}

async function firstMailOnUsername(db: Db, shared: DomainRow, name: string, local: string, env: ResolveEnv): Promise<ResolveResponse> {
  const found = await findUsername(db, name);
  if (!found?.user || found.username.deletedAt || found.user.deletedAt) return reject(R.unknownRecipient);
  const plan = limitsOf(found.plan);
  if (shared.paidOnly && !plan.paid) return reject(R.relayDenied);
  if (!found.username.active || !found.username.catchAll || !shared.active) return reject(R.unknownRecipient);
  if (overBandwidth(found.user, plan, env.now)) return reject(R.overQuota);
  if (!await reserveFirstMailAlias(db, found.user.id, plan, env.now)) return { action: "defer", reply: R.aliasRateLimited };
  const created = await createAliasOnFirstMail(db, {
    userId: found.user.id, usernameId: found.username.id, domain: shared, local, fullDomain: `${name}.${shared.domain}`,
  }, env.now);
  return created ? decideForAlias(db, created, env) : reject(R.unknownRecipient);
}

async function firstMailOnCustomDomain(db: Db, domain: DomainRow, local: string, env: ResolveEnv): Promise<ResolveResponse> {
  if (!domain.verifiedAt || !domain.userId) return reject(R.relayDenied);
  if (!domain.active || !domain.catchAll) return reject(R.unknownRecipient);
  const owner = await findUser(db, domain.userId);
  if (!owner || owner.user.deletedAt) return reject(R.unknownRecipient);
  const { user } = owner;
  const plan = limitsOf(owner.plan);
  if (overBandwidth(user, plan, env.now)) return reject(R.overQuota);
  if (!await reserveFirstMailAlias(db, user.id, plan, env.now)) return { action: "defer", reply: R.aliasRateLimited };
  const created = await createAliasOnFirstMail(db, {
    userId: user.id, usernameId: null, domain, local, fullDomain: domain.domain,
  }, env.now);
  return created ? decideForAlias(db, created, env) : reject(R.unknownRecipient);
}

/** Existing alias: reject, discard or forward. */
async function decideForAlias(db: Db, ctx: AliasContext, env: ResolveEnv): Promise<ResolveResponse> {
  const { alias, domain, user, username } = ctx;
  if (alias.deletedAt || !user || user.deletedAt) return reject(R.unknownRecipient);
  if (domain.kind === "custom" && !domain.verifiedAt) return reject(R.relayDenied);
  const plan = limitsOf(ctx.plan);
  if (domain.kind === "shared" && domain.paidOnly && !plan.paid) return reject(R.relayDenied);
  const switchedOff = !alias.active || !domain.active || (username !== null && !username.active);
  if (switchedOff) return { action: "discard", reply: R.recipientAccepted, aliasId: alias.id, userId: user.id };
  if (overBandwidth(user, plan, env.now)) return reject(R.overQuota);

  const verified = await verifiedRecipients(db, { ...ctx, user });
  if (verified.length === 0) return reject(R.mailboxDisabled);
  const ours = await ourAddresses(db, verified.map((r) => r.email));
  const dropped = verified.filter((r) => ours.has(r.email));
  const kept = verified.filter((r) => !ours.has(r.email));
  if (kept.length === 0) return { action: "discard", reply: R.recipientAccepted, aliasId: alias.id, userId: user.id, reason: "loop" };
  const returnPaths = await issueReturnPaths(db, env.verpSecret, kept.map((r) => ({
    emailType: "F" as const, userId: user.id, aliasId: alias.id, recipientId: r.id, destination: r.email, domain: domain.domain,
  })), env.now);
  const recipientList = kept.map((r, i) => ({ ...r, returnPath: returnPaths[i]! }));
  const banner = env.banner && user.bannerLocation !== "off"
    ? { appName: env.banner.appName, deactivateUrl: await deactivateUrl(env.banner, { id: alias.id, userId: user.id }, env.now) }
    : {};
  return {
    action: "forward",
    reply: R.recipientAccepted,
    plan: {
      aliasId: alias.id,
      aliasEmail: alias.email,
      userId: user.id,
      recipients: recipientList,
      // Custom domains sign as themselves; username subdomains and shared domains as the shared
      // domain, which is aligned (relaxed, RFC 7489 §3.1.1) with every `<username>.<shared>`.
      signingDomain: domain.domain,
      display: {
        fromFormat: user.displayFromFormat,
        bannerLocation: asBanner(user.bannerLocation),
        useReplyTo: user.useReplyTo,
        aliasDescription: alias.description,
        ...banner,
      },
      ...(dropped.length > 0 ? { droppedRecipients: dropped } : {}),
    },
  };
}

function asBanner(value: string): "top" | "bottom" | "off" {
  return value === "bottom" || value === "off" ? value : "top";
}
