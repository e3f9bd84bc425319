/**
 * DKIM key material: generating a signing key and the DNS TXT record that publishes it
 * (RFC 6376 §3.6.1 key record, `<selector>._domainkey.<domain> TXT "v=DKIM1; k=rsa; p=…"`).
 * Used by the dev stack (key generation) and `admin dkim:show` (the record to publish).
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";

/** RSA modulus size; RFC 8301 §3.2 requires at least 1024 and recommends 2048 bits. */
export const DKIM_RSA_BITS = 2048;

/**
 * Generates an RSA 2048 DKIM signing key.
 *
 * @returns the private key as PKCS#8 PEM, and the TXT record value for it.
 * @example const { privateKey, publicKeyTxt } = generateDkimKey(); // publicKeyTxt: 'v=DKIM1; k=rsa; p=MIIB…'
 */
export function generateDkimKey(): { privateKey: string; publicKeyTxt: string } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: DKIM_RSA_BITS,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKeyTxt: dkimTxtRecord(privateKey) };
}

/**
 * The DKIM key record for a private key: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo DER>`.
 *
 * @param privateKeyPem an RSA private key, PEM (PKCS#1 or PKCS#8).
 * @throws Error when the PEM cannot be read or the key is not RSA.
 * @example dkimTxtRecord(readFileSync('dkim.pem', 'utf8'))
 */
export function dkimTxtRecord(privateKeyPem: string): string {
  const publicKey = createPublicKey(privateKeyPem);
  if (publicKey.asymmetricKeyType !== "rsa") {
    throw new Error(`dkimTxtRecord: expected an RSA key, got ${publicKey.asymmetricKeyType ?? "unknown"}`);
  }
  const der = publicKey.export({ type: "spki", format: "der" });
  return `v=DKIM1; k=rsa; p=${der.toString("base64")}`;
}
