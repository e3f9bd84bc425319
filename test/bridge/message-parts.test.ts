/**
 * Outgoing messages as parts (bridge/mail/message-parts.ts): the stream the transport sends and the
 * signer hashes, and that a prepared forward passes the spooled body through as views of it (an
 * attachment is never copied between the spool and the socket) while its signature still verifies.
 * DNS for the DKIM check is a table (the key record would live in public DNS).
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { dkimVerify } from "mailauth";
import { describe, expect, it } from "vitest";
import {
  JOIN_BELOW_BYTES, joinParts, lineEndingOf, messageParts, partsSource, partsStream, prependPart, SLICE_BYTES,
} from "../../bridge/mail/message-parts.js";
import type { Envelope } from "../../bridge/mail/types.js";
import { prepareTarget } from "../../bridge/pipeline/prepare.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { DKIM_KEY, forwardPlan } from "./support.js";

async function streamed(parts: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of partsStream(messageParts(...parts))) out.push(chunk as Buffer);
  return out;
}

describe("message parts", () => {
  it("streams every part in order, in slices of at most 64 KiB that are views of the parts", async () => {
    const big = randomBytes(3 * SLICE_BYTES + 5);
    const parts = [Buffer.from("head\r\n\r\n"), Buffer.alloc(0), big, Buffer.from("tail\r\n")];
    const chunks = await streamed(parts);
    expect(Buffer.concat(chunks).equals(Buffer.concat(parts))).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(SLICE_BYTES);
    expect(chunks.filter((c) => c.buffer === big.buffer).length).toBe(4); // the large part was sliced, not copied
    // A new stream starts from the beginning (one per delivery attempt).
    expect(Buffer.concat(await streamed(parts)).equals(Buffer.concat(parts))).toBe(true);
  });

  it("join, prepend, size and the first line's ending", () => {
    const m = messageParts(Buffer.from("Subject: x\r"), Buffer.from("\nbody\n"));
    expect(m.size).toBe(17);
    expect(lineEndingOf(m)).toBe("\r\n"); // the CR ends one part, the LF starts the next
    expect(lineEndingOf(messageParts(Buffer.from("Subject: x\nbody\n")))).toBe("\n");
    expect(lineEndingOf(messageParts(Buffer.from("no line end")))).toBe("\r\n");
    const signed = prependPart(Buffer.from("DKIM-Signature: x\r\n"), m);
    expect(signed.size).toBe(m.size + 19);
    expect(joinParts(signed).toString()).toBe("DKIM-Signature: x\r\nSubject: x\r\nbody\n");
    // What mailauth and nodemailer get: a small message joined, a large one as a stream of its parts.
    expect(Buffer.isBuffer(partsSource(signed))).toBe(true);
    expect(partsSource(messageParts(Buffer.alloc(JOIN_BELOW_BYTES)))).toBeInstanceOf(Readable);
  });

  it("a prepared forward keeps a 2 MiB attachment as a view of the spooled bytes, and its signature verifies", async () => {
    const attachment = randomBytes(1.5 * 1024 * 1024).toString("base64").replace(/.{76}/g, "$&\r\n");
    const raw = Buffer.from([
      "From: Alice <alice@sender.test>", "To: shop@alias.test", "Subject: parts", "Message-ID: <parts-1@sender.test>",
      "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
      "--b1", "Content-Type: text/plain; charset=utf-8", "", "See the file.", "",
      "--b1", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", attachment, "--b1--", "",
    ].join("\r\n"));
    const plan = forwardPlan("shop@alias.test", ["jane@real.test"], {
      display: { fromFormat: 0, bannerLocation: "top", useReplyTo: false, aliasDescription: null },
    });
    const envelope: Envelope = { mailFrom: "alice@sender.test", clientIp: "192.0.2.1", heloName: "c.test", receivedAt: new Date().toISOString(), receivedBy: "mx1" };
    const signer = createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey });
    const out = await prepareTarget(raw, { kind: "forward", rcptTo: "shop@alias.test", plan }, envelope, signer, new Date());

    expect(out.parts[0]!.toString()).toMatch(/^DKIM-Signature: /);
    const copied = out.parts.filter((p) => p.buffer !== raw.buffer).reduce((n, p) => n + p.length, 0);
    expect(copied).toBeLessThan(16 * 1024); // signature, header block and the text part with the banner
    expect(out.parts.some((p) => p.buffer === raw.buffer && p.includes(attachment.slice(0, 1000)))).toBe(true);

    const whole = joinParts(out);
    expect(whole.length).toBe(out.size);
    expect(whole.toString("latin1")).toContain(`${attachment}\r\n--b1--\r\n`);
    const resolver = async (name: string, rr: string) => {
      if (rr === "TXT" && name === "s1._domainkey.example.test") return [[dkimTxtRecord(DKIM_KEY.privateKey)]];
      throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const dkim = await dkimVerify(whole, { resolver: resolver as never });
    expect(dkim.results.map((r) => r.status.result)).toEqual(["pass"]);
  });
});
