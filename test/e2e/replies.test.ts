/**
 * Replies, sends, bounces and loops over the whole local stack (MariaDB, Worker in workerd, both bridges
 * as processes, the dev sink), driven by swaks as the owner's and the world's mail servers. The dev sink
 * is every destination (RELAY_URL): the correspondent's copy is told apart by its envelope recipient.
 * Only DNS is faked, as in `npm run dev`: the shipped dev zone (scripts/stack/dev-zone.json: SPF for
 * 127.0.0.1 and DMARC p=reject for the demo recipient's domain example.com) plus `nodmarc.example`, a
 * domain with SPF but no DMARC record. A "forged" message comes from 127.0.0.2, which no SPF allows.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { and, eq } from "drizzle-orm";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVerp } from "../../common/verp.js";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { createDb, type Db } from "../../db/client.js";
import { aliases, failedDeliveries, outboundMessages, recipients, usernames } from "../../db/schema/index.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { type OutboxMessage, readOutbox, startTestStack, swaks, waitForOutbox, withMarker } from "../helpers/stack.js";

const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
let stack: Stack & { dataDir: string };
let db: Db;
let userId: string;
const OWNER = "demo@example.com";
const mx1 = () => `127.0.0.1:${stack.info.mx[0]!.port}`;
const marker = (p: string) => `${p}-${randomBytes(5).toString("hex")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startTestStack({}, { txt: { "nodmarc.example": ["v=spf1 ip4:127.0.0.1 -all"] } });
  db = createDb(stack.databaseUrl);
  const [row] = await db.select({ userId: usernames.userId }).from(usernames).where(eq(usernames.username, "demo"));
  userId = row!.userId!;
  const t = new Date(Math.floor(Date.now() / 1000) * 1000);
  const r = (email: string, verified: boolean, canReplySend = true) =>
    ({ id: crypto.randomUUID(), userId, email, emailVerifiedAt: verified ? t : null, canReplySend, createdAt: t, updatedAt: t });
  await db.insert(recipients).values([
    r("unverified@example.com", false), r("noreplies@example.com", true, false), r("jo@nodmarc.example", true),
  ]);
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** Sends `subject` from alice to `alias` and returns the forward the owner got. */
async function forwardToOwner(alias: string, subject: string): Promise<{ msg: OutboxMessage; replyTo: string; messageId: string }> {
  const sent = await swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", alias,
    "--header", `Subject: ${subject}`, "--header", "From: Alice <alice@sender.example>",
    "--header", `Message-Id: <${randomBytes(6).toString("hex")}@sender.example>`, "--body", "Hello from Alice"]);
  expect(sent.code, sent.transcript).toBe(0);
  const [msg] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
  const parsed = await PostalMime.parse(msg!.raw);
  return { msg: msg!, replyTo: parsed.replyTo![0]!.address!, messageId: parsed.messageId! };
}

/** The owner (or someone pretending) answers through `reverseAlias`. */
function ownerSends(reverseAlias: string, subject: string, opts: { from?: string; mailFrom?: string; via?: string; inReplyTo?: string; body?: string } = {}) {
  const from = opts.from ?? OWNER;
  return swaks([
    "--server", mx1(), "--from", opts.mailFrom ?? from, "--to", reverseAlias, ...(opts.via ? ["--local-interface", opts.via] : []),
    "--header", `From: Demo Person <${from}>`, "--header", `Subject: ${subject}`,
    ...(opts.inReplyTo ? ["--header", `In-Reply-To: ${opts.inReplyTo}`, "--header", `References: ${opts.inReplyTo}`] : []),
    "--body", opts.body ?? "Thanks!",
  ]);
}

const failuresOf = async (alias: string) => {
  const [a] = await db.select({ id: aliases.id }).from(aliases).where(eq(aliases.email, alias));
  return a ? db.select().from(failedDeliveries).where(eq(failedDeliveries.aliasId, a.id)) : [];
};
async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}
const toCorrespondent = (subject: string, rcpt = "alice@sender.example") =>
  withMarker(readOutbox(stack.info.outboxDir), subject).filter((m) => m.envelope.rcptTo.includes(rcpt));

