/**
 * DKIM signing on worker threads (bridge/sign/threaded-signer.ts): the same signature as in-process
 * signing, messages from many callers at once each get their own, large messages are signed in the
 * caller's thread, and a thread that dies fails only its messages, temporarily, and is replaced.
 * DNS is faked (the key record would live in public DNS, outside this machine).
 */
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailError } from "../../bridge/mail/errors.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { dkimTxtRecord, generateDkimKey } from "../../bridge/sign/keys.js";
import { createThreadedSigner, type ThreadedSigner } from "../../bridge/sign/threaded-signer.js";
import { onBuffers } from "../helpers/message-parts.js";

const SELECTOR = "vm1";
let key: { privateKey: string; publicKeyTxt: string };
let signer: ThreadedSigner;

const message = (subject: string, bodyBytes = 200) => Buffer.from(
  `From: Alice <alice@sender.example>\r\nTo: shop@demo.veil.example\r\nSubject: ${subject}\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n`
  + `Message-ID: <${subject}@sender.example>\r\n\r\n${"x".repeat(bodyBytes)}\r\n`,
);

async function verify(signed: Buffer, domain: string) {
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype === "TXT" && name.toLowerCase() === `${SELECTOR}._domainkey.${domain}`) return [[key.publicKeyTxt]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
  };
  const { results } = await dkimVerify(signed, { resolver });
  return results.map((r) => ({ result: r.status.result, domain: r.signingDomain }));
}

beforeAll(() => {
  key = generateDkimKey();
  expect(dkimTxtRecord).toBeTypeOf("function");
  signer = createThreadedSigner({ selector: SELECTOR, privateKey: key.privateKey, threads: 2, inlineAboveBytes: 64 * 1024 });
});
afterAll(async () => { await signer?.close(); });

describe("createThreadedSigner", () => {
  it("makes the same signature as signing in-process, and it verifies", async () => {
    const m = message("same");
    const threaded = await onBuffers(signer.sign)(m, "demo.veil.example");
    const inline = await onBuffers(createDkimSigner({ selector: SELECTOR, privateKey: key.privateKey }))(m, "demo.veil.example");
    // t= is the signing time in seconds and b= signs it: a second boundary between the two signatures
    // changes both, so compare with them blanked (test/bridge/mailauth-signer.test.ts pins b= itself).
    const noTime = (b: Buffer) => b.toString().replace(/t=\d+;/, "t=;").replace(/ b=[^;]*?\r\n(?![ \t])/, " b=\r\n");
    expect(noTime(threaded)).toBe(noTime(inline));
    expect(await verify(threaded, "demo.veil.example")).toEqual([{ result: "pass", domain: "demo.veil.example" }]);
  });

  it("gives each of 40 concurrent messages its own signature for its own domain", async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => ({ m: message(`many-${i}`), d: `u${i % 5}.veil.example` }));
    const signed = await Promise.all(jobs.map((j) => onBuffers(signer.sign)(j.m, j.d)));
    for (const [i, s] of signed.entries()) {
      expect(s.subarray(s.length - jobs[i]!.m.length).equals(jobs[i]!.m)).toBe(true);
      expect(await verify(s, jobs[i]!.d)).toEqual([{ result: "pass", domain: jobs[i]!.d }]);
    }
  });

  it("signs a message above the inline threshold too (in the calling thread)", async () => {
    const big = message("big", 200 * 1024);
    expect(await verify(await onBuffers(signer.sign)(big, "demo.veil.example"), "demo.veil.example")).toEqual([{ result: "pass", domain: "demo.veil.example" }]);
  });

  it("refuses a key that is not RSA at creation", () => {
    expect(() => createThreadedSigner({ selector: SELECTOR, privateKey: "not a key", threads: 1 })).toThrow();
  });

  it("fails the messages of a thread that dies with a temporary 451 4.3.0, and keeps signing on a new thread", async () => {
    const one = createThreadedSigner({ selector: SELECTOR, privateKey: key.privateKey, threads: 1 });
    try {
      // Reach into the pool only to kill its thread, as a crash would.
      const { Worker } = await import("node:worker_threads");
      const terminate = Worker.prototype.postMessage;
      let victim: InstanceType<typeof Worker> | undefined;
      Worker.prototype.postMessage = function (this: InstanceType<typeof Worker>, value: unknown) {
        victim = this;
        return terminate.call(this, value);
      };
      const pending = onBuffers(one.sign)(message("dies"), "demo.veil.example");
      Worker.prototype.postMessage = terminate;
      await victim!.terminate();
      const err = await pending.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MailError);
      expect((err as MailError).temporary).toBe(true);
      expect((err as MailError).smtpCode).toBe(451);
      const after = await onBuffers(one.sign)(message("after"), "demo.veil.example");
      expect(await verify(after, "demo.veil.example")).toEqual([{ result: "pass", domain: "demo.veil.example" }]);
    } finally {
      await one.close();
    }
  });
});
