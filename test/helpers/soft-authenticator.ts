/**
 * A software WebAuthn authenticator for unit tests (no browser): makes ES256, RS256 or EdDSA key
 * pairs with Node's crypto, and produces the JSON a browser's `navigator.credentials.create()` /
 * `.get()` would hand the page, with a minimal CBOR encoder for the attestation object and COSE key.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 256) return [(major << 5) | 24, n];
  if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
  return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Encodes CBOR (definite lengths; integers, strings, byte strings, arrays, maps in insertion order). */
export function encodeCbor(v: Cbor): Uint8Array {
  const out: number[] = [];
  const put = (x: Cbor) => {
    if (typeof x === "number") out.push(...(x >= 0 ? head(0, x) : head(1, -1 - x)));
    else if (typeof x === "string") { const b = Buffer.from(x, "utf8"); out.push(...head(3, b.length), ...b); }
    else if (x instanceof Uint8Array) out.push(...head(2, x.length), ...x);
    else if (Array.isArray(x)) { out.push(...head(4, x.length)); x.forEach(put); }
    else { out.push(...head(5, x.size)); for (const [k, val] of x) { put(k); put(val); } }
  };
  put(v);
  return Uint8Array.from(out);
}

const b64u = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();

export type Alg = "ES256" | "RS256" | "EdDSA";

export class SoftAuthenticator {
  readonly credentialId = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  counter = 0;
  private readonly privateKey: KeyObject;
  readonly cose: Map<number, Cbor>;

  constructor(readonly alg: Alg, readonly rpId: string, readonly origin: string) {
    if (alg === "ES256") {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = publicKey.export({ format: "jwk" });
      this.privateKey = privateKey;
      this.cose = new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, "base64url")], [-3, Buffer.from(jwk.y!, "base64url")]]);
    } else if (alg === "RS256") {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const jwk = publicKey.export({ format: "jwk" });
      this.privateKey = privateKey;
      this.cose = new Map<number, Cbor>([[1, 3], [3, -257], [-1, Buffer.from(jwk.n!, "base64url")], [-2, Buffer.from(jwk.e!, "base64url")]]);
    } else {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const jwk = publicKey.export({ format: "jwk" });
      this.privateKey = privateKey;
      this.cose = new Map<number, Cbor>([[1, 1], [3, -8], [-1, 6], [-2, Buffer.from(jwk.x!, "base64url")]]);
    }
  }

  private authData(flags: number, attested: boolean, rpId = this.rpId): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([flags]), counter];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), len, this.credentialId, Buffer.from(encodeCbor(this.cose)));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** What `create()` returns, as JSON; `tamper` makes one part wrong. */
  register(challenge: string, tamper: { rpId?: string; origin?: string; type?: string; flags?: number } = {}) {
    const authData = this.authData(tamper.flags ?? 0x45, true, tamper.rpId);
    const attestationObject = encodeCbor(new Map<string, Cbor>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    const id = b64u(this.credentialId);
    return {
      id, rawId: id, type: "public-key", clientExtensionResults: {},
      response: { clientDataJSON: b64u(this.clientData(tamper.type ?? "webauthn.create", challenge, tamper.origin)), attestationObject: b64u(attestationObject), transports: ["internal"] },
    };
  }

  /** What `get()` returns, as JSON; the counter goes up by one unless `keepCounter`. */
  assert(challenge: string, tamper: { origin?: string; badSignature?: boolean; keepCounter?: boolean } = {}) {
    if (!tamper.keepCounter) this.counter++;
    const authData = this.authData(0x05, false);
    const clientData = this.clientData("webauthn.get", challenge, tamper.origin);
    const data = Buffer.concat([authData, sha256(clientData)]);
    let signature = this.alg === "EdDSA" ? sign(null, data, this.privateKey) : sign("sha256", data, this.privateKey);
    if (tamper.badSignature) signature = Buffer.from(signature.map((b, i) => (i === 10 ? b ^ 1 : b)));
    const id = b64u(this.credentialId);
    return {
      id, rawId: id, type: "public-key", clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(signature) },
    };
  }
}
