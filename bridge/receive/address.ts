/**
 * Syntax of envelope addresses (RFC 5321 §4.1.2 Mailbox, with RFC 6531's UTF-8 in local parts and
 * domains). smtp-server, run with `lenientAddressParsing`, only splits `<local@domain>`; this decides.
 */

// atext (RFC 5322 §3.2.3) plus any non-ASCII character (RFC 6531 §3.3 UTF8-non-ascii).
const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u0080-\\uFFFF]+";
const DOT_STRING = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
// RFC 5321 §4.1.2 Quoted-string: qtextSMTP (printable ASCII but " and \) or quoted-pairSMTP.
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uFFFF]|\\[\x20-\x7e])*"$/;
// sub-domain = Let-dig [Ldh-str], U-labels allowed (smtp-server turns A-labels into U-labels).
const LABEL = /^[A-Za-z0-9\u0080-\uFFFF](?:[A-Za-z0-9\u0080-\uFFFF-]*[A-Za-z0-9\u0080-\uFFFF])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const octets = (s: string) => Buffer.byteLength(s, "utf8");

/** RFC 5321 §4.1.2 Domain: dot-separated labels of at most 63 octets, 255 in all, at least two labels. */
export function isDomain(domain: string): boolean {
  if (octets(domain) > 255) return false;
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((l) => octets(l) <= 63 && LABEL.test(l));
}

function isAddressLiteral(domain: string): boolean {
  const m = /^\[(.*)\]$/.exec(domain);
  if (!m) return false;
  const inner = m[1]!;
  return IPV4.test(inner) || /^IPv6:[0-9A-Fa-f:.]+$/.test(inner);
}

/**
 * Whether `address` is an acceptable envelope address.
 * - `sender` (MAIL FROM): `""` (the null sender) is fine; domain or address literal; no local-part
 *   length limit (RFC 5321 §4.5.3.1 asks not to impose one, and long bounce addresses exist).
 * - `recipient` (RCPT TO): a domain (no address literal: none of ours is one); local part at most 64
 *   octets (§4.5.3.1.1); or the bare `postmaster` (§4.1.1.3), which the directory decides about.
 * @example isValidAddress("a.b+c@example.com", "recipient") // true
 * @example isValidAddress("a..b@example.com", "sender") // false
 */
export function isValidAddress(address: string, kind: "sender" | "recipient"): boolean {
  if (kind === "sender" && address === "") return true;
  if (kind === "recipient" && address.toLowerCase() === "postmaster") return true;
  if (octets(address) > 254) return false;
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!DOT_STRING.test(local) && !QUOTED_STRING.test(local)) return false;
  if (kind === "recipient" && octets(local) > 64) return false;
  return isDomain(domain) || (kind === "sender" && isAddressLiteral(domain));
}
