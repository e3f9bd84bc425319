/**
 * Bridge reports update counters, bandwidth, daily stats and failed deliveries, each event once.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeEvent, ResolveResponse } from "../../common/internal-api.js";
import { aliasDailyStats, aliases, failedDeliveries, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let plan: { aliasId: string; userId: string; recipientId: string };

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "eve", recipient: "eve@mailbox.example" }, "admin");
  const r = await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "", rcptTo: "news@eve.share.test", clientIp: "127.0.0.1" });
  if (r.body.action !== "forward") throw new Error(`expected forward, got ${JSON.stringify(r.body)}`);
  plan = { aliasId: r.body.plan.aliasId, userId: r.body.plan.userId, recipientId: r.body.plan.recipients[0]!.id };
});
afterAll(async () => { await w?.close(); });

const event = (kind: BridgeEvent["kind"], extra: Partial<BridgeEvent> = {}): BridgeEvent => ({
  id: crypto.randomUUID(), kind, aliasId: plan.aliasId, userId: plan.userId, bytes: 0, at: "2026-11-30T10:00:00.000Z", ...extra,
});
const alias = async () => (await w.db.select().from(aliases).where(eq(aliases.id, plan.aliasId)))[0]!;

describe("POST /internal/v1/events", () => {
  it("counts a forward once, even when the bridge reports the same event twice", async () => {
    const before = await alias();
    const fwd = event("forwarded", { bytes: 5000 });
    const first = await w.call<{ applied: number; duplicates: number }>("/internal/v1/events", { events: [fwd] });
    expect(first.body).toEqual({ applied: 1, duplicates: 0 });
    const again = await w.call<{ applied: number; duplicates: number }>("/internal/v1/events", { events: [fwd] }, "mx2");
    expect(again.body).toEqual({ applied: 0, duplicates: 1 });
    const after = await alias();
    expect(after.emailsForwarded).toBe(before.emailsForwarded + 1);
    expect(after.lastForwarded?.toISOString()).toBe("2026-11-30T10:00:00.000Z");
    const [user] = await w.db.select().from(users).where(eq(users.id, plan.userId));
    expect(user!.bandwidth).toBe(5000);
    const [day] = await w.db.select().from(aliasDailyStats).where(eq(aliasDailyStats.aliasId, plan.aliasId));
    expect(day).toMatchObject({ day: "2026-11-30", forwarded: 1, bytes: 5000 });
  });

  it("counts blocked mail", async () => {
    const before = await alias();
    await w.call("/internal/v1/events", { events: [event("blocked"), event("blocked")] });
    expect((await alias()).emailsBlocked).toBe(before.emailsBlocked + 2);
  });

  it("records a failed delivery with the remote reply", async () => {
    await w.call("/internal/v1/events", {
      events: [event("failed", {
        recipientId: plan.recipientId, destination: "eve@mailbox.example", sender: "a@example.org", remoteMta: "mx.mailbox.example",
        status: "5.1.1", diagnostic: "550 5.1.1 user unknown", bounceType: "hard",
      })],
    });
    const rows = await w.db.select().from(failedDeliveries).where(eq(failedDeliveries.aliasId, plan.aliasId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bounceType: "hard", status: "5.1.1", code: "550 5.1.1 user unknown", emailType: "F", remoteMta: "mx.mailbox.example" });
  });

  it("applies a large batch set-wise: each id once (also when repeated inside the batch), sums per alias, owner and day", async () => {
    const before = await alias();
    const [userBefore] = await w.db.select().from(users).where(eq(users.id, plan.userId));
    const batch = Array.from({ length: 60 }, (_, i) => event("forwarded", { bytes: 100, at: `2026-11-2${i % 2}T08:00:0${i % 10}.000Z` }));
    const res = await w.call<{ applied: number; duplicates: number }>("/internal/v1/events", { events: [...batch, batch[0]!, batch[1]!] });
    expect(res.body).toEqual({ applied: 60, duplicates: 2 });
    const after = await alias();
    expect(after.emailsForwarded).toBe(before.emailsForwarded + 60);
    expect(after.lastForwarded?.toISOString()).toBe("2026-11-21T08:00:09.000Z");
    const [userAfter] = await w.db.select().from(users).where(eq(users.id, plan.userId));
    expect(userAfter!.bandwidth - userBefore!.bandwidth).toBe(6000);
    const days = await w.db.select().from(aliasDailyStats).where(eq(aliasDailyStats.aliasId, plan.aliasId));
    expect(days.find((d) => d.day === "2026-11-20")).toMatchObject({ forwarded: 30, bytes: 3000 });
    expect(days.find((d) => d.day === "2026-11-21")).toMatchObject({ forwarded: 30, bytes: 3000 });
    const again = await w.call<{ applied: number; duplicates: number }>("/internal/v1/events", { events: batch });
    expect(again.body).toEqual({ applied: 0, duplicates: 60 });
    expect((await alias()).emailsForwarded).toBe(after.emailsForwarded);
  });

  it("counts every event once when both bridges report for the same alias at the same moment", async () => {
    const before = await alias();
    const batches = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => event("forwarded", { bytes: 10 })));
    const answers = await Promise.all(batches.map((events, i) => w.call<{ applied: number }>("/internal/v1/events", { events }, i % 2 ? "mx2" : "mx1")));
    expect(answers.map((a) => a.status)).toEqual(batches.map(() => 200));
    expect((await alias()).emailsForwarded).toBe(before.emailsForwarded + 60);
  });

  it("rejects a malformed batch with 422 and applies none of it", async () => {
    const before = await alias();
    const res = await w.call<{ error: { field: string } }>("/internal/v1/events", { events: [event("forwarded"), { ...event("forwarded"), id: "not-a-uuid" }] });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe("events.1.id");
    expect((await alias()).emailsForwarded).toBe(before.emailsForwarded);
  });
});
