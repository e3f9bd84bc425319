/**
 * The reverse-alias codec (addy.io-compatible, see DESIGN.md §4 and the shared reference §1 "Reply / send
 * from alias"): `<alias local>+<sender local>=<sender domain>@<alias domain>`.
 *
 * - Encoding turns the LAST `@` of the sender into `=`; domains are lower-cased, local parts keep their case.
 *   An internationalised sender domain is written as its A-label (`bücher.example` → `xn--bcher-kva.example`,
 *   RFC 5891), which names the same domain and keeps the reverse alias ASCII.
 * - Decoding splits the local part at its FIRST `+` (alias local parts never hold one: `+` is the
 *   extension delimiter) and at its LAST `=` (a domain never holds one), so senders whose local part holds
 *   `+`, `=` or dots round-trip, which addy.io's single "last `=`" rule got wrong (anonaddy#780).
 * - A result that is not a dot-atom (a quoted sender local part, `a..b`, `[`…) is written as a quoted-string
 *   local part (RFC 5322 §3.4.1), so it is always a valid addr-spec; decoding unquotes it.
 *
 * Pure, no I/O; imported by the bridge and the Worker.
 *
 * When {@link needsToken} is true (local part over 64 octets, RFC 5321 §4.5.3.1.1, or a non-ASCII sender)
 * the short stored token form `<alias local>+t_<token>@<alias domain>` takes the place of the plain form
 * ({@link encodeTokenReverseAlias}); the Worker keeps the token → sender table (`reverse_aliases`). The
 * token form never holds `=`, so the two forms cannot be mistaken for each other.
 */

/** RFC 5321 §4.5.3.1.1: maximum octets in a local part. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 §4.5.3.1.3 (path of 256 octets incl. angle brackets): maximum octets in an address. */
export const MAX_ADDRESS_OCTETS = 254;

/** Which domains count as alias domains when decoding: a list, a set, or a predicate (lower-case input). */
export type AliasDomainFilter = readonly string[] | ReadonlySet<string> | ((domain: string) => boolean);

/** A decoded reverse alias. `sender` is the correspondent's address with its domain lower-cased. */
export interface DecodedReverseAlias {
  aliasLocal: string;
  aliasDomain: string;
  sender: string;
}