describe("forward → reply", () => {
  it("the correspondent gets the reply from the alias, DKIM-signed, with no trace of the owner's address in the raw bytes", async () => {
    const subject = marker("reply");
    const fwd = await forwardToOwner("shop@demo.veilmail.test", subject);
    expect(fwd.replyTo).toBe("shop+alice=sender.example@demo.veilmail.test");
    const body = [
      "Thanks Alice, noted. You can also write to demo@example.com or DEMO@Example.com.", "",
      `On Monday, Alice <${fwd.replyTo}> wrote:`,
      "> This email was sent to shop@demo.veilmail.test from alice@sender.example and has been forwarded by Veilmail.",
      "> X-Veilmail-Original-Sender: alice@sender.example", "> Hello from Alice", "",
      "--", "Demo Person <demo@example.com>",
    ].join("\n");
    const sent = await ownerSends(fwd.replyTo, `Re: ${subject}`, { inReplyTo: fwd.messageId, body });
    expect(sent.code, sent.transcript).toBe(0);

    const [reply] = await waitFor("the reply", async () => { const m = toCorrespondent(subject); return m.length ? m : null; });
    await sleep(1500);
    expect(toCorrespondent(subject)).toHaveLength(1);
    const raw = reply!.raw.toString("latin1");
    // Kept for reading (gitignored): the closing note quotes it.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}/reply-proof.eml`, reply!.raw);
    expect(raw.toLowerCase()).not.toContain(OWNER);
    expect(raw.toLowerCase()).not.toContain("example.com");
    // The owner's machine: swaks names it in its Message-Id and X-Mailer.
    expect(raw).not.toContain(`@${hostname()}>`);
    expect(raw.toLowerCase()).not.toContain("swaks");
    expect(raw).not.toMatch(/^(Received|X-Mailer|User-Agent|X-Originating-IP|X-Veilmail-[\w-]+):/im);
    expect(raw).not.toMatch(/forwarded by Veilmail/);
    expect(parseVerp(reply!.envelope.mailFrom)?.domain).toBe("veilmail.test");

    const parsed = await PostalMime.parse(reply!.raw);
    expect(parsed.from?.address).toBe("shop@demo.veilmail.test");
    expect(parsed.to?.map((t) => t.address)).toEqual(["alice@sender.example"]);
    expect(parsed.inReplyTo).toBe(fwd.messageId);
    expect(parsed.messageId).toMatch(/@demo\.veilmail\.test>$/);
    expect(parsed.text).toContain("write to shop@demo.veilmail.test or shop@demo.veilmail.test");
    expect(parsed.text).toContain("Alice <alice@sender.example> wrote");
    const txt = dkimTxtRecord(readFileSync(stack.info.dkimKeyFile, "utf8"));
    const { results } = await dkimVerify(reply!.raw, {
      resolver: async (name: string, type: string) => {
        if (type === "TXT" && name === "veilmail._domainkey.veilmail.test") return [[txt]];
        throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect(results.map((r) => [r.status.result, r.signingDomain])).toEqual([["pass", "veilmail.test"]]);
    await waitFor("the reply counted", async () => {
      const [a] = await db.select().from(aliases).where(eq(aliases.email, "shop@demo.veilmail.test"));
      return a!.emailsReplied === 1;
    });
  });

  it("a send (no In-Reply-To) to alias+bob=shop.example goes to bob from the alias and counts as sent", async () => {
    const subject = marker("send");
    await forwardToOwner("sendfrom@demo.veilmail.test", marker("create"));
    const sent = await ownerSends("sendfrom+bob=shop.example@demo.veilmail.test", subject, { body: "Hello Bob, this is demo@example.com." });
    expect(sent.code, sent.transcript).toBe(0);
    const [msg] = await waitFor("the send", async () => { const m = toCorrespondent(subject, "bob@shop.example"); return m.length ? m : null; });
    expect(msg!.raw.toString("latin1").toLowerCase()).not.toContain(OWNER);
    await waitFor("the send counted", async () => {
      const [a] = await db.select().from(aliases).where(eq(aliases.email, "sendfrom@demo.veilmail.test"));
      return a!.emailsSent === 1 && a!.emailsReplied === 0;
    });
  });
});

describe("forged or disallowed replies deliver nothing", () => {
  const cases: Array<{ name: string; alias: string; opts: Parameters<typeof ownerSends>[2]; status: string }> = [
    { name: "right From, wrong SPF (sent from 127.0.0.2)", alias: "forged1", opts: { via: "127.0.0.2" }, status: "5.7.26" },
    { name: "DMARC fail (SPF passes for another, unaligned domain)", alias: "forged2", opts: { mailFrom: "jo@nodmarc.example" }, status: "5.7.26" },
    { name: "an unverified recipient", alias: "forged3", opts: { from: "unverified@example.com" }, status: "5.7.1" },
    { name: "a recipient with replies disabled", alias: "forged4", opts: { from: "noreplies@example.com" }, status: "5.7.1" },
    { name: "no DMARC record and SPF fails", alias: "forged5", opts: { from: "jo@nodmarc.example", via: "127.0.0.2" }, status: "5.7.26" },
  ];
  for (const c of cases) {
    it(`${c.name}: 250, nothing to the correspondent, one failed-delivery record, the owner told`, async () => {
      const subject = marker(c.alias);
      const alias = `${c.alias}@demo.veilmail.test`;
      await forwardToOwner(alias, marker("create"));
      const sent = await ownerSends(`${c.alias}+alice=sender.example@demo.veilmail.test`, subject, c.opts);
      expect(sent.code, sent.transcript).toBe(0);
      expect(sent.transcript).toMatch(/<- +250 2\.0\.0/);
      const [record] = await waitFor("the failed delivery", async () => { const f = await failuresOf(alias); return f.length ? f : null; });
      expect(record).toMatchObject({ emailType: "S", status: c.status, destination: "alice@sender.example" });
      const notice = await waitFor("the owner's notice", async () => readOutbox(stack.info.outboxDir)
        .find((m) => m.envelope.rcptTo.includes(OWNER) && m.raw.includes(`A message from ${alias} was not sent`)));
      expect(notice.envelope.mailFrom).toMatch(/^b_[0-9a-f]{32}_[0-9a-f]{16}@veilmail\.test$/);
      await sleep(1000);
      expect(toCorrespondent(subject)).toEqual([]);
      expect(await failuresOf(alias)).toHaveLength(1);
    });
  }

  it("no DMARC record, SPF aligned and passing: allowed", async () => {
    const subject = marker("nodmarc-ok");
    await forwardToOwner("aligned@demo.veilmail.test", marker("create"));
    const sent = await ownerSends("aligned+alice=sender.example@demo.veilmail.test", subject, { from: "jo@nodmarc.example" });
    expect(sent.code, sent.transcript).toBe(0);
    await waitFor("the send", async () => toCorrespondent(subject).length === 1);
  });
});

describe("bounces", () => {
  const dsn = (verp: string, failed: string) => [
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>", `To: ${verp}`, "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0", 'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn1"', "",
    "--dsn1", "Content-Type: text/plain", "", "I'm sorry to have to inform you that your message could not be delivered.", "",
    "--dsn1", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.example.com", "",
    `Final-Recipient: rfc822; ${failed}`, "Action: failed", "Status: 5.1.1", "Remote-MTA: dns; mx.example.com",
    `Diagnostic-Code: smtp; 550 5.1.1 <${failed}>: Recipient address rejected: User unknown`, "",
    "--dsn1--", "",
  ].join("\r\n");
  const sendDsn = (verp: string, text: string) => {
    const file = `${stack.dataDir}/dsn-${randomBytes(3).toString("hex")}.eml`;
    writeFileSync(file, text);
    return swaks(["--server", mx1(), "--from", "<>", "--to", verp, "--data", `@${file}`]);
  };

  it("a DSN for a forwarded message produces one failed-delivery record and one notification", async () => {
    const alias = "bounce-me@demo.veilmail.test";
    const first = await forwardToOwner(alias, marker("fwd"));
    const verp = first.msg.envelope.mailFrom;
    expect(parseVerp(verp)).not.toBeNull();
    await waitFor("forward counted", async () => (await db.select().from(aliases).where(eq(aliases.email, alias)))[0]?.emailsForwarded === 1);
    const sent = await sendDsn(verp, dsn(verp, OWNER));
    expect(sent.code, sent.transcript).toBe(0);
    const [record] = await waitFor("the failed delivery", async () => { const f = await failuresOf(alias); return f.length ? f : null; });
    expect(record).toMatchObject({ emailType: "F", bounceType: "hard", status: "5.1.1", remoteMta: "mx.example.com", destination: OWNER });
    const notices = () => readOutbox(stack.info.outboxDir).filter((m) => m.raw.includes(`Undelivered mail for ${alias}`));
    await waitFor("the notice", async () => notices().length > 0);
    expect((await db.select().from(aliases).where(eq(aliases.email, alias)))[0]!.emailsForwarded).toBe(0);

    // Another bounce for the same alias within the hour: recorded, not notified again.
    const second = await forwardToOwner(alias, marker("fwd2"));
    expect((await sendDsn(second.msg.envelope.mailFrom, dsn(second.msg.envelope.mailFrom, OWNER))).code).toBe(0);
    await waitFor("the second record", async () => (await failuresOf(alias)).length === 2);
    await sleep(1500);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.envelope.rcptTo).toEqual([OWNER]);
  });

  it("a bounce of our own notification is recorded and notifies nobody", async () => {
    const notice = readOutbox(stack.info.outboxDir).find((m) => m.raw.includes("Undelivered mail for bounce-me@"));
    expect(notice).toBeDefined();
    const before = readOutbox(stack.info.outboxDir).length;
    expect((await sendDsn(notice!.envelope.mailFrom, dsn(notice!.envelope.mailFrom, OWNER))).code).toBe(0);
    await waitFor("the N record", async () => (await db.select().from(failedDeliveries)
      .where(and(eq(failedDeliveries.userId, userId), eq(failedDeliveries.emailType, "N")))).length === 1);
    await sleep(1500);
    expect(readOutbox(stack.info.outboxDir)).toHaveLength(before);
  });

  it("an auto-reply to a VERP address is forwarded to the owner like mail to the alias", async () => {
    const fwd = await forwardToOwner("vacation@demo.veilmail.test", marker("fwd"));
    const subject = marker("ooo");
    const sent = await swaks(["--server", mx1(), "--from", "<>", "--to", fwd.msg.envelope.mailFrom,
      "--header", `Subject: Out of office ${subject}`, "--header", "From: Alice <alice@sender.example>", "--header", "Auto-Submitted: auto-replied"]);
    expect(sent.code, sent.transcript).toBe(0);
    const [msg] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
    expect(msg!.envelope.rcptTo).toEqual([OWNER]);
  });

  it("an expired or forged VERP address is refused at RCPT with 550 5.1.1", async () => {
    const fwd = await forwardToOwner("old@demo.veilmail.test", marker("fwd"));
    const verp = fwd.msg.envelope.mailFrom;
    const forged = verp.replace(/_([0-9a-f])([0-9a-f]{15})@/, (_, ch: string, rest: string) => `_${ch === "a" ? "b" : "a"}${rest}@`);
    const refusedForged = await swaks(["--server", mx1(), "--from", "<>", "--to", forged]);
    expect(refusedForged.transcript).toMatch(/<\*\* +550 5\.1\.1/);
    await db.update(outboundMessages).set({ createdAt: new Date(Date.now() - 8 * 86_400_000) }).where(eq(outboundMessages.id, parseVerp(verp)!.id));
    const refused = await swaks(["--server", mx1(), "--from", "<>", "--to", verp]);
    expect(refused.code).not.toBe(0);
    expect(refused.transcript).toMatch(/RCPT TO:<b_[\s\S]*<\*\* +550 5\.1\.1/);
  });
});

describe("loops", () => {
  it("more than 30 Received hops: 554 5.4.6 at the end of DATA, nothing delivered", async () => {
    const subject = marker("hops");
    const hops = Array.from({ length: 31 }, (_, i) => ["--add-header", `Received: from hop${i}.example by hop${i + 1}.example; Mon, 2 Mar 2026 10:00:00 +0000`]).flat();
    const sent = await swaks(["--server", mx1(), "--from", "alice@sender.example", "--to", "loop@demo.veilmail.test", "--header", `Subject: ${subject}`, ...hops]);
    expect(sent.transcript).toMatch(/<\*\* +554 5\.4\.6/);
    await sleep(1000);
    expect(withMarker(readOutbox(stack.info.outboxDir), subject)).toEqual([]);
  });

  it("mail from our own notification address to an alias is accepted, dropped, recorded and told", async () => {
    const subject = marker("ours");
    const sent = await swaks(["--server", mx1(), "--from", "no-reply@veilmail.test", "--to", "circle@demo.veilmail.test", "--header", `Subject: ${subject}`]);
    expect(sent.code, sent.transcript).toBe(0);
    const [record] = await waitFor("the loop record", async () => { const f = await failuresOf("circle@demo.veilmail.test"); return f.length ? f : null; });
    expect(record).toMatchObject({ status: "5.4.6", emailType: "F" });
    await waitFor("the notice", async () => readOutbox(stack.info.outboxDir).some((m) => m.raw.includes("Mail loop stopped for circle@demo.veilmail.test")));
    expect(withMarker(readOutbox(stack.info.outboxDir), subject)).toEqual([]);
  });
});
