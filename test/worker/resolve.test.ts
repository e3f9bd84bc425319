/**
 * Resolution through the real Worker, simulator and MariaDB: every answer of issue #2's table.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../common/internal-api.js";
import { aliases, domains, recipients, usernames, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let jane: { userId: string; usernameId: string; recipientId: string };

const resolve = async (rcptTo: string) =>
  (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "sender@example.org", rcptTo, clientIp: "192.0.2.1" })).body;
const admin = async <T>(path: string, body: unknown) => {
  const res = await w.call<T>(`/internal/v1/admin/${path}`, body, "admin");
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
};

beforeAll(async () => {
  w = await startTestWorker();
  await admin("shared-domains", { domain: "share.test" });
  await admin("shared-domains", { domain: "premium.test", paidOnly: true });
  // Not about plan limits (test/worker/plans/resolve-limits.test.ts is): an unlimited paid plan.
  jane = await admin("users", { username: "jane", recipient: "Jane@Mailbox.example", plan: "pro" });
  await admin("custom-domains", { username: "jane", domain: "jane-custom.example", verified: true });
  await admin("custom-domains", { username: "jane", domain: "unverified.example", verified: false });
});
afterAll(async () => { await w?.close(); });

describe("standard aliases <anything>@<username>.<shared domain>", () => {
  it("are created on first mail and forwarded to the verified recipient", async () => {
    const answer = await resolve("Shop@Jane.Share.test");
    expect(answer.action).toBe("forward");
    if (answer.action !== "forward") return;
    expect(answer.reply).toEqual({ code: 250, enhanced: "2.1.5", message: expect.any(String) });
    expect(answer.plan.aliasEmail).toBe("shop@jane.share.test");
    expect(answer.plan.userId).toBe(jane.userId);
    expect(answer.plan.recipients).toEqual([{
      id: jane.recipientId, email: "jane@mailbox.example", returnPath: expect.stringMatching(/^b_[0-9a-f]{32}_[0-9a-f]{16}@share\.test$/),
    }]);
    expect(answer.plan.signingDomain).toBe("share.test");
    expect(answer.plan.display).toEqual({
      fromFormat: 0, bannerLocation: "top", useReplyTo: false, aliasDescription: null, appName: "Veilmail",
      // The banner's signed link (worker/accounts/deactivate-links.ts; its page is tested in test/web/deactivate.test.ts).
      // This Worker runs with the default APP_URL (worker/env.ts).
      deactivateUrl: expect.stringMatching(/^http:\/\/localhost:8787\/deactivate\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/),
    });
    const rows = await w.db.select().from(aliases).where(eq(aliases.email, "shop@jane.share.test"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.usernameId).toBe(jane.usernameId);
  });

  it("resolve to the same alias the second time", async () => {
    const a = await resolve("again@jane.share.test");
    const b = await resolve("again@jane.share.test");
    expect(a.action === "forward" && b.action === "forward" && a.plan.aliasId === b.plan.aliasId).toBe(true);
    expect(await w.db.select().from(aliases).where(eq(aliases.email, "again@jane.share.test"))).toHaveLength(1);
  });

  it("are created once when both bridges see the first mail at the same moment", async () => {
    const rcptTo = "race@jane.share.test";
    const body = { mailFrom: "sender@example.org", rcptTo, clientIp: "192.0.2.1" };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      w.call<ResolveResponse>("/internal/v1/resolve", body, i % 2 ? "mx2" : "mx1")));
    const ids = new Set(answers.map((a) => (a.body.action === "forward" ? a.body.plan.aliasId : a.body.action)));
    expect([...ids]).toHaveLength(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await w.db.select().from(aliases).where(eq(aliases.email, rcptTo))).toHaveLength(1);
  });

  it("are refused with 550 5.1.1 when the username's catch-all is off, unless the alias exists", async () => {
    await resolve("before@jane.share.test");
    await w.db.update(usernames).set({ catchAll: false }).where(eq(usernames.id, jane.usernameId));
    try {
      expect((await resolve("new-one@jane.share.test")).reply.enhanced).toBe("5.1.1");
      expect((await resolve("before@jane.share.test")).action).toBe("forward");
    } finally {
      await w.db.update(usernames).set({ catchAll: true }).where(eq(usernames.id, jane.usernameId));
    }
  });

  it("are refused with 550 5.1.1 for a username nobody has", async () => {
    const answer = await resolve("x@nobody.share.test");
    expect(answer).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.1.1" } });
  });

  it("are refused (550 5.7.1) on a paid-only shared domain for a free account", async () => {
    await admin("users", { username: "fred", recipient: "fred@mailbox.example", plan: "free" });
    expect(await resolve("x@fred.premium.test")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.7.1" } });
  });
});

describe("sub-addressing alias+tag@ (found by a newcomer: it created a '+' alias the forward could never rewrite)", () => {
  it("is mail for the alias itself, existing or created on first mail, and never stores a '+' alias", async () => {
    const plain = await resolve("tagged@jane.share.test");
    const tagged = await resolve("tagged+news@jane.share.test");
    expect(plain.action === "forward" && tagged.action === "forward" && tagged.plan.aliasId === plain.plan.aliasId).toBe(true);
    const fresh = await resolve("fresh+promo@jane.share.test");
    expect(fresh.action === "forward" ? fresh.plan.aliasEmail : fresh.action).toBe("fresh@jane.share.test");
    const rows = await w.db.select({ email: aliases.email }).from(aliases);
    expect(rows.filter((r) => r.email.includes("+"))).toEqual([]);
  });

  it("refuses (550 5.1.1) local parts no alias can have", async () => {
    for (const rcpt of ["we!rd@jane.share.test", "+x@jane.share.test", "a&b@jane.share.test", "\"q s\"@jane.share.test"]) {
      expect(await resolve(rcpt), rcpt).toMatchObject({ action: "reject", reply: { code: expect.any(Number) } });
      expect((await resolve(rcpt)).reply.code, rcpt).toBeGreaterThanOrEqual(550);
    }
    const rows = await w.db.select({ email: aliases.email }).from(aliases);
    expect(rows.filter((r) => /[!&+" ]/.test(r.email))).toEqual([]);
  });
});

describe("shared-domain aliases", () => {
  it("forward when they exist and are refused with 550 5.1.1 when they do not", async () => {
    const created = await admin<{ email: string }>("aliases", { username: "jane", domain: "share.test" });
    expect(created.email).toMatch(/^[a-z0-9]{8}@share\.test$/);
    expect((await resolve(created.email)).action).toBe("forward");
    expect(await resolve("does-not-exist@share.test")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.1.1" } });
  });
});

describe("custom-domain aliases", () => {
  it("are created on first mail on a verified domain with catch-all, signed as the custom domain", async () => {
    const answer = await resolve("anything@jane-custom.example");
    expect(answer.action).toBe("forward");
    if (answer.action === "forward") expect(answer.plan.signingDomain).toBe("jane-custom.example");
  });

  it("are relay-denied on a domain that is not verified", async () => {
    expect(await resolve("x@unverified.example")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.7.1" } });
  });

  it("are refused with 5.1.1 when the domain's catch-all is off", async () => {
    await w.db.update(domains).set({ catchAll: false }).where(eq(domains.domain, "jane-custom.example"));
    try {
      expect((await resolve("brand-new@jane-custom.example")).reply.enhanced).toBe("5.1.1");
    } finally {
      await w.db.update(domains).set({ catchAll: true }).where(eq(domains.domain, "jane-custom.example"));
    }
  });
});

describe("state of an alias", () => {
  it("inactive → discard with 250 and nothing to deliver", async () => {
    const created = await admin<{ email: string }>("aliases", { username: "jane", domain: "jane.share.test", localPart: "paused" });
    await admin("aliases/deactivate", { address: created.email });
    const answer = await resolve(created.email);
    expect(answer).toMatchObject({ action: "discard", reply: { code: 250 } });
    expect("plan" in answer).toBe(false);
  });

  it("deleted → 550 5.1.1, and a deleted address is not recreated by the catch-all", async () => {
    await resolve("gone@jane.share.test");
    await w.db.update(aliases).set({ deletedAt: new Date() }).where(eq(aliases.email, "gone@jane.share.test"));
    expect(await resolve("gone@jane.share.test")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.1.1" } });
  });

  it("with no verified recipient → refused with 550 5.2.1, never accepted", async () => {
    const bob = await admin<{ userId: string; recipientId: string }>("users", { username: "bob", recipient: "bob@mailbox.example" });
    await w.db.update(recipients).set({ emailVerifiedAt: null }).where(eq(recipients.id, bob.recipientId));
    expect(await resolve("x@bob.share.test")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.2.1" } });
  });

  it("of a deleted account → 550 5.1.1", async () => {
    const carl = await admin<{ userId: string }>("users", { username: "carl", recipient: "carl@mailbox.example" });
    expect((await resolve("x@carl.share.test")).action).toBe("forward");
    await w.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, carl.userId));
    expect((await resolve("x@carl.share.test")).reply.enhanced).toBe("5.1.1");
  });
});

describe("addresses we do not serve", () => {
  it("a foreign domain → 550 5.7.1 relay denied (never an open relay)", async () => {
    expect(await resolve("victim@gmail.example")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.7.1" } });
    expect(await resolve("x@a.b.share.test")).toMatchObject({ action: "reject", reply: { code: 550, enhanced: "5.7.1" } });
  });

  it("a malformed address → 553 5.1.3", async () => {
    expect(await resolve("no-at-sign")).toMatchObject({ action: "reject", reply: { code: 553 } });
    expect(await resolve("a..b@jane.share.test")).toMatchObject({ action: "reject", reply: { code: 553 } });
  });

  it("a malformed request → 422 naming the field", async () => {
    const res = await w.call<{ error: { code: string; field: string } }>("/internal/v1/resolve", { mailFrom: "a@b.c", clientIp: "1.2.3.4" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "rcptTo" });
  });
});
