/**
 * The signer that parses the DKIM key once (bridge/sign/mailauth-signer.mjs, behind createDkimSigner and
 * the signing threads) makes exactly the DKIM-Signature field that plain mailauth `dkimSign` makes for
 * the same message, time and key, and it verifies: CRLF and bare-LF messages, folded headers, and a large
 * multi-part message that is hashed as a stream of its parts. Plain mailauth is the reference, so a
 * drift from it (tags, h= order, canonicalisation, folding) fails here. DNS is faked (a table answering
 * the selector's TXT record) because the key record would live in public DNS, outside this machine.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { dkimSign } from "mailauth/lib/dkim/sign.js";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import type { DKIMSignOptions } from "mailauth";
import { beforeAll, describe, expect, it } from "vitest";
import { JOIN_BELOW_BYTES, joinParts, messageParts } from "../../bridge/mail/message-parts.js";
import type { MessageParts } from "../../bridge/mail/types.js";
import { SIGNED_FIELDS, createDkimSigner } from "../../bridge/sign/dkim.js";
import { generateDkimKey } from "../../bridge/sign/keys.js";
import { createMailauthSigner } from "../../bridge/sign/mailauth-signer.mjs";
import { createThreadedSigner } from "../../bridge/sign/threaded-signer.js";

const SELECTOR = "vm1";
const DOMAIN = "demo.veil.example";
let key: { privateKey: string; publicKeyTxt: string };

beforeAll(() => {
  key = generateDkimKey();
});

/** What plain mailauth 4.13.3 signs with: our settings, the key inside signatureData (TESTING.md). */
async function plainMailauth(message: Buffer, signTime: Date): Promise<string> {
  const options = {
    canonicalization: "relaxed/relaxed", algorithm: "rsa-sha256", headerList: SIGNED_FIELDS, signTime,
    signatureData: [{ signingDomain: DOMAIN, selector: SELECTOR, privateKey: key.privateKey, algorithm: "rsa-sha256", canonicalization: "relaxed/relaxed" }],
  } as unknown as DKIMSignOptions;
  const { signatures, errors } = await dkimSign(message, options);
  expect(errors).toEqual([]);
  return signatures;
}

async function verify(message: Buffer) {
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype === "TXT" && name.toLowerCase() === `${SELECTOR}._domainkey.${DOMAIN}`) return [[key.publicKeyTxt]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
  };
  const { results } = await dkimVerify(message, { resolver });
  return results.map((r) => ({ result: r.status.result, domain: r.signingDomain }));
}

const CRLF_MESSAGE = [
  "From: Alice <alice@sender.example>", "To: shop@demo.veil.example", "Subject: plain", "Date: Mon, 30 Nov 2026 09:00:00 +0000",
  "Message-ID: <plain@sender.example>", "Feedback-ID: f1:veilmail", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "",
  "Hello,  trailing spaces   ", "", "second paragraph", "", "",
].join("\r\n");

const FOLDED_MESSAGE = [
  "Received: from a by b; Mon, 30 Nov 2026 09:00:00 +0000",
  "From: \"Alice\n\tExample\" <alice@sender.example>",
  "to: shop@demo.veil.example,\n    other@demo.veil.example,\n\tthird@demo.veil.example",
  "Subject: a subject that was folded\n   over three\n\tlines  with   odd   spacing",
  "Cc: one@cc.example", "Cc: two@cc.example",
  "Date:   Mon, 30 Nov 2026 09:00:00 +0000  ", "Message-ID: <folded@sender.example>",
  "References: <a@x.example>\n <b@x.example>\n <c@x.example>", "", "body \t", "",
].join("\n").replace(/\n/g, "\r\n");

/** multipart/mixed: a text part and a ~1 MiB base64 attachment, so the signer hashes it as a stream. */
function largeMultipart(): Buffer {
  const b64 = randomBytes(768 * 1024).toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.from([
    "From: Alice <alice@sender.example>", "To: shop@demo.veil.example", "Subject: large", "Date: Mon, 30 Nov 2026 09:00:00 +0000",
    "Message-ID: <large@sender.example>", "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b1\"", "",
    "--b1", "Content-Type: text/plain; charset=utf-8", "", "See attached.", "",
    "--b1", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
    "Content-Disposition: attachment; filename=\"data.bin\"", "", b64, "--b1--", "",
  ].join("\r\n"));
}