// RFC 5322 atext, plus any non-ASCII character (RFC 6531 UTF8-non-ascii).
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+)*$/u;
const QUOTED_STRING = /^"(?:[^"\\\r\n]|\\[^\r\n])*"$/;
// Lenient unquoted local part: what MTAs accept in practice (dots anywhere), no specials, no spaces.
const LOOSE_LOCAL = /^[^\s"(),:;<>@[\\\]\x00-\x1f\x7f]+$/;
const DOMAIN = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?(?:\.[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?)*$/u;
const DOMAIN_LITERAL = /^\[[^[\]\\\s]+\]$/;

/**
 * Splits an addr-spec at the `@` before its domain: the last `@`, or the one before a trailing domain
 * literal. Returns null when there is no non-empty local part and domain.
 *
 * @example splitAddress('"a@b"@example.com') // { local: '"a@b"', domain: 'example.com' }
 */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const literalAt = address.endsWith("]") ? address.lastIndexOf("@[") : -1;
  const at = literalAt >= 0 ? literalAt : address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * Builds the reverse alias through which the alias's owner replies to `senderEmail`.
 *
 * @param aliasEmail the alias, `local@domain`; its local part must not contain `+`.
 * @param senderEmail the correspondent's address (a quoted local part is kept as written).
 * @returns an addr-spec, e.g. `first+hello=example.com@johndoe.example` or, for a local part that is no
 *   dot-atom, `"first+\"a b\"=example.com"@johndoe.example`.
 * @throws TypeError when either address has no local part or domain, or the alias local part holds `+`.
 * @example encodeReverseAlias('first@johndoe.example', 'Hello+x@Example.COM') // 'first+Hello+x=example.com@johndoe.example'
 */
export function encodeReverseAlias(aliasEmail: string, senderEmail: string): string {
  const alias = splitAddress(aliasEmail);
  const sender = splitAddress(senderEmail);
  if (!alias || alias.local.includes("+") || !DOT_ATOM.test(alias.local)) {
    throw new TypeError("encodeReverseAlias: the alias must be a plain local@domain address without '+'");
  }
  if (!sender) throw new TypeError("encodeReverseAlias: the sender has no local part or domain");
  const local = `${alias.local}+${sender.local}=${asciiDomain(sender.domain)}`;
  return `${quoteLocalPart(local)}@${alias.domain.toLowerCase()}`;
}

/**
 * Decodes a reverse alias; the inverse of {@link encodeReverseAlias}.
 *
 * @param address the address as received (RCPT TO or a header), bare, optionally quoted local part.
 * @param aliasDomains when given, the address's domain must be one of these (compared lower-case).
 * @returns the alias local part, alias domain (lower case) and the sender, or null when `address` is not a
 *   reverse alias (no `+`, no `=` after it, an empty part, a sender domain that is no domain, an unknown
 *   alias domain).
 * @example decodeReverseAlias('first+hello+x=example.com@johndoe.example')
 *   // { aliasLocal: 'first', aliasDomain: 'johndoe.example', sender: 'hello+x@example.com' }
 */
export function decodeReverseAlias(address: string, aliasDomains?: AliasDomainFilter): DecodedReverseAlias | null {
  const parts = splitAddress(address.trim());
  if (!parts) return null;
  const aliasDomain = parts.domain.toLowerCase();
  if (!DOMAIN.test(aliasDomain) || (aliasDomains && !domainAllowed(aliasDomain, aliasDomains))) return null;
  const local = unquoteLocalPart(parts.local);
  if (local === null) return null;
  const plus = local.indexOf("+");
  if (plus <= 0) return null;
  const rest = local.slice(plus + 1);
  const eq = rest.lastIndexOf("=");
  if (eq <= 0) return null;
  const senderLocal = rest.slice(0, eq);
  const senderDomain = rest.slice(eq + 1).toLowerCase();
  if (!DOMAIN.test(senderDomain) && !DOMAIN_LITERAL.test(senderDomain)) return null;
  if (!QUOTED_STRING.test(senderLocal) && !LOOSE_LOCAL.test(senderLocal)) return null;
  return { aliasLocal: local.slice(0, plus), aliasDomain, sender: `${senderLocal}@${senderDomain}` };
}

/**
 * Whether the plain form cannot be used and a stored short token should take its place (later issue): the
 * encoded local part would exceed 64 octets (RFC 5321 §4.5.3.1.1), the whole address 254 octets, or the
 * sender's local part is not ASCII (the reverse alias would need SMTPUTF8 end to end; a non-ASCII domain is
 * written as its A-label and needs no token).
 *
 * @throws TypeError as {@link encodeReverseAlias}.
 */
export function needsToken(aliasEmail: string, senderEmail: string): boolean {
  if (/[^\x00-\x7f]/.test(splitAddress(senderEmail)?.local ?? senderEmail)) return true;
  const encoded = encodeReverseAlias(aliasEmail, senderEmail);
  const local = splitAddress(encoded)?.local ?? encoded;
  return octets(local) > MAX_LOCAL_PART_OCTETS || octets(encoded) > MAX_ADDRESS_OCTETS;
}

/** The domain lower-cased, an IDN as its A-label (WHATWG URL host parsing: UTS #46, as browsers do). */
function asciiDomain(domain: string): string {
  const lower = domain.toLowerCase();
  if (!/[^\x00-\x7f]/.test(lower) || DOMAIN_LITERAL.test(lower)) return lower;
  try {
    const host = new URL(`http://${lower}/`).hostname;
    return /^[a-z0-9.-]+$/.test(host) ? host : lower;
  } catch {
    return lower;
  }
}

/** UTF-8 length (no Buffer: this module also runs in workerd). */
function octets(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Writes a local part as is when it is a dot-atom, else as a quoted-string (RFC 5322 §3.2.4). */
function quoteLocalPart(local: string): string {
  if (DOT_ATOM.test(local)) return local;
  return `"${local.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The content of a quoted-string local part (quoted-pairs resolved), the local part itself otherwise. */
function unquoteLocalPart(local: string): string | null {
  if (!local.startsWith('"')) return local;
  if (!QUOTED_STRING.test(local)) return null;
  return local.slice(1, -1).replace(/\\(.)/g, "$1");
}

function domainAllowed(domain: string, filter: AliasDomainFilter): boolean {
  if (typeof filter === "function") return filter(domain);
  for (const d of filter) if (d.toLowerCase() === domain) return true;
  return false;
}

const TOKEN_EXTENSION = /^t_([a-z2-7]{12})$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A new random token: 12 base32 characters (60 bits), e.g. `k3v7q2mxa9bd`. */
export function newReverseAliasToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((b) => BASE32[b & 31]).join("");
}

/**
 * The token form of a reverse alias.
 * @throws TypeError as {@link encodeReverseAlias}, or for a token that is not 12 base32 characters
 * @example encodeTokenReverseAlias('first@johndoe.example', 'k3v7q2mxa9bd') // 'first+t_k3v7q2mxa9bd@johndoe.example'
 */
export function encodeTokenReverseAlias(aliasEmail: string, token: string): string {
  const alias = splitAddress(aliasEmail);
  if (!alias || alias.local.includes("+") || !DOT_ATOM.test(alias.local)) {
    throw new TypeError("encodeTokenReverseAlias: the alias must be a plain local@domain address without '+'");
  }
  if (!TOKEN_EXTENSION.test(`t_${token}`)) throw new TypeError("encodeTokenReverseAlias: bad token");
  return `${alias.local}+t_${token}@${alias.domain.toLowerCase()}`;
}

/**
 * Recognises the token form (case-insensitive).
 * @returns the alias local part, alias domain (lower case) and token, or null for anything else
 */
export function decodeTokenReverseAlias(address: string, aliasDomains?: AliasDomainFilter): { aliasLocal: string; aliasDomain: string; token: string } | null {
  const parts = splitAddress(address.trim());
  if (!parts) return null;
  const aliasDomain = parts.domain.toLowerCase();
  if (aliasDomains && !domainAllowed(aliasDomain, aliasDomains)) return null;
  const plus = parts.local.indexOf("+");
  if (plus <= 0) return null;
  const m = TOKEN_EXTENSION.exec(parts.local.slice(plus + 1).toLowerCase());
  return m ? { aliasLocal: parts.local.slice(0, plus), aliasDomain, token: m[1]! } : null;
}
