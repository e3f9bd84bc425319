/**
 * VERP return paths (DESIGN §4): `b_<id>_<mac>@<domain>`, where `<id>` is an outbound message's UUID
 * without dashes (32 hex) and `<mac>` the first 16 hex digits (64 bits) of HMAC-SHA256(secret,
 * `<id>@<domain>`). A bounce to such an address names exactly the message and destination that bounced;
 * the MAC keeps anyone from making us accept mail for ids they guess. An address is valid for
 * {@link VERP_VALIDITY_SECONDS} after its message was created.
 *
 * Pure, WebCrypto only: runs in the Worker (issues and checks them) and in Node (tests, the bridge's
 * pattern check).
 */

/** 7 days: a DSN normally arrives within the sending MTA's 5-day queue lifetime plus a margin. */
export const VERP_VALIDITY_SECONDS = 7 * 86_400;

const LOCAL = /^b_([0-9a-f]{32})_([0-9a-f]{16})$/;

/** The parts of a VERP address. `id` is the outbound message's UUID (with dashes). */
export interface VerpParts {
  id: string;
  mac: string;
  domain: string;
}

const encoder = new TextEncoder();

async function mac(secret: string, idHex: string, domain: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${idHex}@${domain}`)));
  return [...sig.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The return path for outbound message `id` at `domain`.
 * @param id a UUID (dashes optional)
 * @example await verpAddress(secret, "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10", "veilmail.test") // "b_0b6f…9a10_3f9c…@veilmail.test"
 */
export async function verpAddress(secret: string, id: string, domain: string): Promise<string> {
  const idHex = id.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(idHex)) throw new TypeError("verpAddress: id must be a UUID");
  const d = domain.toLowerCase();
  return `b_${idHex}_${await mac(secret, idHex, d)}@${d}`;
}

/**
 * Splits a VERP address (case-insensitive) without checking its MAC.
 * @returns null when `address` does not have the `b_<32 hex>_<16 hex>@domain` shape
 */
export function parseVerp(address: string): VerpParts | null {
  const at = address.lastIndexOf("@");
  if (at <= 0) return null;
  const m = LOCAL.exec(address.slice(0, at).toLowerCase());
  const domain = address.slice(at + 1).toLowerCase();
  if (!m || !domain) return null;
  const h = m[1]!;
  return { id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, mac: m[2]!, domain };
}

/** Whether the MAC of `parts` is the one `secret` gives (constant-time comparison). */
export async function verifyVerp(secret: string, parts: VerpParts): Promise<boolean> {
  const expected = await mac(secret, parts.id.replace(/-/g, ""), parts.domain);
  let diff = expected.length ^ parts.mac.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (parts.mac.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * Whether an address issued for a message created at `createdAt` has expired at `now`: valid for
 * [createdAt, createdAt + 7 days), expired from the 7-day mark on.
 */
export function isVerpExpired(createdAt: Date, now: Date): boolean {
  return now.getTime() >= createdAt.getTime() + VERP_VALIDITY_SECONDS * 1000;
}
