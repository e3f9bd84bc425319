/**
 * The end-of-DATA decision for reply targets (issue 3 §3, §4): reply or send (In-Reply-To), who sent it
 * (./../../auth/reply-policy.ts), whether it authenticates, whether every To/Cc is a reply address of the
 * alias, and whether the owner's plan still allows a reply or send today (`limitReached`). A refusal
 * turns the alias's targets into one record of a `refused` event (250 for the sender, nothing to the
 * correspondent, the owner told); a DNS failure is a 451 for the sender to retry.
 */
import type { AuthSummary } from "../../auth/authenticate.js";
import { checkSenders, judgeAuthentication, type ReplyVerdict } from "../../auth/reply-policy.js";
import { MailError } from "../../mail/errors.js";
import { REPLIES } from "../../mail/replies.js";
import type { Envelope, ReplyTarget, Target } from "../../mail/types.js";
import { type Refusal, refusedEvent } from "../../pipeline/events.js";
import type { ParsedHeaders } from "../../transform/parse.js";
import { decodeRecipients } from "../../transform/reply.js";

const STATUS = { "sender-not-allowed": "5.7.1", "unauthenticated": "5.7.26", "not-reverse-alias": "5.7.1", "reply-limit": "5.7.1" } as const;

/**
 * @param auth the message's authentication results (computed once per message)
 * @param tokens token-form To/Cc addresses (lower case) → { aliasId, sender }, looked up beforehand
 * @returns the targets to spool for these reply targets (the same targets with mode and tokens, or records)
 * @throws MailError `451 4.4.3` when the checks hit a temporary DNS failure
 */
export function decideReplies(
  replies: ReplyTarget[], parsed: ParsedHeaders, envelope: Envelope, size: number, auth: AuthSummary,
  tokens: ReadonlyMap<string, { aliasId: string | null; sender: string | null }>,
): Target[] {
  const mode = parsed.fields.some((f) => f.key === "in-reply-to" && f.value) ? "reply" : "send";
  const out: Target[] = [];
  const refusedAliases = new Set<string>();
  const authVerdict = judgeAuthentication(auth);
  for (const target of replies) {
    const plan = target.plan;
    const own: Record<string, string> = {};
    for (const [address, hit] of tokens) if (hit.aliasId === plan.aliasId && hit.sender) own[address] = hit.sender;
    let verdict: ReplyVerdict = checkSenders(plan, envelope.mailFrom, parsed.from);
    if (verdict.ok) verdict = authVerdict;
    if (!verdict.ok && verdict.temporary) throw new MailError("receive", REPLIES.authTemporary, { detail: verdict.detail });
    let refusal: Refusal | null = null;
    if (!verdict.ok) {
      refusal = { reason: verdict.reason, status: STATUS[verdict.reason], diagnostic: verdict.detail, emailType: mode === "send" ? "S" : "R", destination: plan.destination };
    } else {
      const bad = [...decodeRecipients(parsed.to, plan, { tokens: own }).bad, ...decodeRecipients(parsed.cc, plan, { tokens: own }).bad];
      if (bad.length > 0) {
        refusal = {
          reason: "not-reverse-alias", status: STATUS["not-reverse-alias"], emailType: mode === "send" ? "S" : "R", destination: plan.destination,
          diagnostic: `To/Cc held ${bad.length} address(es) that are not reply addresses of this alias: ${bad.join(", ")}`,
        };
      } else if (plan.limitReached) {
        // Only now: the message is the owner's own (authenticated), so telling the owner is right.
        refusal = {
          reason: "reply-limit", status: STATUS["reply-limit"], emailType: mode === "send" ? "S" : "R", destination: plan.destination,
          diagnostic: `your plan allows ${plan.limitReached.perDay} replies and sends a day (UTC), and ${plan.limitReached.used} were sent today`,
        };
      }
    }
    if (!refusal) {
      out.push({ ...target, mode, tokens: own });
      continue;
    }
    // One record per alias and message (a reply-all has one target per correspondent).
    if (refusedAliases.has(plan.aliasId)) continue;
    refusedAliases.add(plan.aliasId);
    out.push({ kind: "record", rcptTo: target.rcptTo, events: [refusedEvent(plan, refusal, envelope.mailFrom, size)] });
  }
  return out;
}
