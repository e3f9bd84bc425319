/**
 * Plan limits at RCPT time through the real Worker, simulator and MariaDB (issue 7 §3): each limit at
 * its edge (limit − 1 used: accepted; limit used: refused; after the reset: accepted again). Limits are
 * read from the seeded plan rows, not restated here. The answers at each edge are printed at the end
 * (the issue's closing note quotes them).
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../../common/internal-api.js";
import { aliasDailyStats, aliases, plans, rateLimits, users } from "../../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../../helpers/worker.js";

let w: TestWorker;
type Ids = { userId: string; usernameId: string; recipientId: string };
let free: typeof plans.$inferSelect;
let lite: typeof plans.$inferSelect;
const edges: { limit: string; state: string; rcpt: string; answer: string }[] = [];

const resolve = async (rcptTo: string, mailFrom = "sender@example.org") =>
  (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom, rcptTo, clientIp: "192.0.2.1" })).body;
const admin = async <T>(path: string, body: unknown) => {
  const res = await w.call<T>(`/internal/v1/admin/${path}`, body, "admin");
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
};
const smtp = (a: ResolveResponse) => `${a.action} ${a.reply.code} ${a.reply.enhanced}${a.action === "reply" && a.plan.limitReached ? ` limitReached=${JSON.stringify(a.plan.limitReached)}` : ""}`;
/** Resolves and records the answer for the closing note. */
async function edge(limit: string, state: string, rcpt: string): Promise<ResolveResponse> {
  const answer = await resolve(rcpt);
  edges.push({ limit, state, rcpt, answer: smtp(answer) });
  return answer;
}
const monthStart = (d = new Date()) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const aliasCount = async (email: string) => (await w.db.select().from(aliases).where(eq(aliases.email, email))).length;

beforeAll(async () => {
  w = await startTestWorker();
  await admin("shared-domains", { domain: "share.test" });
  await admin("shared-domains", { domain: "premium.test", paidOnly: true });
  free = (await w.db.select().from(plans).where(eq(plans.name, "free")))[0]!;
  lite = (await w.db.select().from(plans).where(eq(plans.name, "lite")))[0]!;
});
afterAll(async () => {
  if (edges.length) console.log(`\nresolution answers at each limit edge:\n${edges.map((e) => `  ${e.limit.padEnd(28)} ${e.state.padEnd(34)} ${e.rcpt.padEnd(36)} → ${e.answer}`).join("\n")}\n`);
  await w?.close();
});

describe("monthly bandwidth", () => {
  let band: Ids;
  const setUsage = (bytes: number, resetAt: Date) => w.db.update(users).set({ bandwidth: bytes, bandwidthResetAt: resetAt }).where(eq(users.id, band.userId));

  beforeAll(async () => {
    band = await admin<Ids>("users", { username: "band", recipient: "band@mailbox.example", plan: "free" });
    await admin("aliases", { username: "band", domain: "band.share.test", localPart: "news" });
  });

  it("forwards at limit − 1 bytes, refuses 552 5.2.2 at the limit (new catch-all aliases too, not created)", async () => {
    const limit = free.bandwidthBytes!;
    await setUsage(limit - 1, monthStart());
    expect(await edge("bandwidth (free)", `${limit - 1} of ${limit} bytes used`, "news@band.share.test")).toMatchObject({ action: "forward" });
    await setUsage(limit, monthStart());
    expect(await edge("bandwidth (free)", `${limit} of ${limit} bytes used`, "news@band.share.test"))
      .toEqual({ action: "reject", reply: { code: 552, enhanced: "5.2.2", message: expect.any(String) } });
    expect((await edge("bandwidth (free)", `${limit} of ${limit}, new catch-all alias`, "fresh@band.share.test")).reply.code).toBe(552);
    expect(await aliasCount("fresh@band.share.test")).toBe(0);
  });

  it("lets mail through again once the month is over, and the cron's reset (idempotent) zeroes the counter", async () => {
    const limit = free.bandwidthBytes!;
    const lastMonth = new Date(monthStart().getTime() - 86_400_000);
    await setUsage(limit + 5, monthStart(lastMonth));
    expect(await edge("bandwidth (free)", "limit used last month, before reset", "news@band.share.test")).toMatchObject({ action: "forward" });
    await w.worker.scheduled();
    await w.worker.scheduled();
    const [row] = await w.db.select().from(users).where(eq(users.id, band.userId));
    expect(row!.bandwidth).toBe(0);
    expect(row!.bandwidthResetAt).toEqual(monthStart());
    expect(await edge("bandwidth (free)", "after the monthly reset", "news@band.share.test")).toMatchObject({ action: "forward" });
  });

  it("follows a plan change at once: over free's limit, forwarded on pro (unlimited)", async () => {
    await setUsage(free.bandwidthBytes! * 3, monthStart());
    expect((await resolve("news@band.share.test")).reply.code).toBe(552);
    await admin("users/plan", { username: "band", plan: "pro" });
    expect(await edge("bandwidth (pro: unlimited)", "3 × free's limit used", "news@band.share.test")).toMatchObject({ action: "forward" });
    await admin("users/plan", { username: "band", plan: "free" });
  });
});

