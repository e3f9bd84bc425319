/**
 * Parsing of envelope addresses (RFC 5321 §4.1.2 `Mailbox`), as the resolver needs them.
 */

/** An address split into its local part and its domain (lower case, A-label form). */
export interface ParsedAddress {
  local: string;
  domain: string;
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** What a domain as typed may hold: letters, digits (any script), marks, hyphens and dots (IDNA's too). */
const DOMAIN_CHARS = /^[\p{L}\p{M}\p{N}.\u3002\uFF0E\uFF61-]+$/u;

/**
 * Converts a domain to lower-case A-labels and checks it strictly: a host name of at least two labels
 * (RFC 5321 §4.1.2 `Domain`, RFC 1123 §2.1 LDH labels of 1–63 octets, at most 253 in all), one optional
 * trailing dot. Refused: address literals and anything an URL parser would turn into an IP address
 * (`127.0.0.1`, `2130706434`, `0x7f.1`), an all-numeric top-level label (RFC 3696 §2), ports, paths,
 * userinfo, percent-escapes, spaces and invisible characters (`evil.example/path` is not `evil.example`),
 * and labels with `--` in the third and fourth place unless they are valid A-labels (`xn--`, RFC 5891
 * §4.2.3.1). U-labels become A-labels by IDNA (UTS #46, via the URL parser, which also checks Punycode).
 * @example normalizeDomain("Bücher.Example") // "xn--bcher-kva.example"
 * @returns null when it is not such a host name
 */
export function normalizeDomain(domain: string): string | null {
  if (!domain || domain.length > 253 || !DOMAIN_CHARS.test(domain)) return null;
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  const name = ascii.replace(/\.$/, "");
  // For an ASCII name IDNA only lower-cases it: any other change (an IPv4 number read as an address) is refused.
  if (/^[\x00-\x7f]*$/.test(domain) && name !== domain.toLowerCase().replace(/\.$/, "")) return null;
  const labels = name.split(".");
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (labels.some((l) => l.slice(2, 4) === "--" && !l.startsWith("xn--"))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return name;
}

/**
 * Splits an envelope address at its last `@`, lower-cases it (addresses we serve are case-insensitive,
 * as at addy.io) and checks the syntax of both parts.
 * @param address without angle brackets, e.g. `Hello@Jane.Example.net`
 * @returns null when the address is not syntactically valid (the caller answers 553 5.1.3)
 */
export function parseAddress(address: string): ParsedAddress | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return null;
  const local = address.slice(0, at).toLowerCase();
  const domain = normalizeDomain(address.slice(at + 1));
  if (!domain) return null;
  if (new TextEncoder().encode(local).length > 64) return null;
  if (!DOT_ATOM.test(local) && !QUOTED.test(local)) return null;
  return { local, domain };
}
