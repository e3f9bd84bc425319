/**
 * TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) through otpauth, its provisioning URI as a QR
 * code (SVG through uqr), and one-time backup codes.
 */
import { Secret, TOTP } from "otpauth";
import { renderSVG } from "uqr";
import { sha256Hex } from "../../common/signature.js";
import { randomString } from "./tokens.js";

const PERIOD = 30;

/** A new 160-bit secret (RFC 4226 §4 recommends 160 bits), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The `otpauth://totp/...` URI authenticator apps scan (Key Uri Format), and the same as an SVG QR code
 * in a `data:` URL for an `<img>`.
 */
export function totpProvisioning(secret: string, issuer: string, account: string): { uri: string; qrDataUrl: string } {
  const uri = new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), period: PERIOD }).toString();
  const svg = renderSVG(uri, { pixelSize: 6 });
  return { uri, qrDataUrl: `data:image/svg+xml;base64,${btoa(svg)}` };
}

/**
 * Checks a 6-digit code, allowing one step of clock drift either way.
 * @param lastStep the last step a code was accepted for; a code for that step or an earlier one is refused (replay)
 * @returns the step the code belongs to (store it as the new `lastStep`), or null when invalid
 */
export function checkTotp(secret: string, code: string, lastStep: number | null, now: Date): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), period: PERIOD, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** The code for `now` (tests and set-up previews). */
export function totpCode(secret: string, now: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), period: PERIOD, timestamp: now.getTime() });
}

const BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** Ten new backup codes (`xxxxx-xxxxx`, about 49 bits each) and their hashes to store. */
export async function newBackupCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: 10 }, () => `${randomString(5, BACKUP_ALPHABET)}-${randomString(5, BACKUP_ALPHABET)}`);
  return { codes, hashes: await Promise.all(codes.map(hashBackupCode)) };
}

/** The stored form of a backup code (case, spaces and the dash do not matter when typed). */
export function hashBackupCode(code: string): Promise<string> {
  const plain = code.toLowerCase().replace(/[^a-z0-9]/g, "");
  return sha256Hex(`backup:${plain}`);
}
