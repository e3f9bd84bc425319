/**
 * The bridge's half of Worker-originated mail: the poller claims, composes and spools; the queue runner
 * confirms the claim (ack) before the first delivery and delivers only then. The Worker's outbox is
 * replaced by an in-memory fake with the same token rule (only the current claim token can ack); the
 * real endpoints are covered by test/worker/outbox.test.ts and end to end by test/e2e/outbox.test.ts.
 * Everything else is real: file spool, DKIM signer, nodemailer, a real SMTP sink as relay.
 */
import { dkimVerify } from "mailauth";
import PostalMime from "postal-mime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboxMessage } from "../../common/internal-api.js";
import { createLogger } from "../../bridge/log.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import type { OutboxClient } from "../../bridge/outbox/client.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { DKIM_KEY, fakeDirectory, fakeReporter, sinkAt, sinkMessages, spoolFiles, tempDir, testConfig, waitFor } from "./support.js";

/** In-memory outbox: queued messages, claims with tokens, acks checked against the current token. */
function fakeOutbox() {
  const queued: OutboxMessage[] = [];
  const tokens = new Map<string, string>();
  const self = {
    queued,
    acks: 0,
    ackFailures: 0,
    /** Tokens to treat as superseded (another bridge reclaimed). */
    stolen: new Set<string>(),
    enqueue(id: string, to: string, subject: string) {
      queued.push({
        id, claimToken: "", to, subject, text: "Click the link.", html: null, category: "verification",
        userId: "user-1", aliasId: null, createdAt: "2026-01-01T00:00:00.000Z", returnPath: null,
      });
    },
    client: {
      async claim(limit) {
        return queued.splice(0, limit).map((m) => {
          const claimToken = crypto.randomUUID();
          tokens.set(m.id, claimToken);
          return { ...m, claimToken };
        });
      },
      async ack(items) {
        self.acks++;
        if (self.ackFailures > 0) {
          self.ackFailures--;
          throw new Error("Worker unreachable");
        }
        const acked: string[] = [];
        const lost: string[] = [];
        for (const i of items) (tokens.get(i.id) === i.claimToken && !self.stolen.has(i.id) ? acked : lost).push(i.id);
        return { acked, lost };
      },
    } satisfies OutboxClient,
  };
  return self;
}

let spool: Awaited<ReturnType<typeof tempDir>>;
let outboxDir: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let bridge: RunningBridge;
let outbox: ReturnType<typeof fakeOutbox>;
let reporter: ReturnType<typeof fakeReporter>;

beforeEach(async () => {
  spool = await tempDir("outbox-spool");
  outboxDir = await tempDir("outbox-sink");
  sink = await sinkAt(outboxDir.dir);
  outbox = fakeOutbox();
  reporter = fakeReporter();
  bridge = await startBridge(testConfig(spool.dir, {
    RELAY_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_FROM: "Veilmail <no-reply@notify.test>", OUTBOX_POLL_MS: "30",
    REPORT_RETRY: "100ms",
  }), {
    directory: fakeDirectory({}), reporter, outbox: outbox.client,
    signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }), log: createLogger("silent", "mx1"),
  });
});
afterEach(async () => {
  await bridge.stop();
  await sink.close();
  await spool.cleanup();
  await outboxDir.cleanup();
});

const dkimResolver = async (name: string, rr: string) => {
  if (rr === "TXT" && name === "s1._domainkey.notify.test") return [[dkimTxtRecord(DKIM_KEY.privateKey)]];
  throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
};

