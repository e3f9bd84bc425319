/**
 * The `mfa_key` of API password login (addy.io's and SimpleLogin's `/api/auth/login` → `/api/auth/mfa`):
 * proof that the password was right a moment ago, valid for {@link MFA_KEY_TTL_SECONDS}.
 *
 * Form: `<user id>.<expiry unix seconds>.<mac>`, where the MAC is keys.ts's `links` HMAC over
 * `api-mfa|<user id>|<expiry>`. Signed-link payloads (signed-links.ts) are base64url and never contain
 * `|`, so neither kind of token can pass for the other. Nothing is stored; the one-time use of each TOTP
 * code (worker/accounts/two-factor.ts) is what stops a replay.
 */
import { mac, verifyMac } from "./keys.js";

export const MFA_KEY_TTL_SECONDS = 300;

const data = (userId: string, expires: number) => `api-mfa|${userId}|${expires}`;

/** Issues a key for `userId`. */
export async function issueMfaKey(secret: string, userId: string, now: Date): Promise<string> {
  const expires = Math.floor(now.getTime() / 1000) + MFA_KEY_TTL_SECONDS;
  return `${userId}.${expires}.${await mac(secret, "links", data(userId, expires))}`;
}

/** The user id a key names, or null when it is malformed, forged or expired. */
export async function readMfaKey(secret: string, key: string, now: Date): Promise<string | null> {
  const [userId, expiresText, signature, extra] = key.split(".");
  if (!userId || !expiresText || !signature || extra !== undefined || !/^\d{1,12}$/.test(expiresText)) return null;
  const expires = Number(expiresText);
  if (expires < now.getTime() / 1000) return null;
  return (await verifyMac(secret, "links", data(userId, expires), signature)) ? userId : null;
}
