/**
 * The forward rewrite (DESIGN.md §3 transform; addy.io `ForwardEmail`, shared reference §2.4): turns a
 * message received for an alias into the message sent on to one of the owner's real mailboxes.
 *
 * Unlike addy.io we do not rebuild the message from parsed parts: the body is copied byte for byte (but
 * for the banner in its text parts) and every header we do not need to change is re-emitted as it came
 * (maddy's "modify headers only" rule), so HTML, inline images, attachments and signed parts arrive
 * exactly as sent.
 *
 * Header changes:
 * - `Received:` of our own is prepended (RFC 5321 §4.4).
 * - From → the reverse alias of the original Reply-To, else From, else the envelope sender, with a display
 *   name per `display_from_format`; Reply-To → the same reverse alias. With `useReplyTo`, From is the plain
 *   alias. No usable address at all: From is the plain alias and there is no Reply-To.
 * - To / Cc: each address becomes its own reverse alias (reply-all), except the alias itself (with or
 *   without a `+extension`), which stays as the plain alias. No To: To is the alias.
 * - Removed: the sender's DKIM-Signature / DomainKey-Signature, ARC-*, Authentication-Results (they no
 *   longer verify, and we sign ourselves), Return-Path, Delivered-To, Feedback-ID (ours replaces it), any
 *   X-Veilmail-* (forgery), Sender (recorded in X-Veilmail-Original-Sender-Header: a Sender naming the real
 *   correspondent would invite replying around the alias), lines that are no header field.
 * - Rewritten: fields that make the recipient's mail program write to an address by itself (read-receipt
 *   requests, Mail-Followup-To, List-* `mailto:` links): each address becomes its reverse alias
 *   (./action-headers.ts), so the user's real address never writes to the sender directly.
 * - Kept: everything else, including Message-ID, Date, In-Reply-To, References, Subject, MIME headers,
 *   Received, List-Id and the https links of List-*; Message-ID (`<randomId@alias domain>`) and Date are added when missing.
 * - Added at the end: X-Veilmail-Original-Sender (envelope MAIL FROM, `<>` for the null sender),
 *   X-Veilmail-Original-From / -Reply-To / -To / -Cc / -Sender-Header (each only when the original had it),
 *   and `Feedback-ID: F:<aliasId>:veilmail`.
 *
 * Body: copied byte for byte, except the banner (./banner.ts) in the displayed text parts when the
 * owner's `banner_location` is top or bottom.
 */
import type { ForwardPlan } from "../../common/internal-api.js";
import { encodeReverseAlias, needsToken, splitAddress } from "../../common/reverse-alias.js";
import type { TransformContext } from "../mail/types.js";
import { isActionField, rewriteActionField } from "./action-headers.js";
import { bannerBodyChunks } from "./banner.js";
import { displayFrom } from "./display.js";
import { addressField, fold, passField, rfc5322Date, unstructuredField } from "./header-format.js";
import type { Mailbox, ParsedHeaders } from "./parse.js";
import { receivedField } from "./trace.js";

/** Fields of the original that never go out (lower case; `arc-` is a prefix). */
const DROPPED = new Set([
  "dkim-signature", "domainkey-signature", "authentication-results", "return-path", "delivered-to",
  "feedback-id", "sender",
]);
const isDropped = (key: string): boolean =>
  !key || DROPPED.has(key) || key.startsWith("arc-") || key.startsWith("x-veilmail-");

/** The original fields recorded in X-Veilmail-Original-* headers, in output order. */
const RECORDED: ReadonlyArray<[key: string, header: string]> = [
  ["from", "X-Veilmail-Original-From"],
  ["reply-to", "X-Veilmail-Original-Reply-To"],
  ["to", "X-Veilmail-Original-To"],
  ["cc", "X-Veilmail-Original-Cc"],
  ["sender", "X-Veilmail-Original-Sender-Header"],
];

/**
 * Rewrites a received message into the forward for one recipient of `plan`.
 *
 * Pure and synchronous: everything that varies (time, random ids, envelope) comes in through `ctx`.
 *
 * @param raw the message as received (the spool file).
 * @param parsed `await parseHeaderFields(raw)`.
 * @param plan the alias's forward plan from the Worker.
 * @param ctx envelope, rcptTo (the alias address as given), now, randomId.
 * @returns the complete RFC 5322 message to sign and deliver: header lines with the message's own line
 *   ending (CRLF for everything the receive stage accepts), folded at 78 where possible, never over 998
 *   octets, non-ASCII values RFC 2047-encoded; then the empty line and the body (the original bytes, with
 *   the banner in its text parts unless the banner is off).
 * @throws TypeError only when `plan.aliasEmail` is not a plain `local@domain` address.
 */
export function forwardMessage(raw: Buffer, parsed: ParsedHeaders, plan: ForwardPlan, ctx: TransformContext): Buffer {
  return Buffer.concat(forwardChunks(raw, parsed, plan, ctx));
}

/**
 * {@link forwardMessage}'s bytes as a list of pieces in order, without copying the body: the new header
 * block, then the body as views of `raw` (but for the parts that took the banner). For the pipeline,
 * which assembles the outgoing message once (bridge/pipeline/prepare.ts). Same parameters and errors.
 */
