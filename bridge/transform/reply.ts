/**
 * The reply / send rewrite (DESIGN §3 transform, issue 3 §4): turns a message the owner sent to a
 * reverse alias into the message that goes from the alias to the correspondent, with no trace of the
 * owner's mailbox.
 *
 * Header: an allowlist. Kept (scrubbed): Subject, Date, In-Reply-To, References, MIME and Content-*
 * fields of the top level, Thread-Topic/-Index, Importance, Priority, X-Priority, Sensitivity,
 * Auto-Submitted. Rewritten: From (the alias, with the plan's from name), To and Cc (each reverse alias of
 * this alias decoded to its correspondent; the alias itself stays; anything else stops the send), a new
 * Message-ID on the alias domain, `Feedback-ID: R:<alias id>:veilmail`. Everything else is dropped:
 * Received, X-Originating-IP, User-Agent, X-Mailer, our X-Veilmail-*, Reply-To, Sender, Bcc, DKIM and
 * authentication results, read-receipt requests, Autocrypt, vendor trace fields, …
 *
 * Body: every text part scrubbed (./scrub-parts.ts): the owner's addresses, our banner, quoted
 * X-Veilmail-* lines, reverse aliases; quoted messages' header blocks too. Other parts keep their bytes.
 *
 * Pure: the time, random ids and the token-form lookups come in through `ctx`.
 */
import type { ReplyPlan } from "../../common/internal-api.js";
import { decodeReverseAlias, splitAddress } from "../../common/reverse-alias.js";
import { addressField, fold, rfc5322Date } from "./header-format.js";
import { scrubField } from "./header-scrub.js";
import { mimeChunks, parseMime } from "./mime-tree.js";
import { type Mailbox, parseMailboxes } from "./parse.js";
import type { ScrubRules } from "./scrub.js";
import { scrubTree } from "./scrub-parts.js";

/** Header fields that may go out (lower case), besides the ones we write. */
const KEPT = new Set([
  "subject", "date", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
  "content-language", "content-disposition", "content-id", "content-description", "thread-topic", "thread-index",
  "importance", "priority", "x-priority", "sensitivity", "auto-submitted",
]);

export interface ReplyContext {
  now: Date;
  /** Random token source for the Message-ID (injectable for golden files). */
  randomId: () => string;
  /** Token-form reverse aliases of this alias (lower case) → correspondent, as looked up at DATA. */
  tokens: Readonly<Record<string, string>>;
}

export type ReplyOutcome =
  | { ok: true; message: Buffer }
  /** A To/Cc address that is neither the alias nor one of its reverse aliases: nothing may be sent. */
  | { ok: false; reason: "not-reverse-alias"; addresses: string[] };

/**
 * Decodes To or Cc of the owner's message: the alias stays, reverse aliases of this alias (plain form, or
 * token form found in `ctx.tokens`) become their correspondents (appended to `pairs`); anything else is
 * `bad` and stops the send. Also used at the end of DATA to refuse such a message before it is spooled.
 */
export function decodeRecipients(
  list: Mailbox[], plan: ReplyPlan, ctx: Pick<ReplyContext, "tokens">, pairs: ScrubRules["reverseAliases"][number][] = [],
): { out: Mailbox[]; bad: string[] } {
  const alias = splitAddress(plan.aliasEmail)!;
  const out: Mailbox[] = [];
  const bad: string[] = [];
  for (const m of list) {
    const lower = m.address.toLowerCase();
    if (lower === plan.aliasEmail.toLowerCase()) { out.push({ name: "", address: plan.aliasEmail }); continue; }
    const plain = decodeReverseAlias(m.address, [alias.domain.toLowerCase()]);
    const real = plain && plain.aliasLocal.toLowerCase() === alias.local.toLowerCase() ? plain.sender : ctx.tokens[lower];
    if (!real) { bad.push(m.address); continue; }
    pairs.push({ address: m.address, real });
    if (!out.some((o) => o.address.toLowerCase() === real.toLowerCase())) out.push({ name: "", address: real });
  }
  return { out, bad };
}

/**
 * Rewrites the owner's message for `plan.destination`.
 * @param raw the message as received
 * @returns the message to sign and deliver, or why it must not be sent
 */
export async function replyMessage(raw: Buffer, plan: ReplyPlan, ctx: ReplyContext): Promise<ReplyOutcome> {
  const tree = await parseMime(raw);
  const { eol } = tree;
  const mailboxes = (key: string) => tree.fields.filter((f) => f.key === key).flatMap((f) => parseMailboxes(f.value));
  const pairs: ScrubRules["reverseAliases"][number][] = [];
  const to = decodeRecipients(mailboxes("to"), plan, ctx, pairs);
  const cc = decodeRecipients(mailboxes("cc"), plan, ctx, pairs);
  if (to.bad.length + cc.bad.length > 0) return { ok: false, reason: "not-reverse-alias", addresses: [...to.bad, ...cc.bad] };

  // Whatever the owner's client put in From, Sender or Reply-To is the owner's too.
  const owner = [...plan.ownerAddresses, ...["from", "sender", "reply-to"].flatMap((k) => mailboxes(k).map((m) => m.address))];
  const rules: ScrubRules = { alias: plan.aliasEmail, ownerAddresses: owner, reverseAliases: pairs };
  const aliasDomain = splitAddress(plan.aliasEmail)!.domain.toLowerCase();
  const written = {
    from: addressField("From", [{ name: plan.fromName ?? "", address: plan.aliasEmail }], eol),
    to: addressField("To", to.out.length ? to.out : [{ name: "", address: plan.destination }], eol),
    cc: cc.out.length ? addressField("Cc", cc.out, eol) : null,
    "message-id": fold("Message-ID", `<${ctx.randomId()}@${aliasDomain}>`, eol),
  };

  // Scrub the body first: a single-part message may come back with new Content-* fields.
  const scrubbed = scrubTree(tree, rules);
  const out: Array<string | Buffer> = [];
  const done = new Set<string>();
  for (const field of scrubbed.fields) {
    if (Object.hasOwn(written, field.key)) {
      const value = written[field.key as keyof typeof written];
      if (!done.has(field.key) && value) out.push(value);
      done.add(field.key);
    } else if (KEPT.has(field.key)) {
      const kept = scrubField(field, rules, eol);
      if (kept !== null) out.push(kept);
      done.add(field.key);
    }
  }
  if (!done.has("from")) out.unshift(written.from);
  if (!done.has("to")) out.splice(1, 0, written.to);
  if (!done.has("message-id")) out.push(written["message-id"]);
  if (!done.has("date")) out.push(fold("Date", rfc5322Date(ctx.now), eol));
  out.push(fold("Feedback-ID", `R:${plan.aliasId}:veilmail`, eol));

  const head = Buffer.concat([...out.map((p) => (typeof p === "string" ? Buffer.from(p + eol, "utf8") : p)), Buffer.from(eol)]);
  // One copy: the body's pieces are views of the scrubbed tree (all but its top-level header block).
  return { ok: true, message: Buffer.concat([head, ...mimeChunks(scrubbed).slice(1)]) };
}
