/**
 * The bridge's end-of-DATA policy and reply delivery over real sockets: who may reply (allowed senders,
 * SPF/DKIM/DMARC with mailauth), To/Cc checks, token lookups, bounces and loops, and what is reported.
 * The Worker is replaced by a fake directory, reporter and reverse-alias client; DNS by a static zone
 * (public DNS is outside this machine). Everything else is real: smtp-server, spool, transform, DKIM,
 * nodemailer, a real SMTP sink as relay.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BounceInfo, ReplyPlan, ResolveResponse, ReverseAliasesRequest } from "../../common/internal-api.js";
import { DnsLookupError, type DnsResolver, staticResolver } from "../../bridge/dns/resolver.js";
import { createLogger } from "../../bridge/log.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { MailError } from "../../bridge/mail/errors.js";
import { REPLIES } from "../../bridge/mail/replies.js";
import type { ReverseAliasClient } from "../../bridge/resolve/reverse-aliases.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { sendMail } from "../helpers/smtp.js";
import { answers, DKIM_KEY, fakeDirectory, fakeReporter, forwardPlan, sinkAt, sinkMessages, spoolFiles, tempDir, testConfig, waitFor } from "./support.js";

const OK = { code: 250, enhanced: "2.1.5", message: "OK" };
const RETURN_PATH = "b_0b6f3a526d2c4a519a435f1d1e7c9a10_0123456789abcdef@alias.test";
const plan = (destination: string): ReplyPlan => ({
  aliasId: "alias-shop", aliasEmail: "shop@alias.test", userId: "user-1", destination, fromName: "Shop", signingDomain: "alias.test",
  allowedSenders: ["owner@owner.test", "x@strict.test", "x@flaky.test"], ownerAddresses: ["owner@owner.test", "x@strict.test", "x@flaky.test", "old@owner.test"],
  returnPath: RETURN_PATH,
});
const reply = (destination: string): ResolveResponse => ({ action: "reply", reply: OK, plan: plan(destination) });
const ALICE = "shop+alice=sender.test@alias.test";
const BOB = "shop+bob=sender.test@alias.test";
const TOKEN = "shop+t_abcdefghijkl@alias.test";
const BOUNCE: BounceInfo = { outboundId: "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10", emailType: "F", aliasId: "alias-fwd", userId: "user-1", recipientId: "rcp-1", destination: "jane@real.test" };
const VERP = "b_0b6f3a526d2c4a519a435f1d1e7c9a10_fedcba9876543210@alias.test";

/** DNS: owner.test passes SPF for 127.0.0.1 with DMARC; strict.test allows only 192.0.2.1; flaky.test's DMARC lookup times out. */
function dns(): DnsResolver {
  const zone = staticResolver({ txt: {
    "owner.test": ["v=spf1 ip4:127.0.0.1 -all"], "_dmarc.owner.test": ["v=DMARC1; p=reject"],
    "strict.test": ["v=spf1 ip4:192.0.2.1 -all"], "_dmarc.strict.test": ["v=DMARC1; p=reject"],
    "flaky.test": ["v=spf1 ip4:127.0.0.1 -all"],
  } });
  return { ...zone, async txt(name) {
    if (name === "_dmarc.flaky.test") throw new DnsLookupError(name, true, "SERVFAIL");
    return zone.txt(name);
  } };
}

let spool: Awaited<ReturnType<typeof tempDir>>;
let out: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let bridge: RunningBridge;
let reporter: ReturnType<typeof fakeReporter>;
let lookups: ReverseAliasesRequest[];
let tokensDown: boolean;

beforeEach(async () => {
  spool = await tempDir("reply-spool");
  out = await tempDir("reply-sink");
  sink = await sinkAt(out.dir);
  reporter = fakeReporter();
  lookups = [];
  tokensDown = false;
  const reverseAliases: ReverseAliasClient = {
    async lookup(req) {
      lookups.push(req);
      if (tokensDown) throw new MailError("resolve", REPLIES.directoryUnavailable, { detail: "fake outage" });
      return { encoded: [], decoded: (req.decode ?? []).map((a) => ({ address: a, aliasId: a === TOKEN ? "alias-shop" : null, sender: a === TOKEN ? "carol@sender.test" : null })) };
    },
  };
  bridge = await startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_FROM: "no-reply@notify.test" }), {
    directory: fakeDirectory({
      [ALICE]: reply("alice@sender.test"), [BOB]: reply("bob@sender.test"),
      "fwd@alias.test": answers.forward(forwardPlan("fwd@alias.test", ["jane@real.test"])),
      "mixed@alias.test": answers.forward(forwardPlan("mixed@alias.test", ["jane@real.test"], { droppedRecipients: [{ id: "rcp-9", email: "inbox@alias.test" }] })),
      "circle@alias.test": { action: "discard", reply: OK, aliasId: "alias-circle", userId: "user-1", reason: "loop" },
      [VERP]: { action: "bounce", reply: OK, bounce: BOUNCE, plan: forwardPlan("fwd@alias.test", ["jane@real.test"]) },
    }),
    reporter, reverseAliases, resolver: dns(),
    signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }), log: createLogger("silent", "mx1"),
  });
});
afterEach(async () => {
  await bridge.stop();
  await sink.close();
  await spool.cleanup();
  await out.cleanup();
});

