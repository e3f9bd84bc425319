/**
 * Signed, expiring tokens for links sent by mail: `<payload>.<mac>`, both base64url, where the payload is
 * JSON `{p: purpose, s: subject, e: expiry (unix seconds), b?: binding}`. Nothing is stored: the MAC
 * (keys.ts, use `links`) proves we issued it; `b` ties a token to state that changes when it is used
 * (e.g. a fingerprint of the password hash, so a reset link works once).
 */
import { fromBase64Url, mac, toBase64Url, verifyMac } from "./keys.js";

export type LinkPurpose = "verify-recipient" | "reset-password" | "newsletter-confirm" | "newsletter-unsubscribe" | "newsletter-block" | "deactivate-alias";

/** What a valid token says. */
export interface LinkClaims {
  purpose: LinkPurpose;
  /** The row the link acts on (recipient id, user id, subscriber id). */
  subject: string;
  /** Unix seconds; 0 for a link that never expires. */
  expires: number;
  binding?: string | undefined;
}

/**
 * Issues a token.
 * @param ttlSeconds lifetime; 0 for no expiry (unsubscribe links)
 */
export async function signLink(secret: string, claims: Omit<LinkClaims, "expires">, ttlSeconds: number, now: Date): Promise<string> {
  const expires = ttlSeconds > 0 ? Math.floor(now.getTime() / 1000) + ttlSeconds : 0;
  const json = JSON.stringify({ p: claims.purpose, s: claims.subject, e: expires, ...(claims.binding ? { b: claims.binding } : {}) });
  const payload = toBase64Url(new TextEncoder().encode(json));
  return `${payload}.${await mac(secret, "links", payload)}`;
}

/**
 * Checks a token for `purpose`.
 * @returns its claims, or null when malformed, forged, for another purpose, or expired
 */
export async function readLink(secret: string, token: string, purpose: LinkPurpose, now: Date): Promise<LinkClaims | null> {
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined || payload.length > 1024) return null;
  if (!(await verifyMac(secret, "links", payload, sig))) return null;
  const bytes = fromBase64Url(payload);
  if (!bytes) return null;
  let data: { p?: unknown; s?: unknown; e?: unknown; b?: unknown };
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (data.p !== purpose || typeof data.s !== "string" || typeof data.e !== "number") return null;
  if (data.e !== 0 && data.e < now.getTime() / 1000) return null;
  return { purpose, subject: data.s, expires: data.e, binding: typeof data.b === "string" ? data.b : undefined };
}
