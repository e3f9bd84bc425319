/**
 * The words of owner notifications (worker/outbound/owner-notices.ts): what happened, to which alias,
 * what the remote server said, and where to read more. Plain text; the addresses shown are the owner's
 * own alias and correspondent, never anything the owner does not already know.
 */
import type { BridgeEvent } from "../../common/internal-api.js";
import type { NoticeKind } from "./owner-notices.js";

const REASONS: Record<NonNullable<BridgeEvent["reason"]>, string> = {
  "unauthenticated": "it did not pass our sender checks (SPF/DKIM/DMARC for your recipient's domain), so it may not have come from you",
  "sender-not-allowed": "it was not sent from one of your verified recipients that may reply and send from aliases",
  "not-reverse-alias": "its To or Cc held an address that is not one of this alias's reply addresses, so sending it would have revealed that address's owner or gone somewhere unintended",
  "loop": "it would have been forwarded in a circle (the destination is one of our own addresses)",
  "reply-limit": "your plan's daily limit of replies and sends is used up (it starts again at midnight UTC; a plan with a higher limit lifts it at once)",
};

/** Notice kind, subject and body for a failure event; `alias` is the alias's address (or null). */
export function noticeText(event: BridgeEvent, alias: string | null, app: { appName: string; appUrl: string }): { kind: NoticeKind; subject: string; text: string } {
  const name = alias ?? "your account";
  const details = [
    event.destination ? `Destination: ${event.destination}` : null,
    event.status ? `Status: ${event.status}` : null,
    event.remoteMta ? `Remote server: ${event.remoteMta}` : null,
    event.diagnostic ? `Reply: ${event.diagnostic}` : null,
  ].filter(Boolean).join("\n");
  const footer = `\n\nYou get at most one such message per hour for each alias. Failed deliveries are listed at ${app.appUrl || "your dashboard"}.\n\n— ${app.appName}\n`;
  if (event.kind === "refused") {
    const loop = event.reason === "loop";
    return {
      kind: loop ? "loop" : "refused",
      subject: loop ? `Mail loop stopped for ${name}` : `A message from ${name} was not sent`,
      text: `A message through ${name} was accepted but not delivered, because ${REASONS[event.reason ?? "unauthenticated"]}.\n\n${details}${footer}`,
    };
  }
  const what = event.emailType === "R" ? "Your reply" : event.emailType === "S" ? "Your message" : "A message forwarded";
  return {
    kind: "delivery",
    subject: `Undelivered mail for ${name}`,
    text: `${what} through ${name} could not be delivered${event.bounceType === "spam" ? " (the receiving server considered it spam)" : ""}.\n\n${details}${footer}`,
  };
}