/** The bytes cut into parts at awkward places (inside the header block, between CR and LF, …). */
function cut(message: Buffer, at: number[]): MessageParts {
  const bounds = [0, ...at, message.length];
  return messageParts(...bounds.slice(1).map((end, i) => message.subarray(bounds[i], end)));
}

const CASES: Array<[string, () => MessageParts]> = [
  ["CRLF", () => messageParts(Buffer.from(CRLF_MESSAGE))],
  ["bare LF", () => messageParts(Buffer.from(CRLF_MESSAGE.replace(/\r\n/g, "\n")))],
  ["folded and repeated headers", () => cut(Buffer.from(FOLDED_MESSAGE), [30, FOLDED_MESSAGE.indexOf("\r\n") + 1])],
  ["large multi-part, streamed", () => {
    const big = largeMultipart();
    const crlf = big.indexOf("\r\n", 300_000);
    return cut(big, [17, 200, 70_000, crlf + 1, 600_000]);
  }],
];

describe("createDkimSigner (key parsed once, ./mailauth-signer.mjs)", () => {
  it.each(CASES)("%s: the DKIM-Signature is plain mailauth's for the same time and key, and verifies", async (_name, make) => {
    const message = make();
    const raw = joinParts(message);
    const signed = joinParts(await createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey })(message, DOMAIN));
    expect(signed.subarray(signed.length - raw.length).equals(raw)).toBe(true);
    const field = signed.subarray(0, signed.length - raw.length).toString();

    const t = Number(/\bt=(\d+);/.exec(field)?.[1]);
    const eol = raw.includes("\r\n") ? "\r\n" : "\n";
    // b= is equal as well: RSASSA-PKCS1-v1_5 is deterministic, so equal fields mean equal signed bytes.
    expect(field).toBe((await plainMailauth(raw, new Date(t * 1000))).replace(/\r\n/g, eol));
    expect(await verify(signed)).toEqual([{ result: "pass", domain: DOMAIN }]);
  });

  it("the large case really is above the size at which the signer streams its parts", () => {
    expect(largeMultipart().length).toBeGreaterThan(JOIN_BELOW_BYTES);
  });

  it("signing threads make the same field as plain mailauth", async () => {
    const threaded = createThreadedSigner({ selector: SELECTOR, privateKey: key.privateKey, threads: 1 });
    try {
      for (const [, make] of CASES.slice(0, 3)) {
        const raw = joinParts(make());
        const signed = joinParts(await threaded.sign(messageParts(raw), DOMAIN));
        const field = signed.subarray(0, signed.length - raw.length).toString();
        const t = Number(/\bt=(\d+);/.exec(field)?.[1]);
        expect(field).toBe((await plainMailauth(raw, new Date(t * 1000))).replace(/\r\n/g, raw.includes("\r\n") ? "\r\n" : "\n"));
      }
    } finally {
      await threaded.close();
    }
  });
});

describe("createMailauthSigner", () => {
  it("signs many messages with one parsed key, each as plain mailauth would at the given time", async () => {
    const sign = createMailauthSigner({ selector: SELECTOR, privateKey: key.privateKey, headerList: SIGNED_FIELDS });
    const at = new Date("2026-11-30T09:00:00.700Z");
    for (let i = 0; i < 5; i++) {
      const raw = Buffer.from(CRLF_MESSAGE.replace("Subject: plain", `Subject: number ${i}`));
      expect(await sign(raw, DOMAIN, at)).toEqual({ signatures: await plainMailauth(raw, at), errors: [] });
    }
  });

  it("refuses a key that is not RSA, and one that cannot be read", () => {
    const { privateKey } = generateKeyPairSync("ed25519", { privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(() => createMailauthSigner({ selector: SELECTOR, privateKey, headerList: SIGNED_FIELDS })).toThrow(/RSA/);
    expect(() => createMailauthSigner({ selector: SELECTOR, privateKey: "not a key", headerList: SIGNED_FIELDS })).toThrow();
  });
});