describe("outbox poller and claim confirmation", () => {
  it("delivers a claimed message once, composed from the no-reply address and signed for its domain", async () => {
    outbox.enqueue("11111111-1111-4111-8111-111111111111", "new.user@mailbox.test", "Verify your address");
    const [msg] = (await waitFor("delivery", async () => { const m = await sinkMessages(outboxDir.dir); return m.length ? m : null; }))!;
    expect(msg!.rcptTo).toEqual(["new.user@mailbox.test"]);
    expect(msg!.mailFrom).toBe("no-reply@notify.test");
    const parsed = await PostalMime.parse(msg!.eml);
    expect(parsed.from).toMatchObject({ name: "Veilmail", address: "no-reply@notify.test" });
    expect(parsed.subject).toBe("Verify your address");
    expect(parsed.messageId).toBe("<11111111-1111-4111-8111-111111111111@notify.test>");
    expect(parsed.date).toBe("2026-01-01T00:00:00.000Z");
    expect(parsed.headers.find((h) => h.key === "auto-submitted")?.value).toBe("auto-generated");
    const { results } = await dkimVerify(msg!.eml, { resolver: dkimResolver });
    expect(results.map((r) => [r.status.result, r.signingDomain])).toEqual([["pass", "notify.test"]]);
    await waitFor("spool emptied", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(await sinkMessages(outboxDir.dir)).toHaveLength(1);
    expect(reporter.events).toEqual([]);
  });

  it("delivers nothing when the Worker says the claim was lost to another bridge, and drops the entry", async () => {
    outbox.stolen.add("22222222-2222-4222-8222-222222222222");
    outbox.enqueue("22222222-2222-4222-8222-222222222222", "someone@mailbox.test", "Reset your password");
    await waitFor("ack asked", () => outbox.acks > 0);
    await waitFor("spool emptied", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await sinkMessages(outboxDir.dir)).toEqual([]);
    expect(reporter.events).toEqual([]);
  });

  it("keeps the message while the Worker cannot confirm the claim, and delivers it once confirmed", async () => {
    outbox.ackFailures = 2;
    outbox.enqueue("33333333-3333-4333-8333-333333333333", "later@mailbox.test", "Welcome");
    await waitFor("two failed acks", () => outbox.acks >= 2);
    expect(await sinkMessages(outboxDir.dir)).toEqual([]);
    expect(await spoolFiles(spool.dir, "state")).toHaveLength(1);
    const msgs = (await waitFor("delivery", async () => { const m = await sinkMessages(outboxDir.dir); return m.length ? m : null; }))!;
    expect(msgs.map((m) => m.rcptTo)).toEqual([["later@mailbox.test"]]);
    expect(outbox.acks).toBe(3);
  });

  it("reports a permanently refused notification as a failed delivery of type N for the account", async () => {
    await sink.close();
    sink = await sinkAt(outboxDir.dir, ({ stage }) => (stage === "rcpt" ? { code: 550, message: "5.1.1 no such user" } : undefined));
    await bridge.stop();
    bridge = await startBridge(testConfig(spool.dir, {
      RELAY_URL: `smtp://127.0.0.1:${sink.port}`, NOTIFY_FROM: "no-reply@notify.test", OUTBOX_POLL_MS: "30",
    }), {
      directory: fakeDirectory({}), reporter, outbox: outbox.client,
      signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }), log: createLogger("silent", "mx1"),
    });
    outbox.enqueue("44444444-4444-4444-8444-444444444444", "gone@mailbox.test", "Verify");
    const [event] = (await waitFor("failed event", () => (reporter.events.length ? reporter.events : null)))!;
    expect(event).toMatchObject({
      kind: "failed", emailType: "N", userId: "user-1", aliasId: null, destination: "gone@mailbox.test", bounceType: "hard", status: "5.1.1",
    });
    expect(event!.recipientId).toBeUndefined();
  });
});

describe("NOTIFY_FROM", () => {
  it("takes a bare address or Name <address>, defaults to no-reply@HOSTNAME, and names itself when bad", () => {
    expect(testConfig("/tmp/x", { NOTIFY_FROM: "Veilmail <No-Reply@Notify.test>" }).notifyFrom)
      .toEqual({ header: "Veilmail <No-Reply@Notify.test>", address: "no-reply@notify.test" });
    expect(testConfig("/tmp/x", { NOTIFY_FROM: "robot@notify.test" }).notifyFrom).toEqual({ header: "robot@notify.test", address: "robot@notify.test" });
    expect(testConfig("/tmp/x").notifyFrom.address).toBe("no-reply@mx1.bridge.test");
    expect(() => testConfig("/tmp/x", { NOTIFY_FROM: "Veilmail" })).toThrow(/NOTIFY_FROM/);
  });
});
