/**
 * WebAuthn registration and authentication for the relying party (W3C WebAuthn Level 3 §7.1 and
 * §7.2), as a second factor after the password: user presence is required, user verification is
 * preferred but not required. We ask for no attestation (`attestation: "none"`), so the attestation
 * statement is not evaluated (§7.1 steps 21–24 with "none": the key is trusted on first use, bound to
 * the signed-in account).
 *
 * Written for this project instead of using @simplewebauthn/server: that library runs in workerd, but
 * its attestation-certificate code (@peculiar/x509, asn1, reflect-metadata) cannot be tree-shaken and
 * added about 143 KB gzipped to a Worker whose budget is 300 KB. Supported keys: cose.ts.
 */
import { fromBase64Url, toBase64Url } from "../keys.js";
import { type CborValue, decodeCbor, decodeFirst } from "./cbor.js";
import { COSE_ALG, parseCoseKey, verifyCoseSignature } from "./cose.js";

/** Where ceremonies happen: `id` the host of the dashboard, `origin` its origin, `name` shown by browsers. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** A stored credential, as verification needs it. */
export interface StoredCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
}

const FLAG = { UP: 0x01, AT: 0x40, ED: 0x80 } as const;
const TIMEOUT_MS = 120_000;

/** A fresh challenge: 32 random bytes, base64url (§13.4.3: at least 16). */
export const newChallenge = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

/** `PublicKeyCredentialCreationOptions` as JSON (binary fields base64url; the page's script decodes them). */
export function creationOptions(rp: RelyingParty, user: { id: string; name: string }, exclude: { id: string; transports: string[] }[]) {
  return {
    challenge: newChallenge(),
    rp: { id: rp.id, name: rp.name },
    user: { id: toBase64Url(new TextEncoder().encode(user.id)), name: user.name, displayName: user.name },
    pubKeyCredParams: [COSE_ALG.EdDSA, COSE_ALG.ES256, COSE_ALG.RS256].map((alg) => ({ type: "public-key", alg })),
    timeout: TIMEOUT_MS,
    attestation: "none",
    excludeCredentials: exclude.map((c) => ({ type: "public-key", id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  };
}

/** `PublicKeyCredentialRequestOptions` as JSON, allowing the account's credentials only. */
export function requestOptions(rp: RelyingParty, allow: { id: string; transports: string[] }[]) {
  return {
    challenge: newChallenge(),
    rpId: rp.id,
    timeout: TIMEOUT_MS,
    userVerification: "preferred",
    allowCredentials: allow.map((c) => ({ type: "public-key", id: c.id, transports: c.transports })),
  };
}

const fail = (why: string): never => {
  throw new Error(why);
};

const b64 = (value: unknown, what: string): Uint8Array => (typeof value === "string" ? fromBase64Url(value) : null) ?? fail(`${what} is not base64url`);

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Checks clientDataJSON (§7.1 steps 5–11 / §7.2 steps 9–15). @returns its bytes, to be hashed */
function checkClientData(json: unknown, type: "webauthn.create" | "webauthn.get", challenge: string, rp: RelyingParty): Uint8Array {
  const bytes = b64(json, "clientDataJSON");
  let data: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return fail("clientDataJSON is not JSON");
  }
  if (data.type !== type) fail(`clientData type is ${String(data.type)}, not ${type}`);
  if (data.challenge !== challenge) fail("the challenge does not match");
  if (data.origin !== rp.origin) fail(`the origin ${String(data.origin)} is not ${rp.origin}`);
  if (data.crossOrigin === true) fail("cross-origin ceremonies are not accepted");
  return bytes;
}

/** Parses authenticator data (§6.1) and checks the RP id hash and user presence. */
async function checkAuthData(authData: Uint8Array, rp: RelyingParty) {
  if (authData.length < 37) fail("authenticator data is too short");
  if (!same(authData.subarray(0, 32), await sha256(new TextEncoder().encode(rp.id)))) fail("the credential is for another site (RP id hash)");
  const flags = authData[32]!;
  if (!(flags & FLAG.UP)) fail("the authenticator did not confirm user presence");
  const counter = new DataView(authData.buffer, authData.byteOffset + 33, 4).getUint32(0);
  return { flags, counter };
}

/**
 * Verifies a registration (`navigator.credentials.create()` result as JSON).
 * @returns the new credential to store
 * @throws Error saying what failed
 */
export async function verifyRegistration(response: Record<string, any>, expectedChallenge: string, rp: RelyingParty): Promise<StoredCredential & { transports: string[] }> {
  if (response?.type !== "public-key") fail("not a public-key credential");
  checkClientData(response.response?.clientDataJSON, "webauthn.create", expectedChallenge, rp);
  const att = decodeCbor(b64(response.response?.attestationObject, "attestationObject"));
  if (!(att instanceof Map)) return fail("the attestation object is not a map");
  const authData = att.get("authData");
  if (!(authData instanceof Uint8Array)) return fail("the attestation object has no authData");
  const { flags, counter } = await checkAuthData(authData, rp);
  if (!(flags & FLAG.AT)) fail("no credential in the authenticator data");
  if (authData.length < 55) fail("the attested credential data is truncated");
  const idLength = (authData[53]! << 8) | authData[54]!;
  const credentialId = authData.subarray(55, 55 + idLength);
  if (credentialId.length !== idLength || idLength === 0 || idLength > 1023) fail("bad credential id length");
  const { value: key, end } = decodeFirst(authData, 55 + idLength);
  if (!(flags & FLAG.ED) && end !== authData.length) fail("trailing bytes after the credential public key");
  parseCoseKey(key as Map<number | string, CborValue>);
  const id = toBase64Url(credentialId);
  if (response.id !== id || response.rawId !== id) fail("the credential id does not match the authenticator data");
  const transports = Array.isArray(response.response?.transports) ? response.response.transports.filter((t: unknown): t is string => typeof t === "string").slice(0, 8) : [];
  return { id, publicKey: authData.slice(55 + idLength, end), counter, transports };
}

/**
 * Verifies an assertion (`navigator.credentials.get()` result as JSON) against the stored credential.
 * @returns the authenticator's new signature counter
 * @throws Error saying what failed (including a counter that did not increase: a cloned authenticator, §6.1.1)
 */
export async function verifyAuthentication(response: Record<string, any>, expectedChallenge: string, rp: RelyingParty, credential: StoredCredential): Promise<number> {
  if (response?.type !== "public-key" || response.id !== credential.id || response.rawId !== credential.id) fail("not the expected credential");
  const clientData = checkClientData(response.response?.clientDataJSON, "webauthn.get", expectedChallenge, rp);
  const authData = b64(response.response?.authenticatorData, "authenticatorData");
  const { counter } = await checkAuthData(authData, rp);
  const signed = new Uint8Array(authData.length + 32);
  signed.set(authData, 0);
  signed.set(await sha256(clientData), authData.length);
  if (!(await verifyCoseSignature(credential.publicKey, signed, b64(response.response?.signature, "signature")))) fail("the signature does not verify");
  if ((counter !== 0 || credential.counter !== 0) && counter <= credential.counter) fail("the signature counter did not increase");
  return counter;
}