const message = (from: string, to: string[], extra: string[] = [], body = "Thanks! Write to owner@owner.test.") => [
  `From: Owner <${from}>`, `To: ${to.join(", ")}`, "Subject: Re: hello", "Message-ID: <m1@owner.test>", ...extra, "", body, "",
].join("\r\n");
const sendAs = (from: string, rcpts: string[], data: string) => sendMail(bridge.port, { from, to: rcpts, data });
const delivered = () => sinkMessages(out.dir);
const settle = () => waitFor("spool empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);

describe("replies that may go out", () => {
  it("a reply from an allowed, authenticated sender goes to the correspondent from the alias, and counts once as replied", async () => {
    const r = await sendAs("owner@owner.test", [ALICE], message("owner@owner.test", [ALICE], ["In-Reply-To: <orig@sender.test>"]));
    expect(r.data?.code).toBe(250);
    await settle();
    const [msg] = await delivered();
    expect(msg).toMatchObject({ mailFrom: RETURN_PATH, rcptTo: ["alice@sender.test"] });
    expect(msg!.eml.toString().toLowerCase()).not.toContain("owner@owner.test");
    expect(msg!.eml.toString()).toContain("From: Shop <shop@alias.test>");
    expect(reporter.events.map((e) => [e.kind, e.aliasId, e.outboundId])).toEqual([["replied", "alias-shop", BOUNCE.outboundId]]);
  });

  it("a reply-all reaches both correspondents and is one reply; a token-form Cc is looked up once and decoded", async () => {
    const data = message("owner@owner.test", [ALICE], [`Cc: ${BOB}, ${TOKEN}`, "In-Reply-To: <orig@sender.test>"]);
    expect((await sendAs("owner@owner.test", [ALICE, BOB], data)).data?.code).toBe(250);
    await settle();
    const msgs = await delivered();
    expect(msgs.map((m) => m.rcptTo[0]).sort()).toEqual(["alice@sender.test", "bob@sender.test"]);
    for (const m of msgs) expect(m.eml.toString()).toContain("Cc: bob@sender.test, carol@sender.test");
    expect(lookups).toEqual([{ encode: [], decode: [TOKEN] }]);
    expect(reporter.events.map((e) => e.kind)).toEqual(["replied"]);
  });

  it("without In-Reply-To it is a send", async () => {
    expect((await sendAs("owner@owner.test", [ALICE], message("owner@owner.test", [ALICE]))).data?.code).toBe(250);
    await settle();
    expect(reporter.events.map((e) => e.kind)).toEqual(["sent"]);
  });
});

describe("replies that must not go out: accepted, nothing sent, recorded", () => {
  it.each([
    ["SPF fails and DMARC says reject", "x@strict.test", [ALICE], [], "unauthenticated", "5.7.26"],
    ["the sender is not allowed to reply", "old@owner.test", [ALICE], [], "sender-not-allowed", "5.7.1"],
    ["a Cc is a real address", "owner@owner.test", [ALICE], ["Cc: dave@sender.test"], "not-reverse-alias", "5.7.1"],
  ] as const)("%s", async (_name, from, to, extra, reason, status) => {
    const r = await sendAs(from, [ALICE], message(from, [...to], [...extra]));
    expect(r.data?.code).toBe(250);
    await waitFor("the refusal reported", () => reporter.events.length > 0);
    await settle();
    expect(await delivered()).toEqual([]);
    expect(reporter.events).toHaveLength(1);
    expect(reporter.events[0]).toMatchObject({ kind: "refused", reason, status, aliasId: "alias-shop", destination: "alice@sender.test", emailType: "S" });
  });

  it("a DNS failure during the checks is a 451 (the sender retries); nothing is spooled", async () => {
    const r = await sendAs("x@flaky.test", [ALICE], message("x@flaky.test", [ALICE]));
    expect(r.data).toMatchObject({ code: 451 });
    expect(r.data!.text).toContain("4.4.3");
    expect(await spoolFiles(spool.dir, "state")).toEqual([]);
  });

  it("the Worker unreachable for a token lookup is a 451 4.3.0; nothing is spooled", async () => {
    tokensDown = true;
    const r = await sendAs("owner@owner.test", [ALICE], message("owner@owner.test", [ALICE], [`Cc: ${TOKEN}`]));
    expect(r.data).toMatchObject({ code: 451 });
    expect(r.data!.text).toContain("4.3.0");
    expect(await spoolFiles(spool.dir, "state")).toEqual([]);
  });
});

describe("VERP addresses", () => {
  it("a DSN becomes one bounced event for the outbound message; nothing is forwarded", async () => {
    const dsn = ["From: MAILER-DAEMON@real.test", `To: ${VERP}`, "Subject: failure", "MIME-Version: 1.0",
      "Content-Type: multipart/report; report-type=delivery-status; boundary=Z", "", "--Z", "Content-Type: message/delivery-status", "",
      "Reporting-MTA: dns; mx.real.test", "", "Final-Recipient: rfc822; jane@real.test", "Action: failed", "Status: 5.2.2",
      "Diagnostic-Code: smtp; 552 5.2.2 mailbox full", "", "--Z--", ""].join("\r\n");
    expect((await sendMail(bridge.port, { from: "", to: [VERP], data: dsn })).data?.code).toBe(250);
    await waitFor("the bounce reported", () => reporter.events.length > 0);
    expect(reporter.events[0]).toMatchObject({
      kind: "bounced", outboundId: BOUNCE.outboundId, aliasId: "alias-fwd", emailType: "F", status: "5.2.2", bounceType: "hard",
      remoteMta: "mx.real.test", destination: "jane@real.test", sender: "<>",
    });
    await settle();
    expect(await delivered()).toEqual([]);
  });

  it("an auto-reply is forwarded to the alias's recipient", async () => {
    const data = ["From: Alice <alice@sender.test>", `To: ${VERP}`, "Subject: Out of office", "Auto-Submitted: auto-replied", "", "Away.", ""].join("\r\n");
    expect((await sendMail(bridge.port, { from: "", to: [VERP], data })).data?.code).toBe(250);
    await settle();
    expect((await delivered()).map((m) => m.rcptTo)).toEqual([["jane@real.test"]]);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });
});

describe("loops", () => {
  const hops = (n: number) => Array.from({ length: n }, (_, i) => `Received: from h${i}.test by h${i + 1}.test; Mon, 2 Mar 2026 10:00:00 +0000`);
  const plain = (head: string[] = []) => [...head, "From: a@sender.test", "To: fwd@alias.test", "Subject: hi", "", "hi", ""].join("\r\n");

  it("accepts 30 Received hops and refuses 31 with 554 5.4.6 at the end of DATA", async () => {
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: ["fwd@alias.test"], data: plain(hops(30)) })).data?.code).toBe(250);
    const r = await sendMail(bridge.port, { from: "a@sender.test", to: ["fwd@alias.test"], data: plain(hops(31)) });
    expect(r.data?.code).toBe(554);
    expect(r.data!.text).toContain("5.4.6");
  });

  it("mail from our notification address or a VERP address to an alias is dropped and recorded as a loop", async () => {
    for (const from of ["no-reply@notify.test", VERP]) {
      expect((await sendMail(bridge.port, { from, to: ["fwd@alias.test"], data: plain() })).data?.code).toBe(250);
    }
    await waitFor("two loop records", () => reporter.events.length >= 2);
    await settle();
    expect(await delivered()).toEqual([]);
    expect(reporter.events.map((e) => [e.kind, e.reason, e.status])).toEqual([["refused", "loop", "5.4.6"], ["refused", "loop", "5.4.6"]]);
  });

  it("recipients that are our own aliases are recorded, the others still get the message; a loop discard is recorded", async () => {
    expect((await sendMail(bridge.port, { from: "a@sender.test", to: ["mixed@alias.test", "circle@alias.test"], data: plain() })).data?.code).toBe(250);
    await settle();
    expect((await delivered()).map((m) => m.rcptTo)).toEqual([["jane@real.test"]]);
    expect(reporter.events.map((e) => [e.kind, e.reason ?? null, e.destination ?? null]).sort()).toEqual([
      ["forwarded", null, null], ["refused", "loop", null], ["refused", "loop", "inbox@alias.test"],
    ]);
  });
});
