/**
 * What happens to mail for an alias that exists (or was just created on first mail): reject, discard
 * or forward (DESIGN.md §3 "resolve").
 *
 * Three steps, so that first mail (./first-mail.ts) can store the alias while it answers:
 * - {@link checkAlias}: the alias's own state, no database: deleted or ownerless → 550 5.1.1, unverified
 *   custom domain or paid-only domain on an unpaid plan → 550 5.7.1, switched off → discard, bandwidth
 *   used up → 552 5.2.2 (./limits.ts).
 * - its verified recipients (verifiedRecipients, ./lookup.ts): one round trip.
 * - {@link forwardAnswer}: none verified → 550 5.2.1 (mailbox disabled); else, in one round trip, which
 *   of them are our own addresses (a loop, ./loops.ts) and a VERP return path for each (one INSERT);
 *   all loops → discard with reason `loop`; else the forward plan without the loops.
 */
import type { ResolveResponse } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { type LinkConfig, deactivateUrl } from "../accounts/deactivate-links.js";
import { issueReturnPaths } from "../outbound/return-paths.js";
import { limitsOf } from "../plans/plans.js";
import { overBandwidth } from "./limits.js";
import { type AliasContext, type UserRow, verifiedRecipients } from "./lookup.js";
import { ourAddresses } from "./loops.js";
import { RESOLVE_REPLIES as R } from "./replies.js";

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

/** An alias whose owner exists. */
export type OwnedAlias = AliasContext & { user: UserRow };

/** The whole decision for an existing alias: {@link checkAlias}, its verified recipients, {@link forwardAnswer}. Two round trips. */
export async function decideForAlias(db: Db, ctx: AliasContext, env: ResolveEnv): Promise<ResolveResponse> {
  const checked = checkAlias(ctx, env.now);
  if ("answer" in checked) return checked.answer;
  return forwardAnswer(db, checked.alias, await verifiedRecipients(db, checked.alias), env);
}

/**
 * The alias's own state, without the database.
 * @returns the answer when mail for it is not forwarded (reject or discard), else the alias with its owner
 */
export function checkAlias(ctx: AliasContext, now: Date): { answer: ResolveResponse } | { alias: OwnedAlias } {
  const { alias, domain, user, username } = ctx;
  if (alias.deletedAt || !user || user.deletedAt) return { answer: reject(R.unknownRecipient) };
  if (domain.kind === "custom" && !domain.verifiedAt) return { answer: reject(R.relayDenied) };
  const plan = limitsOf(ctx.plan);
  if (domain.kind === "shared" && domain.paidOnly && !plan.paid) return { answer: reject(R.relayDenied) };
  const switchedOff = !alias.active || !domain.active || (username !== null && !username.active);
  if (switchedOff) return { answer: { action: "discard", reply: R.recipientAccepted, aliasId: alias.id, userId: user.id } };
  if (overBandwidth(user, plan, now)) return { answer: reject(R.overQuota) };
  return { alias: { ...ctx, user } };
}

/**
 * The answer for an alias that passed {@link checkAlias}, given its verified recipients (in order).
 *
 * The loop check and the return paths are one round trip: both statements go at once, so a return path
 * is also stored for a recipient that turns out to be ours. Nothing is ever sent with that one (it is
 * not in the plan; its VERP address, being MAC'd, cannot be guessed) and it is deleted with the other
 * old rows (../outbound/cleanup.ts); loops are a misconfiguration, rare, and the owner is told of each.
 * @returns 550 5.2.1 when none is verified; a `loop` discard when all are ours; else the forward plan
 */
export async function forwardAnswer(db: Db, ctx: OwnedAlias, verified: { id: string; email: string }[], env: ResolveEnv): Promise<ResolveResponse> {
  const { alias, domain, user } = ctx;
  if (verified.length === 0) return reject(R.mailboxDisabled);
  const [ours, returnPaths] = await Promise.all([
    ourAddresses(db, verified.map((r) => r.email)),
    issueReturnPaths(db, env.verpSecret, verified.map((r) => ({
      emailType: "F" as const, userId: user.id, aliasId: alias.id, recipientId: r.id, destination: r.email, domain: domain.domain,
    })), env.now),
  ]);
  const dropped = verified.filter((r) => ours.has(r.email));
  if (dropped.length === verified.length) return { action: "discard", reply: R.recipientAccepted, aliasId: alias.id, userId: user.id, reason: "loop" };
  const recipientList = verified.flatMap((r, i) => (ours.has(r.email) ? [] : [{ ...r, returnPath: returnPaths[i]! }]));
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
