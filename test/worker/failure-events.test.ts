/**
 * What the Worker does with bounce, refusal, reply and send events: failed-delivery records, counters
 * corrected once per bounced message, owner notices through the outbox at most once per hour per alias
 * and kind, never about our own notifications; and the hourly clean-up of what they leave behind. Real
 * Worker over MariaDB.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BridgeEvent, ForwardPlan, ResolveResponse } from "../../common/internal-api.js";
import { parseVerp } from "../../common/verp.js";
import { aliasDailyStats, aliases, failedDeliveries, mailOutbox, outboundMessages, ownerNotices, users } from "../../db/schema/index.js";
import { cleanupMailRows } from "../../worker/outbound/cleanup.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let jane: { userId: string; recipientId: string };

const resolve = async (rcptTo: string, mailFrom = "someone@example.org") =>
  (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom, rcptTo, clientIp: "192.0.2.1" })).body;
async function forward(rcptTo: string): Promise<ForwardPlan> {
  const a = await resolve(rcptTo);
  if (a.action !== "forward") throw new Error(JSON.stringify(a));
  return a.plan;
}
const event = (kind: BridgeEvent["kind"], aliasId: string | null, extra: Partial<BridgeEvent> = {}): BridgeEvent => ({
  id: crypto.randomUUID(), kind, aliasId, userId: jane.userId, bytes: 1200, at: new Date().toISOString(), ...extra,
});
const report = (...events: BridgeEvent[]) => w.call<{ applied: number }>("/internal/v1/events", { events });
const alias = async (id: string) => (await w.db.select().from(aliases).where(eq(aliases.id, id)))[0]!;
const notices = () => w.db.select().from(mailOutbox).where(eq(mailOutbox.category, "notification"));
const failures = (aliasId: string | null) => w.db.select().from(failedDeliveries)
  .where(aliasId ? eq(failedDeliveries.aliasId, aliasId) : eq(failedDeliveries.emailType, "N"));

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  jane = (await w.call<{ userId: string; recipientId: string }>("/internal/v1/admin/users", { username: "jane", recipient: "jane@mailbox.example" }, "admin")).body;
});
afterAll(async () => { await w?.close(); });
beforeEach(async () => {
  await w.db.delete(mailOutbox);
  await w.db.delete(ownerNotices);
});

describe("bounced", () => {
  it("records one failed delivery, takes back the forward count once, and tells the owner once per hour", async () => {
    const plan = await forward("shop@jane.share.test");
    const outboundId = parseVerp(plan.recipients[0]!.returnPath!)!.id;
    await report(event("forwarded", plan.aliasId), event("forwarded", plan.aliasId));
    expect((await alias(plan.aliasId)).emailsForwarded).toBe(2);

    const dsn = (extra: Partial<BridgeEvent> = {}) => event("bounced", plan.aliasId, {
      outboundId, emailType: "F", status: "5.1.1", diagnostic: "smtp; 550 5.1.1 user unknown", remoteMta: "mx.mailbox.example", bounceType: "hard", ...extra,
    });
    expect((await report(dsn())).body.applied).toBe(1);
    const [row] = await failures(plan.aliasId);
    expect(row).toMatchObject({
      userId: jane.userId, recipientId: jane.recipientId, emailType: "F", bounceType: "hard", status: "5.1.1",
      destination: "jane@mailbox.example", remoteMta: "mx.mailbox.example", code: "smtp; 550 5.1.1 user unknown",
    });
    expect((await alias(plan.aliasId)).emailsForwarded).toBe(1);
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ toAddress: "jane@mailbox.example", userId: jane.userId, aliasId: plan.aliasId });
    expect(sent[0]!.subject).toContain("shop@jane.share.test");
    expect(sent[0]!.textBody).toContain("5.1.1");

    // A second DSN for the same message: recorded, but neither counted back again nor notified again.
    await report(dsn());
    expect(await failures(plan.aliasId)).toHaveLength(2);
    expect((await alias(plan.aliasId)).emailsForwarded).toBe(1);
    expect(await notices()).toHaveLength(1);
    const [outbound] = await w.db.select().from(outboundMessages).where(eq(outboundMessages.id, outboundId));
    expect(outbound!.bouncedAt).not.toBeNull();

    // An hour later the owner may be told again.
    await w.db.update(ownerNotices).set({ lastSentAt: new Date(Date.now() - 3601_000) });
    await report(dsn());
    expect(await notices()).toHaveLength(2);
  });

  it("forged by someone who learned the VERP address: the notice quotes its text inertly, in plain text only", async () => {
    const plan = await forward("forged@jane.share.test");
    const outboundId = parseVerp(plan.recipients[0]!.returnPath!)!.id;
    await report(event("bounced", plan.aliasId, {
      outboundId, emailType: "F", status: "5.1.1 <a href=x>", bounceType: "hard", remoteMta: "javascript:alert(15)",
      diagnostic: `550 Reply: mailbox suspended, restore it at https://evil.example/phish\r\nwww.evil.example ${"x".repeat(1000)}`,
    }));
    const [notice] = await notices();
    expect(notice!.htmlBody).toBeNull();
    const text = notice!.textBody;
    expect(text).toContain("What the remote server said (its words, not ours");
    expect(text).toContain('Server: "javascript[:]alert(15)"');
    expect(text).toContain("https[:]//evil[.]example/phish");
    for (const bad of ["javascript:", "https://", "evil.example", "www.evil", "<a href", "\r"]) expect(text, bad).not.toContain(bad);
    expect(text.length).toBeLessThan(1200);
    // The failed-delivery record keeps what was reported (the dashboard escapes it).
    const [row] = await failures(plan.aliasId);
    expect(row!.remoteMta).toBe("javascript:alert(15)");
  });

  it("of our own notification is recorded as type N and never causes a notification", async () => {
    const id = crypto.randomUUID();
    await w.db.insert(outboundMessages).values({
      id, emailType: "N", userId: jane.userId, aliasId: null, destination: "jane@mailbox.example", domain: "share.test",
      createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    });
    await report(event("bounced", null, { outboundId: id, emailType: "N", status: "5.2.2", bounceType: "hard" }));
    expect((await failures(null)).map((f) => [f.emailType, f.status])).toEqual([["N", "5.2.2"]]);
    expect(await notices()).toEqual([]);
  });
});

describe("refused, failed", () => {
  it("a refused reply is recorded and told to the owner, throttled apart from delivery notices", async () => {
    const plan = await forward("desk@jane.share.test");
    const refused = () => event("refused", plan.aliasId, {
      emailType: "R", reason: "unauthenticated", status: "5.7.26", diagnostic: "DMARC fail for mailbox.example", destination: "alice@sender.example",
    });
    await report(refused(), refused());
    const rows = await failures(plan.aliasId);
    expect(rows.map((r) => [r.emailType, r.status, r.destination])).toEqual([["R", "5.7.26", "alice@sender.example"], ["R", "5.7.26", "alice@sender.example"]]);
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe("A message from desk@jane.share.test was not sent");
    expect(sent[0]!.textBody).toContain("did not pass our sender checks");
    await report(event("failed", plan.aliasId, { emailType: "R", status: "5.1.1", bounceType: "hard", destination: "alice@sender.example" }));
    expect(await notices()).toHaveLength(2);
    await report(event("refused", plan.aliasId, { emailType: "F", reason: "loop", status: "5.4.6" }));
    expect((await notices()).map((n) => n.subject).sort()).toEqual([
      "A message from desk@jane.share.test was not sent", "Mail loop stopped for desk@jane.share.test", "Undelivered mail for desk@jane.share.test",
    ]);
  });

  it("a failed notification delivery is recorded without notifying", async () => {
    await report(event("failed", null, { emailType: "N", status: "5.1.1", bounceType: "hard", destination: "gone@mailbox.example" }));
    expect(await notices()).toEqual([]);
  });
});

describe("replied and sent", () => {
  it("count replies and sends, add bandwidth and daily statistics, and mark a send's outbound message", async () => {
    const plan = await forward("talk@jane.share.test");
    const reply = await resolve("talk+bob=shop.example@jane.share.test", "jane@mailbox.example");
    if (reply.action !== "reply") throw new Error(JSON.stringify(reply));
    const outboundId = parseVerp(reply.plan.returnPath)!.id;
    const [before] = await w.db.select({ bandwidth: users.bandwidth }).from(users).where(eq(users.id, jane.userId));
    await report(event("replied", plan.aliasId, { bytes: 100 }), event("sent", plan.aliasId, { bytes: 50, outboundId }));
    const row = await alias(plan.aliasId);
    expect([row.emailsReplied, row.emailsSent, row.lastReplied !== null, row.lastSent !== null]).toEqual([1, 1, true, true]);
    const [after] = await w.db.select({ bandwidth: users.bandwidth }).from(users).where(eq(users.id, jane.userId));
    expect(after!.bandwidth - before!.bandwidth).toBe(150);
    const [day] = await w.db.select().from(aliasDailyStats).where(and(eq(aliasDailyStats.aliasId, plan.aliasId)));
    expect(day).toMatchObject({ replied: 1, sent: 1, bytes: 150 });
    const [outbound] = await w.db.select().from(outboundMessages).where(eq(outboundMessages.id, outboundId));
    expect(outbound!.emailType).toBe("S");
  });
});

describe("cleanup", () => {
  it("prunes outbound messages past their VERP lifetime plus a day, spooled outbox rows after a week, stale notice throttles", async () => {
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    const ago = (days: number) => new Date(t.getTime() - days * 86_400_000);
    const row = (createdAt: Date) => ({ id: crypto.randomUUID(), emailType: "F", userId: jane.userId, aliasId: null, destination: "x@y.example", domain: "share.test", createdAt });
    const [old, young] = [row(ago(8.01)), row(ago(7.5))];
    await w.db.insert(outboundMessages).values([old, young]);
    const mail = (status: string, spooledAt: Date | null) => ({
      id: crypto.randomUUID(), toAddress: "x@y.example", subject: "s", textBody: "t", category: "notification", status, spooledAt, createdAt: ago(10),
    });
    const [spooledOld, spooledNew, queued] = [mail("spooled", ago(8)), mail("spooled", ago(1)), mail("queued", null)];
    await w.db.insert(mailOutbox).values([spooledOld, spooledNew, queued]);
    await w.db.insert(ownerNotices).values([{ noticeKey: "delivery:old", lastSentAt: ago(2) }, { noticeKey: "delivery:new", lastSentAt: t }]);
    const deleted = await cleanupMailRows(w.db, t);
    expect(deleted).toMatchObject({ outbox: 1, notices: 1 });
    expect(deleted.outbound).toBeGreaterThanOrEqual(1);
    const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id);
    expect(await ids(w.db.select().from(outboundMessages).where(eq(outboundMessages.id, old.id)))).toEqual([]);
    expect(await ids(w.db.select().from(outboundMessages).where(eq(outboundMessages.id, young.id)))).toEqual([young.id]);
    expect((await w.db.select().from(mailOutbox)).map((r) => r.id).sort()).toEqual([spooledNew.id, queued.id].sort());
    expect((await w.db.select().from(ownerNotices)).map((r) => r.noticeKey)).toEqual(["delivery:new"]);
  });
});
