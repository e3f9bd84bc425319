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

/**
 * Converts a domain to lower-case A-labels (IDNA via the URL parser) and checks its syntax.
 * @returns null when it is not a valid host name (RFC 5321 §4.1.2 `Domain`; no address literals)
 */
export function normalizeDomain(domain: string): string | null {
  if (!domain || domain.length > 253) return null;
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  const labels = ascii.replace(/\.$/, "").split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  return labels.join(".");
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
