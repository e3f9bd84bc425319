/**
 * COSE public keys (RFC 9052 §7, RFC 9053) as WebAuthn authenticators deliver them, checked and
 * used with WebCrypto. Supported: ES256 (EC2, P-256), RS256 (RSA PKCS#1 v1.5 with SHA-256) and EdDSA
 * (OKP, Ed25519): what the registration options offer (`pubKeyCredParams`).
 */
import { type CborValue, decodeCbor } from "./cbor.js";

export const COSE_ALG = { EdDSA: -8, ES256: -7, RS256: -257 } as const;

/** A decoded key: its algorithm and how to import it. */
type ParsedKey =
  | { alg: -7; x: Uint8Array; y: Uint8Array }
  | { alg: -257; n: Uint8Array; e: Uint8Array }
  | { alg: -8; x: Uint8Array };

const bytesOf = (m: Map<number | string, CborValue>, label: number): Uint8Array | null => {
  const v = m.get(label);
  return v instanceof Uint8Array ? v : null;
};

/**
 * Reads a COSE_Key and checks it is one we accept (RFC 9053 §2.1 / §7.1, RFC 8230 §4, RFC 8812 §3).
 * @throws Error naming what is wrong
 */
export function parseCoseKey(cose: Uint8Array | Map<number | string, CborValue>): ParsedKey {
  const m = cose instanceof Uint8Array ? decodeCbor(cose) : cose;
  if (!(m instanceof Map)) throw new Error("public key is not a COSE map");
  const kty = m.get(1);
  const alg = m.get(3);
  if (kty === 2 && alg === COSE_ALG.ES256) {
    const x = bytesOf(m, -2);
    const y = bytesOf(m, -3);
    if (m.get(-1) !== 1 || x?.length !== 32 || y?.length !== 32) throw new Error("ES256 key must be P-256 with 32-byte x and y");
    return { alg: -7, x, y };
  }
  if (kty === 3 && alg === COSE_ALG.RS256) {
    const n = bytesOf(m, -1);
    const e = bytesOf(m, -2);
    if (!n || n.length < 256 || !e || e.length === 0 || e.length > 8) throw new Error("RS256 key needs a modulus of at least 2048 bits");
    return { alg: -257, n, e };
  }
  if (kty === 1 && alg === COSE_ALG.EdDSA) {
    const x = bytesOf(m, -2);
    if (m.get(-1) !== 6 || x?.length !== 32) throw new Error("EdDSA key must be Ed25519 with a 32-byte x");
    return { alg: -8, x };
  }
  throw new Error(`unsupported key type ${String(kty)} / algorithm ${String(alg)}`);
}

const b64u = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Reads one DER TLV with `tag` at `pos` (short or one-byte long form). @returns its value and the next position */
function derItem(buf: Uint8Array, pos: number, tag: number): { value: Uint8Array; next: number } {
  if (buf[pos] !== tag) throw new Error("bad ECDSA signature encoding");
  let len = buf[pos + 1] ?? 0;
  let start = pos + 2;
  if (len & 0x80) {
    if ((len & 0x7f) !== 1) throw new Error("bad ECDSA signature length");
    len = buf[pos + 2] ?? 0;
    start = pos + 3;
  }
  if (start + len > buf.length) throw new Error("truncated ECDSA signature");
  return { value: buf.subarray(start, start + len), next: start + len };
}

/** A DER INTEGER as 32 big-endian bytes (leading zero bytes dropped, then left-padded). */
function fixed32(int: Uint8Array): Uint8Array {
  let v = int;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  if (v.length > 32) throw new Error("ECDSA integer too long");
  const out = new Uint8Array(32);
  out.set(v, 32 - v.length);
  return out;
}

/**
 * ECDSA signatures come DER-encoded (`SEQUENCE { INTEGER r, INTEGER s }`, WebAuthn §6.5.5); WebCrypto
 * wants `r || s`, each 32 bytes for P-256.
 * @throws Error for anything that is not exactly such a DER structure
 */
export function derToRaw(der: Uint8Array): Uint8Array {
  const seq = derItem(der, 0, 0x30);
  if (seq.next !== der.length) throw new Error("trailing bytes after ECDSA signature");
  const r = derItem(seq.value, 0, 0x02);
  const s = derItem(seq.value, r.next, 0x02);
  if (s.next !== seq.value.length) throw new Error("trailing bytes in ECDSA signature");
  const out = new Uint8Array(64);
  out.set(fixed32(r.value), 0);
  out.set(fixed32(s.value), 32);
  return out;
}

/**
 * Verifies `signature` over `data` with a COSE public key.
 * @returns false for a wrong signature or a malformed one
 */
export async function verifyCoseSignature(cose: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = parseCoseKey(cose);
  try {
    if (key.alg === -7) {
      const raw = new Uint8Array(65);
      raw[0] = 4;
      raw.set(key.x, 1);
      raw.set(key.y, 33);
      const k = await crypto.subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k, derToRaw(signature) as BufferSource, data as BufferSource);
    }
    if (key.alg === -257) {
      const jwk = { kty: "RSA", n: b64u(key.n), e: b64u(key.e), alg: "RS256", ext: true };
      const k = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
      return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", k, signature as BufferSource, data as BufferSource);
    }
    const k = await crypto.subtle.importKey("raw", key.x as BufferSource, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, k, signature as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}
