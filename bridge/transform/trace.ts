/**
 * Our trace field: the `Received:` header the bridge prepends to every message it passes on
 * (RFC 5321 §4.4, RFC 5322 §3.6.7). Values that come from the SMTP client (HELO name, recipient) are
 * sanitised so that they cannot inject header syntax.
 */
import type { Envelope } from "../mail/types.js";
import { rfc5322Date } from "./header-format.js";

const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const ADDRESS_LITERAL = /^\[(?:IPv6:)?[0-9A-Fa-f:.]+\]$/;

/**
 * The RFC 5321 address literal of an IP: `[192.0.2.1]`, `[IPv6:2001:db8::1]`; IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`, how Node reports IPv4 on a dual-stack socket) is written as IPv4. Anything that is
 * not an IP gives `unknown`.
 *
 * @example addressLiteral('::ffff:192.0.2.1') // '[192.0.2.1]'
 */
export function addressLiteral(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return `[${v4[1]}]`;
  if (ip.includes(":") && /^[0-9A-Fa-f:.]+$/.test(ip)) return `[IPv6:${ip}]`;
  return "unknown";
}

/**
 * Our `Received:` field, e.g.
 * `Received: from mail.example.org ([192.0.2.1])\r\n\tby mx1 for <alias@example.com>;\r\n\tThu, 01 Jan 2026 …`.
 *
 * @param envelope the SMTP envelope (HELO name, client IP, our bridge name, when we answered 250).
 * @param rcptTo the envelope recipient this copy is for (the alias, never a real mailbox).
 * @param now used when `envelope.receivedAt` is not a valid date.
 * @param eol line ending for folded lines.
 * @returns the folded field without its final line ending.
 */
export function receivedField(envelope: Envelope, rcptTo: string, now: Date, eol: string): string {
  const valid = (name: string): boolean => name.length <= 255 && (HOSTNAME.test(name) || ADDRESS_LITERAL.test(name));
  const helo = valid(envelope.heloName) ? envelope.heloName : "unknown";
  const by = valid(envelope.receivedBy) ? envelope.receivedBy : "localhost";
  const rcpt = rcptTo.replace(/[\s<>()";\\]/g, "");
  const at = Date.parse(envelope.receivedAt);
  const when = rfc5322Date(Number.isNaN(at) ? now : new Date(at));
  const forClause = /^[\x21-\x7e]{3,254}$/.test(rcpt) ? ` for <${rcpt}>` : "";
  // One clause per line, as Postfix writes it; every part is length-bounded, so no line nears 998 octets.
  return `Received: from ${helo} (${addressLiteral(envelope.clientIp)})${eol}\tby ${by}${forClause};${eol}\t${when}`;
}
