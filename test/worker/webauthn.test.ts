/**
 * The WebAuthn verifier (worker/auth/webauthn/) against a software authenticator for each key type we
 * offer (ES256, RS256, EdDSA), and every check that must refuse: challenge, origin, RP id, ceremony
 * type, user presence, signature, counter, credential id, malformed CBOR. The browser-level test with
 * chromium's virtual authenticator is test/e2e/passkeys.test.ts.
 */
import { describe, expect, it } from "vitest";
import { decodeCbor } from "../../worker/auth/webauthn/cbor.js";
import { derToRaw } from "../../worker/auth/webauthn/cose.js";
import { type RelyingParty, creationOptions, newChallenge, verifyAuthentication, verifyRegistration } from "../../worker/auth/webauthn/ceremonies.js";
import { type Alg, SoftAuthenticator, encodeCbor } from "../helpers/soft-authenticator.js";

const rp: RelyingParty = { id: "dash.example", origin: "https://dash.example", name: "Veilmail" };

describe.each(["ES256", "RS256", "EdDSA"] as Alg[])("%s", (alg) => {
  it("registers, then authenticates with an increasing counter", async () => {
    const auth = new SoftAuthenticator(alg, rp.id, rp.origin);
    const challenge = newChallenge();
    const cred = await verifyRegistration(auth.register(challenge), challenge, rp);
    expect(cred.id).toBe(Buffer.from(auth.credentialId).toString("base64url"));
    expect(cred.transports).toEqual(["internal"]);
    const c2 = newChallenge();
    const counter = await verifyAuthentication(auth.assert(c2), c2, rp, cred);
    expect(counter).toBe(1);
    const c3 = newChallenge();
    await expect(verifyAuthentication(auth.assert(c3, { badSignature: true }), c3, rp, { ...cred, counter })).rejects.toThrow(/signature/);
  });
});

describe("refusals", () => {
  const auth = new SoftAuthenticator("ES256", rp.id, rp.origin);
  const challenge = newChallenge();

  it.each([
    ["another challenge", () => verifyRegistration(auth.register(newChallenge()), challenge, rp), /challenge/],
    ["another origin", () => verifyRegistration(auth.register(challenge, { origin: "https://evil.example" }), challenge, rp), /origin/],
    ["another RP id", () => verifyRegistration(auth.register(challenge, { rpId: "evil.example" }), challenge, rp), /another site/],
    ["a get() answer", () => verifyRegistration(auth.register(challenge, { type: "webauthn.get" }), challenge, rp), /type/],
    ["no user presence", () => verifyRegistration(auth.register(challenge, { flags: 0x44 }), challenge, rp), /presence/],
  ])("registration with %s", async (_, run, why) => {
    await expect(run()).rejects.toThrow(why);
  });

  it("authentication with another origin, a replayed counter, or another credential", async () => {
    const cred = await verifyRegistration(auth.register(challenge), challenge, rp);
    const c = newChallenge();
    await expect(verifyAuthentication(auth.assert(c, { origin: "https://evil.example" }), c, rp, cred)).rejects.toThrow(/origin/);
    const first = await verifyAuthentication(auth.assert(c), c, rp, cred);
    await expect(verifyAuthentication(auth.assert(c, { keepCounter: true }), c, rp, { ...cred, counter: first })).rejects.toThrow(/counter/);
    const other = new SoftAuthenticator("ES256", rp.id, rp.origin);
    await expect(verifyAuthentication(other.assert(c), c, rp, cred)).rejects.toThrow(/expected credential/);
  });

  it("offers the three algorithms and a 32-byte challenge", () => {
    const o = creationOptions(rp, { id: "u1", name: "jane" }, []);
    expect(o.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(Buffer.from(o.challenge, "base64url")).toHaveLength(32);
  });
});

describe("CBOR and DER", () => {
  it("round-trips what the authenticator encodes and refuses malformed input", () => {
    const m = decodeCbor(encodeCbor(new Map<number | string, never>([[1, 2 as never], ["a", "b" as never]])));
    expect(m).toEqual(new Map<number | string, unknown>([[1, 2], ["a", "b"]]));
    expect(() => decodeCbor(Uint8Array.from([0x5f]))).toThrow(/unsupported/);
    expect(() => decodeCbor(Uint8Array.from([0x42, 1]))).toThrow(/truncated/);
    expect(() => decodeCbor(Uint8Array.from([0x01, 0x02]))).toThrow(/trailing/);
    expect(() => decodeCbor(Uint8Array.from([0xa2, 1, 1, 1, 1]))).toThrow(/duplicate/);
    expect(() => decodeCbor(Uint8Array.from([0xf9, 0, 0]))).toThrow(/float/);
  });

  it("turns a DER ECDSA signature into r || s", () => {
    const der = Uint8Array.from([0x30, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x01, 0x02]);
    const raw = derToRaw(der);
    expect(raw[31]).toBe(0x81);
    expect([raw[62], raw[63]]).toEqual([1, 2]);
    expect(() => derToRaw(Uint8Array.from([0x30, 0x03, 0x02, 0x01]))).toThrow();
  });
});
