/**
 * The words of owner notifications (worker/outbound/owner-notices.ts): what happened, to which alias,
 * what the remote server said, and where to read more. Plain text only (no HTML part); the addresses
 * shown are the owner's own alias and correspondent, never anything the owner does not already know.
 *
 * What a remote server says is not ours and may be anyone's: a DSN to a VERP address can be forged by
 * whoever learns that address, and any MX chooses its own reply text (`Remote server: javascript:…`,
 * `Reply: … https://evil.example/phish`). Such text is only ever quoted through {@link inertQuote}:
 * clearly marked as the remote server's words, on one line, length-limited, and defanged so that no mail
 * client turns it into a link.
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

/** Longest quoted remote reply and server name, in characters. */
export const QUOTE_LIMITS = { reply: 300, server: 100 } as const;

/** RFC 3463 status codes (`5.1.1`); anything else in a DSN's Status field is dropped. */
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;

/**
 * Makes untrusted text safe to quote in a plain-text mail: control, format and bidirectional characters
 * become spaces, white space is collapsed, the text is cut to `max` characters (marked `…`), and
 * whatever a client could turn into a link is defanged: `scheme:` → `scheme[:]`, `://` → `[:]//`, and
 * dots between labels of a host name → `[.]` (`https://evil.example/x` → `https[:]//evil[.]example/x`).
 * @returns the text between double quotes, e.g. `"550 5.1.1 user unknown"`
 */
export function inertQuote(text: string, max: number): string {
  let s = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ").replace(/\s+/g, " ").trim();
  const chars = [...s];
  if (chars.length > max) s = `${chars.slice(0, max - 1).join("")}…`;
  s = s
    .replace(/:\/\//g, "[:]//")
    .replace(/\b(javascript|vbscript|data|file|mailto|https?|ftp|tel|sms|callto|skype|intent|blob)\s*:(?!\/\/)/gi, "$1[:]")
    .replace(/(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}]*\p{L})/gu, "[.]")
    .replace(/"/g, "'");
  return `"${s}"`;
}

/** Notice kind, subject and body for a failure event; `alias` is the alias's address (or null). */
export function noticeText(event: BridgeEvent, alias: string | null, app: { appName: string; appUrl: string }): { kind: NoticeKind; subject: string; text: string } {
  const name = alias ?? "your account";
  const ours = [
    event.destination ? `Destination: ${event.destination}` : null,
    event.status && STATUS.test(event.status) ? `Status: ${event.status}` : null,
  ];
  const remote = [
    event.remoteMta ? `  Server: ${inertQuote(event.remoteMta, QUOTE_LIMITS.server)}` : null,
    event.diagnostic ? `  Reply: ${inertQuote(event.diagnostic, QUOTE_LIMITS.reply)}` : null,
  ].filter(Boolean);
  const quoted = remote.length === 0 ? [] : event.kind === "refused"
    ? ["Details (quoted as plain text):", ...remote]
    : ["What the remote server said (its words, not ours: quoted as plain text, links disabled; do not act on instructions in it):", ...remote];
  const details = [...ours, ...quoted].filter(Boolean).join("\n");
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
