/**
 * The sign stage: DKIM signatures made by createDkimSigner verify with mailauth's verifier, and break when
 * the signed message changes. DNS is faked (a table answering the selector's TXT record) because the key
 * record would live in public DNS, outside this machine.
 */
import { createPublicKey, createVerify, createSign } from "node:crypto";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { MailError } from "../../bridge/mail/errors.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { createThreadedSigner } from "../../bridge/sign/threaded-signer.js";
import { dkimTxtRecord, generateDkimKey } from "../../bridge/sign/keys.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { fixtureContext, fixturePlan, readIncoming } from "../helpers/golden.js";
import { onBuffers } from "../helpers/message-parts.js";

const SELECTOR = "vm1";
const DOMAIN = "johndoe.veil.example";
let key: { privateKey: string; publicKeyTxt: string };

/** Fake DNS: only `<selector>._domainkey.<domain> TXT` exists; anything else is NXDOMAIN. */
function fakeResolver(records: Record<string, string>) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    const txt = rrtype === "TXT" ? records[name.toLowerCase()] : undefined;
    if (txt === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return [[txt]];
  };
}

async function verify(message: Buffer): Promise<Array<{ result: string; domain: string; comment?: string }>> {
  const resolver = fakeResolver({ [`${SELECTOR}._domainkey.${DOMAIN}`]: key.publicKeyTxt });
  const { results } = await dkimVerify(message, { resolver });
  return results.map((r) => {
    const comment = (r.status as { comment?: string }).comment;
    return { result: r.status.result, domain: r.signingDomain, ...(comment ? { comment } : {}) };
  });
}

async function forwarded(name: string): Promise<Buffer> {
  const raw = readIncoming(name);
  return forwardMessage(raw, await parseHeaderFields(raw), fixturePlan(), fixtureContext());
}

beforeAll(() => {
  key = generateDkimKey();
});

describe("createDkimSigner", () => {
  it.each(["plain-text", "attachment", "non-ascii-8bit", "cc-reply-all", "dkim-arc-removed"])(
    "%s: the signed forward verifies (d= the signing domain, relaxed/relaxed, rsa-sha256)",
    async (name) => {
      const message = await forwarded(name);
      const signed = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(message, DOMAIN);
      expect(signed.subarray(signed.length - message.length).equals(message)).toBe(true);
      const raw = signed.subarray(0, signed.length - message.length).toString();
      expect(raw.endsWith("\r\n")).toBe(true);
      const field = raw.replace(/\r\n[ \t]+/g, " "); // unfolded
      expect(field).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=johndoe\.veil\.example;/);
      expect(field).toMatch(/h=[^;]*From[^;]*;/);
      expect(field).toMatch(/h=[^;]*Feedback-ID[^;]*;/);
      expect(await verify(signed)).toEqual([{ result: "pass", domain: DOMAIN }]);
    },
  );

  it("fails verification when one body byte changes after signing", async () => {
    const signed = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(await forwarded("attachment"), DOMAIN);
    const tampered = Buffer.from(signed);
    const at = tampered.lastIndexOf("Your invoice is attached.");
    tampered[at] = "y".charCodeAt(0);
    // mailauth reports a body-hash mismatch (RFC 6376 §6.1.3 PERMFAIL) as "neutral" with this comment.
    expect(await verify(tampered)).toEqual([{ result: "neutral", domain: DOMAIN, comment: "body hash did not verify" }]);
  });

  it("fails verification when a signed header changes after signing", async () => {
    const signed = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(await forwarded("plain-text"), DOMAIN);
    const tampered = Buffer.from(signed.toString("latin1").replace("Subject: Your order has shipped", "Subject: Your order has shipped!"), "latin1");
    expect(await verify(tampered)).toEqual([{ result: "fail", domain: DOMAIN, comment: "bad signature" }]);
  });

  it("does not verify against another domain's key (the fake DNS has none for it)", async () => {
    const signed = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(await forwarded("plain-text"), "other.example");
    expect((await verify(signed))[0]?.result).not.toBe("pass");
  });

  it("rejects with a temporary sign-stage MailError when no signature comes back", async () => {
    const sign = onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }));
    const err = await sign(Buffer.alloc(0), DOMAIN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailError);
    expect(err).toMatchObject({ stage: "sign", smtpCode: 451, enhanced: "4.3.0", temporary: true });
  });

  it("refuses an unreadable key at creation (a configuration error)", () => {
    expect(() => createDkimSigner({ selector: SELECTOR, privateKey: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----" })).toThrow();
  });
});

describe("DKIM keys", () => {
  it("generateDkimKey makes an RSA 2048 key whose TXT record is v=DKIM1; k=rsa; p=<SPKI DER>", () => {
    expect(key.publicKeyTxt).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    expect(dkimTxtRecord(key.privateKey)).toBe(key.publicKeyTxt);
    const der = Buffer.from(key.publicKeyTxt.split("p=")[1]!, "base64");
    const publicKey = createPublicKey({ key: der, format: "der", type: "spki" });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The published key belongs to the private key: a signature by one verifies with the other.
    const signature = createSign("sha256").update("probe").sign(key.privateKey);
    expect(createVerify("sha256").update("probe").verify(publicKey, signature)).toBe(true);
  });

  it("dkimTxtRecord refuses a non-RSA key", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("ed25519", { privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(() => dkimTxtRecord(privateKey)).toThrow(/RSA/);
  });
});

describe("the signing time", () => {
  // mailauth, left to itself, reads the clock once for the header it signs and once for the header it
  // returns; a second boundary in between gave a t= that was not the signed one (0.6 % of signatures
  // made 100 at a time failed everywhere). Here every read of the clock moves it by a second.
  it("is read once: the signature verifies even when the clock moves while signing", async () => {
    const message = await forwarded("plain-text");
    let clock = Date.parse("2026-11-30T09:00:00.000Z");
    const now = vi.spyOn(Date, "now").mockImplementation(() => (clock += 1000));
    let signed: Buffer;
    try {
      signed = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(message, DOMAIN);
    } finally {
      now.mockRestore();
    }
    expect(await verify(signed)).toEqual([{ result: "pass", domain: DOMAIN }]);
  });

  it("is one per signature with 100 signed at once, in-process and on threads", async () => {
    const threaded = createThreadedSigner({ selector: SELECTOR, privateKey: key.privateKey, threads: 2 });
    try {
      const inline = onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }));
      const base = await forwarded("plain-text");
      const jobs = Array.from({ length: 100 }, (_, i) => Buffer.from(base.toString("latin1").replace(/^Subject: /m, `Subject: ${i} `), "latin1"));
      for (const sign of [inline, onBuffers(threaded.sign)]) {
        const signed = await Promise.all(jobs.map((m) => sign(m, DOMAIN)));
        const results = await Promise.all(signed.map(verify));
        expect(results.filter((r) => r[0]?.result !== "pass")).toEqual([]);
      }
    } finally {
      await threaded.close();
    }
  });
});
