/**
 * The dashboard's keys, all derived from one secret (`APP_SECRET`, see worker/env.ts) with HKDF-SHA256
 * (RFC 5869) and a label per use, so a key for one purpose can never verify or decrypt for another:
 *
 * | use     | algorithm          | protects |
 * |---------|--------------------|----------|
 * | `csrf`  | HMAC-SHA256        | form tokens bound to a session or a visitor cookie |
 * | `links` | HMAC-SHA256        | signed links in mail (verification, reset, newsletter) |
 * | `totp`  | AES-256-GCM        | TOTP secrets at rest |
 *
 * Keys are cached per isolate and secret.
 */
const encoder = new TextEncoder();
const cache = new Map<string, Promise<CryptoKey>>();

export type MacUse = "csrf" | "links";

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Inverse of {@link toBase64Url}; null for anything that is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function derive(secret: string, use: MacUse | "totp"): Promise<CryptoKey> {
  const id = `${use}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = (async () => {
      const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
      const params = { name: "HKDF", hash: "SHA-256", salt: encoder.encode("veilmail dashboard"), info: encoder.encode(`veilmail ${use}`) };
      return use === "totp"
        ? crypto.subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        : crypto.subtle.deriveKey(params, ikm, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]);
    })();
    cache.set(id, key);
  }
  return key;
}

/** HMAC-SHA256 of `data` under the key for `use`, base64url. */
export async function mac(secret: string, use: MacUse, data: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await derive(secret, use), encoder.encode(data));
  return toBase64Url(new Uint8Array(sig));
}

/** Checks a {@link mac} in constant time (WebCrypto's verify); false for malformed input. */
export async function verifyMac(secret: string, use: MacUse, data: string, signature: string): Promise<boolean> {
  const sig = fromBase64Url(signature);
  if (!sig || sig.length !== 32) return false;
  return crypto.subtle.verify("HMAC", await derive(secret, use), sig as BufferSource, encoder.encode(data));
}

/** AES-256-GCM encryption with a random 96-bit IV; output `<iv>.<ciphertext+tag>` in base64url. */
export async function encryptSecret(secret: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await derive(secret, "totp"), encoder.encode(plaintext));
  return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

/** Inverse of {@link encryptSecret}; null when the value was tampered with or made under another key. */
export async function decryptSecret(secret: string, sealed: string): Promise<string | null> {
  const [ivText, ctText] = sealed.split(".");
  const iv = fromBase64Url(ivText ?? "");
  const ct = fromBase64Url(ctText ?? "");
  if (!iv || !ct || iv.length !== 12) return null;
  try {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource }, await derive(secret, "totp"), ct as BufferSource);
    return new TextDecoder().decode(pt);
  } catch {
    return null;
  }
}
