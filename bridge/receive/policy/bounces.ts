/**
 * The end-of-DATA decision for mail to our VERP addresses (issue 3 §5): a DSN or feedback report becomes
 * a record of one `bounced` event (its first failed recipient: a VERP address names one destination);
 * a report without failures (delayed, delivered) records nothing; anything else is an auto-reply and is
 * forwarded to the owner with the alias's plan, or dropped when there is none (our notifications, an
 * alias switched off).
 */
import { randomUUID } from "node:crypto";
import type { BridgeEvent } from "../../../common/internal-api.js";
import type { BounceReport } from "../../bounce/dsn.js";
import type { BounceTarget, Target } from "../../mail/types.js";

/** @returns the target to spool instead of `target`, or null when nothing is to be kept */
export function decideBounce(target: BounceTarget, report: BounceReport, sender: string, size: number, now = new Date()): Target | null {
  const { bounce } = target;
  if (report.kind === "other") return target.plan ? { kind: "forward", rcptTo: target.rcptTo, plan: target.plan } : null;
  const first = report.failed[0];
  if (!first || !bounce.userId) return null;
  const event: BridgeEvent = {
    id: randomUUID(),
    kind: "bounced",
    aliasId: bounce.aliasId,
    userId: bounce.userId,
    emailType: bounce.emailType,
    outboundId: bounce.outboundId,
    bytes: size,
    at: now.toISOString(),
    ...(bounce.emailType === "F" && bounce.recipientId ? { recipientId: bounce.recipientId } : {}),
    destination: bounce.destination,
    sender: sender || "<>",
    status: first.status,
    bounceType: first.bounceType,
    ...(first.diagnostic ? { diagnostic: first.diagnostic.slice(0, 2000) } : {}),
    ...(first.remoteMta ? { remoteMta: first.remoteMta.slice(0, 255) } : {}),
  };
  return { kind: "record", rcptTo: target.rcptTo, events: [event] };
}
