/**
 * Resolution of reverse aliases (issue 3 §2): mail to `<alias>+<sender>=<domain>@<alias domain>` (or the
 * token form `<alias>+t_<token>@…`) is the owner writing to a correspondent through the alias: a reply,
 * or a send when it has no In-Reply-To (the bridge tells them apart at DATA). The answer carries who may
 * use it (the owner's verified recipients allowed to reply/send) and every owner address to scrub; the
 * bridge checks the sender and the message's authentication at the end of DATA.
 */
import { and, eq } from "drizzle-orm";
import { decodeReverseAlias, decodeTokenReverseAlias } from "../../common/reverse-alias.js";
import type { ResolveRequest, ResolveResponse } from "../../common/internal-api.js";
import type { Db } from "../../db/client.js";
import { recipients, reverseAliases } from "../../db/schema/index.js";
import { checkDisplayName } from "../domain/display-name.js";
import { issueReturnPaths } from "../outbound/return-paths.js";
import { limitsOf } from "../plans/plans.js";
import { replyLimitReached } from "./limits.js";
import { findAlias } from "./lookup.js";
import { RESOLVE_REPLIES as R } from "./replies.js";

const reject = (reply: (typeof R)[keyof typeof R]): ResolveResponse => ({ action: "reject", reply });

/** A stored from name that passes today's rule (../domain/display-name.ts); one saved before it existed and breaking it is left out. */
const usableFromName = (name: string | null | undefined): string | null => {
  const checked = checkDisplayName(name);
  return checked.ok ? checked.name : null;
};

/** True when `address` has the form of a reverse alias (plain or token form); no database. */
export function isReverseAliasShaped(address: string): boolean {
  return decodeReverseAlias(address) !== null || decodeTokenReverseAlias(address) !== null;
}

/**
 * @returns the answer for a reverse alias, or null when `req.rcptTo` is not one (then normal resolution
 *   goes on: a token-shaped address with an unknown token may be a plain `+extension`)
 */
export async function resolveReverseAlias(db: Db, req: ResolveRequest, now: Date, verpSecret: string): Promise<ResolveResponse | null> {
  const plain = decodeReverseAlias(req.rcptTo);
  const token = plain ? null : decodeTokenReverseAlias(req.rcptTo);
  const parts = plain ?? token;
  if (!parts) return null;
  const ctx = await findAlias(db, `${parts.aliasLocal.toLowerCase()}@${parts.aliasDomain}`);
  if (!ctx) return plain ? reject(R.unknownRecipient) : null;
  let destination = plain?.sender ?? null;
  if (token) {
    const [row] = await db.select({ sender: reverseAliases.sender }).from(reverseAliases)
      .where(and(eq(reverseAliases.token, token.token), eq(reverseAliases.aliasId, ctx.alias.id))).limit(1);
    if (!row) return null;
    destination = row.sender;
  }
  const { alias, domain, user, username } = ctx;
  if (alias.deletedAt || !user || user.deletedAt || !destination) return reject(R.unknownRecipient);
  if (domain.kind === "custom" && !domain.verifiedAt) return reject(R.relayDenied);
  if (domain.kind === "shared" && domain.paidOnly && !limitsOf(ctx.plan).paid) return reject(R.relayDenied);
  if (!alias.active || !domain.active || (username !== null && !username.active)) return reject(R.mailboxDisabled);

  const [owned, limitReached] = await Promise.all([
    db.select({ email: recipients.email, verifiedAt: recipients.emailVerifiedAt, canReplySend: recipients.canReplySend })
      .from(recipients).where(eq(recipients.userId, user.id)),
    replyLimitReached(db, user.id, limitsOf(ctx.plan), now),
  ]);
  const [returnPath] = await issueReturnPaths(db, verpSecret, [{
    emailType: "R", userId: user.id, aliasId: alias.id, destination, domain: domain.domain,
  }], now);
  return {
    action: "reply",
    reply: R.recipientAccepted,
    plan: {
      aliasId: alias.id,
      aliasEmail: alias.email,
      userId: user.id,
      destination,
      fromName: usableFromName(alias.fromName ?? username?.fromName ?? (domain.kind === "custom" ? domain.fromName : null) ?? user.fromName),
      signingDomain: domain.domain,
      allowedSenders: owned.filter((r) => r.verifiedAt && r.canReplySend).map((r) => r.email.toLowerCase()),
      ownerAddresses: [...new Set(owned.map((r) => r.email.toLowerCase()))],
      returnPath: returnPath!,
      ...(limitReached ? { limitReached } : {}),
    },
  };
}
