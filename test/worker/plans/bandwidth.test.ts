/**
 * Monthly bandwidth (issue 7 §3) through the real Worker: counted from the bridges' `forwarded` events,
 * one warning mail (outbox) when usage crosses 80 % of the plan's limit and never twice in a month,
 * a new month starting from the event's bytes, and the cron's reset being idempotent.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeEvent } from "../../../common/internal-api.js";
import { mailOutbox, plans, users } from "../../../db/schema/index.js";
import { resetMonthlyBandwidth } from "../../../worker/plans/bandwidth.js";
import { type TestWorker, startTestWorker } from "../../helpers/worker.js";

let w: TestWorker;
let limit: number;
type Ids = { userId: string; usernameId: string; recipientId: string };
let ann: Ids;
let aliasId: string;

const admin = async <T>(path: string, body: unknown) => {
  const res = await w.call<T>(`/internal/v1/admin/${path}`, body, "admin");
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
};
const forwarded = async (userId: string, bytes: number) => {
  const event: BridgeEvent = { id: randomUUID(), kind: "forwarded", aliasId, userId, bytes, at: new Date().toISOString() };
  const res = await w.call("/internal/v1/events", { events: [event] });
  expect(res.status).toBe(200);
};
const usage = async (userId: string) => (await w.db.select().from(users).where(eq(users.id, userId)))[0]!;
const warnings = (to: string) => w.db.select().from(mailOutbox).where(and(eq(mailOutbox.toAddress, to), eq(mailOutbox.category, "notification")));
const monthStart = (d = new Date()) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

beforeAll(async () => {
  w = await startTestWorker();
  await admin("shared-domains", { domain: "share.test" });
  ann = await admin<Ids>("users", { username: "ann", recipient: "ann@mailbox.example", plan: "lite" });
  aliasId = (await admin<{ id: string }>("aliases", { username: "ann", domain: "ann.share.test", localPart: "a" })).id;
  limit = (await w.db.select().from(plans).where(eq(plans.name, "lite")))[0]!.bandwidthBytes!;
});
afterAll(async () => { await w?.close(); });

describe("bandwidth from forwarded events", () => {
  it("adds each event's bytes to the month and warns once when crossing 80 %", async () => {
    const below = Math.ceil(limit * 0.8) - 1;
    await forwarded(ann.userId, below - 1000);
    await forwarded(ann.userId, 1000);
    expect((await usage(ann.userId)).bandwidth).toBe(below);
    expect((await usage(ann.userId)).bandwidthResetAt).toEqual(monthStart());
    expect(await warnings("ann@mailbox.example")).toHaveLength(0);

    await forwarded(ann.userId, 1);
    const [mail] = await warnings("ann@mailbox.example");
    expect(mail?.subject).toBe("You have used 80 % of this month's bandwidth");
    expect(mail?.textBody).toContain("of the 100.0 MB your plan (lite) allows");
    expect(mail?.textBody).toContain("552 5.2.2");

    await forwarded(ann.userId, 1000);
    await forwarded(ann.userId, limit);
    expect(await warnings("ann@mailbox.example")).toHaveLength(1);
  });

  it("starts a new month from the event's bytes, and warns again in that month", async () => {
    const lastMonth = new Date(monthStart().getTime() - 86_400_000);
    await w.db.update(users).set({ bandwidth: limit * 2, bandwidthResetAt: monthStart(lastMonth), bandwidthWarnedAt: lastMonth }).where(eq(users.id, ann.userId));
    await forwarded(ann.userId, 500);
    expect(await usage(ann.userId)).toMatchObject({ bandwidth: 500, bandwidthResetAt: monthStart() });
    await forwarded(ann.userId, limit);
    expect(await warnings("ann@mailbox.example")).toHaveLength(2);
  });

  it("never warns an account whose plan has no bandwidth limit", async () => {
    const pro = await admin<Ids>("users", { username: "pam", recipient: "pam@mailbox.example", plan: "pro" });
    await forwarded(pro.userId, limit * 10);
    expect((await usage(pro.userId)).bandwidth).toBe(limit * 10);
    expect(await warnings("pam@mailbox.example")).toHaveLength(0);
  });
});

describe("the monthly reset", () => {
  it("resets only counters of an earlier month, and a second run in the same month changes nothing", async () => {
    const now = new Date();
    const lastMonth = monthStart(new Date(monthStart(now).getTime() - 86_400_000));
    const old = await admin<Ids>("users", { username: "olaf", recipient: "olaf@mailbox.example", plan: "free" });
    await w.db.update(users).set({ bandwidth: 12345, bandwidthResetAt: lastMonth }).where(eq(users.id, old.userId));
    await w.db.update(users).set({ bandwidth: 777, bandwidthResetAt: monthStart(now) }).where(eq(users.id, ann.userId));

    expect(await resetMonthlyBandwidth(w.db, now)).toBeGreaterThanOrEqual(1);
    expect(await usage(old.userId)).toMatchObject({ bandwidth: 0, bandwidthResetAt: monthStart(now) });
    expect((await usage(ann.userId)).bandwidth).toBe(777);
    expect(await resetMonthlyBandwidth(w.db, now)).toBe(0);
    await w.worker.scheduled();
    expect((await usage(ann.userId)).bandwidth).toBe(777);

    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 0, 30));
    expect(await resetMonthlyBandwidth(w.db, nextMonth)).toBeGreaterThanOrEqual(2);
    expect(await usage(ann.userId)).toMatchObject({ bandwidth: 0, bandwidthResetAt: monthStart(nextMonth) });
  });
});
