/**
 * Header fields that make the recipient's mail program send mail by itself or offer to: read receipts
 * (RFC 8098 Disposition-Notification-To, and the older Return-Receipt-To / X-Confirm-Reading-To),
 * Mail-Followup-To / Mail-Reply-To, Errors-To, and the `mailto:` links of List-* fields (RFC 2369,
 * RFC 8058). Passed on unchanged, each would make the user's real mailbox write straight to an address
 * the sender chose, revealing it. In a forward every such address becomes its reverse alias, so the mail
 * goes through the alias like any reply; what cannot be rewritten is dropped.
 */
import type { HeaderField, Mailbox } from "./parse.js";
import { parseMailboxes } from "./parse.js";
import { addressField, fold } from "./header-format.js";

/** Address-list fields a mail program may send to without the user writing a reply. */
const ADDRESS_FIELDS = new Set(["disposition-notification-to", "return-receipt-to", "x-confirm-reading-to", "mail-followup-to", "mail-reply-to", "errors-to"]);
/** List fields (RFC 2369) whose `mailto:` URIs a mail program offers as one-click actions. */
const LIST_FIELDS = new Set(["list-unsubscribe", "list-subscribe", "list-post", "list-help", "list-owner"]);

/** True when `key` (lower case) names a field this module rewrites. */
export function isActionField(key: string): boolean {
  return ADDRESS_FIELDS.has(key) || LIST_FIELDS.has(key);
}

/**
 * The field rewritten for the forward, or null to drop it.
 * @param reverse an address's reverse alias, or null when it has none (the address is then dropped)
 * @param keep addresses that stay as they are (the alias itself)
 */
export function rewriteActionField(field: HeaderField, reverse: (address: string) => string | null, keep: (address: string) => boolean, eol: string): string | null {
  if (ADDRESS_FIELDS.has(field.key)) {
    const mailboxes = parseMailboxes(field.value).flatMap((m): Mailbox[] => {
      if (keep(m.address)) return [m];
      const address = reverse(m.address);
      return address ? [{ name: "", address }] : [];
    });
    return mailboxes.length ? addressField(field.name, mailboxes, eol) : null;
  }
  // List-*: a comma-separated list of <URI>; http(s) links stay, mailto: addresses are reversed.
  const uris = [...field.value.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!.trim()).flatMap((uri) => {
    const mailto = /^mailto:([^?]*)(\?.*)?$/i.exec(uri);
    if (!mailto) return /^https?:\/\//i.test(uri) ? [uri] : [];
    let address: string;
    try {
      address = decodeURIComponent(mailto[1]!);
    } catch {
      return [];
    }
    if (keep(address)) return [uri];
    const reversed = reverse(address);
    return reversed ? [`mailto:${encodeURI(reversed)}${mailto[2] ?? ""}`] : [];
  });
  return uris.length ? fold(field.name, uris.map((u) => `<${u}>`).join(", "), eol) : null;
}