export function forwardChunks(raw: Buffer, parsed: ParsedHeaders, plan: ForwardPlan, ctx: TransformContext): Buffer[] {
  const eol = parsed.eol;
  const alias = splitAddress(plan.aliasEmail);
  if (!alias || alias.local.includes("+")) throw new TypeError("forwardMessage: plan.aliasEmail must be local@domain without '+'");
  const aliasDomain = alias.domain.toLowerCase();
  const isAlias = (address: string): boolean => stripExtension(address) === plan.aliasEmail.toLowerCase();
  const reverse = (address: string): string | null => {
    try {
      // Too long or not ASCII: the stored token form, looked up at the end of DATA (none: left out).
      if (needsToken(plan.aliasEmail, address)) return ctx.tokens?.get(address.toLowerCase()) ?? null;
      return encodeReverseAlias(plan.aliasEmail, address);
    } catch {
      return null;
    }
  };

  // Who a reply goes to: Reply-To, else From, else the envelope sender (never the alias itself).
  const candidates = [...parsed.replyTo, ...parsed.from].map((m) => m.address);
  if (ctx.envelope.mailFrom) candidates.push(ctx.envelope.mailFrom);
  const replyVia = candidates.filter((a) => !isAlias(a)).map(reverse).find((r): r is string => r !== null) ?? null;

  const origFrom = parsed.from[0];
  const name = displayFrom(plan.display.fromFormat, origFrom?.name ?? "", origFrom?.address ?? ctx.envelope.mailFrom) ?? "";
  const fromAddress = plan.display.useReplyTo || !replyVia ? plan.aliasEmail : replyVia;
  const fromField = addressField("From", [{ name, address: fromAddress }], eol);
  const replyToField = replyVia ? addressField("Reply-To", [{ name: "", address: replyVia }], eol) : null;

  const correspondents = (list: Mailbox[]): Mailbox[] =>
    list.flatMap((m) => {
      const shown = m.name.toLowerCase() === m.address.toLowerCase() ? "" : m.name;
      if (isAlias(m.address)) return [{ name: shown, address: plan.aliasEmail }];
      const address = reverse(m.address);
      return address ? [{ name: shown, address }] : [];
    });
  const to = correspondents(parsed.to);
  const cc = correspondents(parsed.cc);
  const toField = addressField("To", to.length ? to : [{ name: "", address: plan.aliasEmail }], eol);
  const ccField = cc.length ? addressField("Cc", cc, eol) : null;

  const fields = parsed.fields;
  const body = bannerBodyChunks(raw, parsed.bodyOffset, plan, origFrom?.address || ctx.envelope.mailFrom || null);
  const has = (key: string): boolean => fields.some((f) => f.key === key);

  // The From block: From, then Reply-To and To when the original had none to replace.
  const fromBlock = [fromField];
  if (replyToField && !has("reply-to")) fromBlock.push(replyToField);
  if (!has("to")) fromBlock.push(toField);

  const out: Array<string | Buffer> = [receivedField(ctx.envelope, ctx.rcptTo, ctx.now, eol)];
  const done = new Set<string>(); // keys replaced (or dropped as duplicates), and keys passed through
  for (const field of fields) {
    if (isDropped(field.key) || (field.key === "message-id" && !parsed.messageId)) continue;
    const replacement = replaceable(field.key, { from: fromBlock, "reply-to": [replyToField], to: [toField], cc: [ccField] });
    if (replacement) {
      if (!done.has(field.key)) out.push(...replacement.filter((r): r is string => r !== null));
      done.add(field.key);
      continue;
    }
    if (isActionField(field.key)) {
      const rewritten = rewriteActionField(field, reverse, isAlias, eol);
      if (rewritten) out.push(rewritten);
      continue;
    }
    const passed = passField(field, eol);
    if (passed) {
      out.push(passed);
      done.add(field.key);
    }
  }
  if (!done.has("from")) out.splice(1, 0, ...fromBlock);

  if (!done.has("message-id")) out.push(fold("Message-ID", `<${ctx.randomId()}@${aliasDomain}>`, eol));
  if (!done.has("date")) out.push(fold("Date", rfc5322Date(ctx.now), eol));
  out.push(unstructuredField("X-Veilmail-Original-Sender", ctx.envelope.mailFrom || "<>", eol));
  for (const [key, header] of RECORDED) {
    const values = parsed.fields.filter((f) => f.key === key).map((f) => f.value);
    if (values.length) out.push(unstructuredField(header, values.join(", "), eol));
  }
  out.push(fold("Feedback-ID", `F:${plan.aliasId}:veilmail`, eol));

  const head = Buffer.concat([...out.map((part) => (typeof part === "string" ? Buffer.from(part + eol, "utf8") : part)), Buffer.from(eol)]);
  return [head, ...body];
}

/** The replacement fields for a key we rewrite, or undefined for keys passed through. */
function replaceable(key: string, map: Record<string, Array<string | null>>): Array<string | null> | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Lower-cased address with any `+extension` of the local part removed (`a+x@d` → `a@d`). */
function stripExtension(address: string): string {
  const parts = splitAddress(address.trim());
  if (!parts) return address.trim().toLowerCase();
  const plus = parts.local.indexOf("+");
  return `${plus > 0 ? parts.local.slice(0, plus) : parts.local}@${parts.domain}`.toLowerCase();
}
