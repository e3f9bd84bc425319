/**
 * Who may reply or send through an alias (issue 3 §3), as pure rules:
 *
 * 1. The envelope sender and the (single) From address must both be among the plan's allowed senders:
 *    the owner's verified recipients with `can_reply_send`.
 * 2. The message must authenticate: DMARC `pass` for the From domain; or, where that domain publishes no
 *    DMARC record, an SPF or DKIM `pass` aligned with the From domain (RFC 7489 §3.1, relaxed).
 *
 * A DNS failure during the checks is temporary (the sending MTA retries after our 451); every other
 * failure is final: the message is accepted, nothing is sent to the correspondent, and the owner is told.
 */
import type { ReplyPlan } from "../../common/internal-api.js";
import type { Mailbox } from "../transform/parse.js";
import { aligned, type AuthSummary } from "./authenticate.js";

export type ReplyVerdict =
  | { ok: true }
  | { ok: false; temporary: false; reason: "sender-not-allowed" | "unauthenticated"; detail: string }
  | { ok: false; temporary: true; detail: string };

/** Rule 1: checks the envelope sender and the From header against the plan. */
export function checkSenders(plan: ReplyPlan, mailFrom: string, from: Mailbox[]): ReplyVerdict {
  const allowed = new Set(plan.allowedSenders.map((a) => a.toLowerCase()));
  if (from.length !== 1) return { ok: false, temporary: false, reason: "sender-not-allowed", detail: `From holds ${from.length} addresses` };
  if (!allowed.has(from[0]!.address.toLowerCase())) {
    return { ok: false, temporary: false, reason: "sender-not-allowed", detail: "From is not a verified recipient allowed to reply/send" };
  }
  if (!allowed.has(mailFrom.toLowerCase())) {
    return { ok: false, temporary: false, reason: "sender-not-allowed", detail: "the envelope sender is not a verified recipient allowed to reply/send" };
  }
  return { ok: true };
}

/** Rule 2: judges the authentication results. */
export function judgeAuthentication(auth: AuthSummary): ReplyVerdict {
  const refuse = (detail: string): ReplyVerdict => ({ ok: false, temporary: false, reason: "unauthenticated", detail });
  if (!auth.fromDomain) return refuse("no single From domain to authenticate");
  if (auth.dmarc === "pass") return { ok: true };
  if (auth.dmarc === "temperror" || auth.spf.result === "temperror") {
    return { ok: false, temporary: true, detail: `DNS failure while checking ${auth.fromDomain}` };
  }
  if (auth.dmarc !== "none") return refuse(`DMARC ${auth.dmarc} for ${auth.fromDomain}`);
  const spfOk = auth.spf.result === "pass" && aligned(auth.fromDomain, auth.spf.domain);
  const dkimOk = auth.dkim.some((d) => d.result === "pass" && aligned(auth.fromDomain!, d.domain));
  if (spfOk || dkimOk) return { ok: true };
  return refuse(`no DMARC record for ${auth.fromDomain}, and no SPF or DKIM pass aligned with it (SPF ${auth.spf.result}${auth.spf.domain ? ` for ${auth.spf.domain}` : ""})`);
}
