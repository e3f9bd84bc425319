/**
 * Resolution of our VERP return paths (issue 3 §5): `b_<id>_<mac>@<domain>` names one outbound message.
 * A forged MAC, an unknown id, another domain or an address older than 7 days is refused at RCPT with
 * `550 5.1.1`, so nobody can use these addresses to reach an owner. A valid one is accepted: the bridge
 * records a DSN as a failed delivery, and forwards anything else (an auto-reply) with the alias's
 * forward plan, or drops it when there is none (our own notifications, an alias switched off).
 */
import { eq } from "drizzle-orm";
import type { ForwardPlan, ResolveResponse } from "../../common/internal-api.js";
import { isVerpExpired, type VerpParts, verifyVerp } from "../../common/verp.js";
import type { Db } from "../../db/client.js";
import { aliases, outboundMessages } from "../../db/schema/index.js";
import { type AliasContext, findAlias } from "./lookup.js";
import { RESOLVE_REPLIES as R } from "./replies.js";

const EMAIL_TYPES = new Set(["F", "R", "S", "N"] as const);
type EmailType = "F" | "R" | "S" | "N";

/**
 * @param forwardPlanFor the normal decision for an alias (resolve.ts), used for auto-replies
 */
export async function resolveBounce(
  db: Db, secret: string, parts: VerpParts, now: Date,
  forwardPlanFor: (ctx: AliasContext) => Promise<ResolveResponse>,
): Promise<ResolveResponse> {
  const refused: ResolveResponse = { action: "reject", reply: R.unknownRecipient };
  if (!await verifyVerp(secret, parts)) return refused;
  const [row] = await db.select().from(outboundMessages).where(eq(outboundMessages.id, parts.id)).limit(1);
  if (!row || row.domain !== parts.domain || isVerpExpired(row.createdAt, now)) return refused;
  const emailType = (EMAIL_TYPES.has(row.emailType as EmailType) ? row.emailType : "F") as EmailType;

  let plan: ForwardPlan | null = null;
  if (emailType !== "N" && row.aliasId) {
    const [alias] = await db.select({ email: aliases.email }).from(aliases).where(eq(aliases.id, row.aliasId)).limit(1);
    const ctx = alias ? await findAlias(db, alias.email) : null;
    const decision = ctx ? await forwardPlanFor(ctx) : null;
    if (decision?.action === "forward") plan = decision.plan;
  }
  return {
    action: "bounce",
    reply: R.recipientAccepted,
    bounce: {
      outboundId: row.id, emailType, aliasId: row.aliasId, userId: row.userId, recipientId: row.recipientId, destination: row.destination,
    },
    plan,
  };
}