describe("new aliases per hour (first mail to a catch-all)", () => {
  let hour: Ids;
  beforeAll(async () => { hour = await admin<Ids>("users", { username: "hour", recipient: "hour@mailbox.example", plan: "free" }); });

  it("creates the limit-th alias of the hour and defers the next with 450 4.2.1, creating nothing", async () => {
    const perHour = free.aliasesPerHour!;
    for (let i = 1; i < perHour; i++) expect((await resolve(`n${i}@hour.share.test`)).action).toBe("forward");
    expect(await edge("aliases per hour (free)", `${perHour - 1} of ${perHour} created this hour`, `n${perHour}@hour.share.test`)).toMatchObject({ action: "forward" });
    const over = await edge("aliases per hour (free)", `${perHour} of ${perHour} created this hour`, `n${perHour + 1}@hour.share.test`);
    expect(over).toEqual({ action: "defer", reply: { code: 450, enhanced: "4.2.1", message: expect.any(String) } });
    expect(await aliasCount(`n${perHour + 1}@hour.share.test`)).toBe(0);
    expect((await resolve("n1@hour.share.test")).action).toBe("forward");
  });

  it("shares the counter with the API (429 there), and a new hour lets creation go on", async () => {
    const { token } = await admin<{ token: string }>("tokens", { username: "hour" });
    const api = await fetch(`${w.url}/api/v1/aliases`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ domain: "hour.share.test" }),
    });
    expect(api.status).toBe(429);
    // The hour is over: the counter's window is an earlier one.
    await w.db.update(rateLimits).set({ windowStart: sql`${rateLimits.windowStart} - INTERVAL 1 HOUR` }).where(eq(rateLimits.bucket, `alias-create:${hour.userId}`));
    const perHour = free.aliasesPerHour!;
    expect(await edge("aliases per hour (free)", "next hour", `n${perHour + 1}@hour.share.test`)).toMatchObject({ action: "forward" });
  });
});

describe("replies and sends per day", () => {
  let rep: Ids;
  let aliasId: string;
  const reverse = "a+bob=corr.example@rep.share.test";
  const setToday = async (replied: number, sent: number, day = new Date().toISOString().slice(0, 10)) => {
    await w.db.delete(aliasDailyStats).where(eq(aliasDailyStats.aliasId, aliasId));
    await w.db.insert(aliasDailyStats).values({ aliasId, userId: rep.userId, day, replied, sent });
  };

  beforeAll(async () => {
    rep = await admin<Ids>("users", { username: "rep", recipient: "rep@mailbox.example", plan: "lite" });
    aliasId = (await admin<{ id: string }>("aliases", { username: "rep", domain: "rep.share.test", localPart: "a" })).id;
  });

  it("answers reply without limitReached at limit − 1, with it at the limit, and without after the day", async () => {
    const perDay = lite.repliesPerDay!;
    await setToday(perDay - 2, 1);
    const below = await edge("replies+sends per day (lite)", `${perDay - 1} of ${perDay} today`, reverse);
    expect(below.action).toBe("reply");
    if (below.action === "reply") expect(below.plan.limitReached).toBeUndefined();

    await setToday(perDay - 1, 1);
    const at = await edge("replies+sends per day (lite)", `${perDay} of ${perDay} today`, reverse);
    expect(at).toMatchObject({ action: "reply", reply: { code: 250 }, plan: { limitReached: { perDay, used: perDay } } });

    await setToday(perDay, 0, new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    const next = await edge("replies+sends per day (lite)", `${perDay} yesterday, 0 today`, reverse);
    expect(next.action === "reply" && next.plan.limitReached === undefined).toBe(true);
  });

  it("gives the free plan (0 a day) limitReached from the first reply", async () => {
    await admin("users/plan", { username: "rep", plan: "free" });
    await w.db.delete(aliasDailyStats).where(eq(aliasDailyStats.aliasId, aliasId));
    expect(await edge("replies+sends per day (free)", "0 of 0 today", reverse)).toMatchObject({ plan: { limitReached: { perDay: 0, used: 0 } } });
    await admin("users/plan", { username: "rep", plan: "lite" });
  });
});

describe("paid-only shared domains", () => {
  let fred: Ids;
  beforeAll(async () => {
    fred = await admin<Ids>("users", { username: "fred", recipient: "fred@mailbox.example", plan: "free" });
    await admin("users", { username: "paula", recipient: "paula@mailbox.example", plan: "pro" });
  });

  it("refuse a free user's username subdomain with 550 5.7.1 and create nothing; a paid user's is forwarded", async () => {
    expect(await edge("paid-only domain", "free user, <user>.<paid domain>", "x@fred.premium.test"))
      .toEqual({ action: "reject", reply: { code: 550, enhanced: "5.7.1", message: expect.any(String) } });
    expect(await aliasCount("x@fred.premium.test")).toBe(0);
    expect(await edge("paid-only domain", "pro user, <user>.<paid domain>", "x@paula.premium.test")).toMatchObject({ action: "forward" });
  });

  it("take the plan's change at once, and treat a plan name with no row as the free plan", async () => {
    await admin("users/plan", { username: "fred", plan: "lite" });
    expect(await edge("paid-only domain", "after user:plan fred lite", "x@fred.premium.test")).toMatchObject({ action: "forward" });
    await w.db.update(users).set({ plan: "no-such-plan" }).where(eq(users.id, fred.userId));
    expect((await resolve("y@fred.premium.test")).reply.enhanced).toBe("5.7.1");
  });
});
