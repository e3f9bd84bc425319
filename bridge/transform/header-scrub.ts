/**
 * Scrubbing header fields that stay in a reply: the owner's addresses become the alias, reverse aliases
 * become the correspondents, whether written plainly, inside a display name, or inside RFC 2047 encoded
 * words; and the fields that identify the owner's mail system are dropped from quoted (message/rfc822)
 * header blocks.
 */
import { decodeWords } from "postal-mime";
import { addressField, passField, unstructuredField } from "./header-format.js";
import { headerText, parseMailboxes, type HeaderField } from "./parse.js";
import { containsAddress, type ScrubRules, scrubText } from "./scrub.js";

const ADDRESS_FIELDS = new Set([
  "from", "to", "cc", "bcc", "reply-to", "sender", "resent-from", "resent-to", "resent-cc", "resent-sender",
]);

/** Fields dropped from a quoted message's header block: trace, client and our own fields. */
const IDENTIFYING = /^(?:received|x-received|received-spf|x-originating-ip|user-agent|x-mailer|x-veilmail-.*|delivered-to|return-path|dkim-signature|domainkey-signature|arc-.*|authentication-results|x-forwarded-.*|x-original-to|x-envelope-.*|x-apparently-to|disposition-notification-to|return-receipt-to|errors-to|autocrypt|x-ms-exchange-.*|x-microsoft-.*|x-google-.*|x-gm-.*)$/;

/** Whether a quoted header block should lose this field. */
export function isIdentifying(key: string): boolean {
  return IDENTIFYING.test(key);
}

/**
 * One field, scrubbed: the raw bytes when nothing had to change, otherwise the field re-written (address
 * fields rebuilt from their mailboxes, others as unstructured text).
 */
export function scrubField(field: HeaderField, rules: ScrubRules, eol: string): Buffer | string | null {
  const raw = headerText(field.raw);
  const decoded = decodeWords(field.value);
  const addresses = [...rules.ownerAddresses, ...rules.reverseAliases.map((r) => r.address)];
  if (!containsAddress(raw, addresses) && !containsAddress(decoded, addresses)) return passField(field, eol);
  if (ADDRESS_FIELDS.has(field.key)) {
    const mailboxes = parseMailboxes(field.value).map((m) => ({
      name: scrubText(m.name, rules, false), address: scrubText(m.address, rules, false),
    }));
    return mailboxes.length ? addressField(field.name, mailboxes, eol) : null;
  }
  return unstructuredField(field.name, scrubText(decoded, rules, false), eol);
}

/** A quoted message's header block without identifying fields and with every field scrubbed. */
export function scrubHeaderBlock(fields: HeaderField[], rules: ScrubRules, eol: string): Buffer {
  const out: Buffer[] = [];
  for (const field of fields) {
    if (!field.name || isIdentifying(field.key)) continue;
    const kept = scrubField(field, rules, eol);
    if (kept !== null) out.push(typeof kept === "string" ? Buffer.from(kept + eol, "utf8") : kept);
  }
  out.push(Buffer.from(eol));
  return Buffer.concat(out);
}
