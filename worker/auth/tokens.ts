/**
 * API tokens. A token is `vm` + 46 random alphanumerics (48 characters), which the addy.io browser
 * extension accepts (40–60 characters of `[A-Za-z0-9]`). Only its SHA-256 (hex) is stored.
 */
import { sha256Hex } from "../../common/signature.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `n` characters from `alphabet`, uniformly (rejection sampling avoids modulo bias). */
export function randomString(n: number, alphabet: string = ALPHABET): string {
  const out: string[] = [];
  const limit = 256 - (256 % alphabet.length);
  while (out.length < n) {
    for (const byte of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (byte < limit && out.length < n) out.push(alphabet[byte % alphabet.length]!);
    }
  }
  return out.join("");
}

/** A new plain token (show it once) and the hash to store. */
export async function newApiToken(): Promise<{ token: string; hash: string }> {
  const token = `vm${randomString(46)}`;
  return { token, hash: await sha256Hex(token) };
}
