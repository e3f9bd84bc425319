/**
 * Recipients, usernames, custom domains (with the DNS check against a fake DNS-over-HTTPS resolver:
 * public DNS is outside this machine) and failed deliveries, through the real Worker: every form's
 * happy path, validation error, missing CSRF token, and another user's id → 404. The users are on the
 * seeded `pro` plan: the free plan allows no extra recipients, usernames or custom domains.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains, failedDeliveries, mailOutbox, recipients, usernames, users } from "../../db/schema/index.js";
import { type FakeDoh, startFakeDoh } from "../helpers/fake-doh.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { type WebUser, linkIn, mailsTo, openVerificationLink, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let doh: FakeDoh;
let eve: WebUser;
let fay: WebUser;
beforeAll(async () => {
  doh = await startFakeDoh();
  w = await startTestWorker({ DOH_URL: doh.url, MX_HOSTS: "mx1.veilmail.test,mx2.veilmail.test", SPF_INCLUDE: "spf.veilmail.test", MAIL_DOMAIN: "veilmail.test" });
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  eve = await signedInUser(w.url, w.db, "eve", undefined, "pro");
  fay = await signedInUser(w.url, w.db, "fay", undefined, "pro");
});
afterAll(async () => { await w?.close(); await doh?.close(); });

const recipientRow = async (email: string, userId: string) =>
  (await w.db.select().from(recipients).where(eq(recipients.email, email))).find((r) => r.userId === userId);

describe("recipients", () => {
  it("adds one with a verification mail, resends it, verifies, makes it default and back, forbids replies, deletes", async () => {
    const added = await eve.client.submit("/recipients", { email: "Eve.Work@Office.example" });
    expect(added.status).toBe(303);
    const row = (await recipientRow("eve.work@office.example", eve.userId))!;
    expect(row.emailVerifiedAt).toBeNull();
    expect(await mailsTo(w.db, "eve.work@office.example", "verification")).toHaveLength(1);
    // A resend is allowed 10 minutes after the last mail (worker/accounts/verification-mail.ts): as if they had passed.
    await w.db.update(recipients).set({ verificationSentAt: new Date(Math.floor(Date.now() / 1000 - 660) * 1000) }).where(eq(recipients.id, row.id));
    await eve.client.get("/recipients");
    expect((await eve.client.post(`/recipients/${row.id}/resend`)).status).toBe(303);
    const sent = await mailsTo(w.db, "eve.work@office.example", "verification");
    expect(sent).toHaveLength(2);
    await eve.client.get("/recipients");
    const early = await eve.client.post(`/recipients/${row.id}/default`);
    expect(early.status).toBe(303);
    expect(textOf((await eve.client.get("/recipients")).html)).toContain("Only a verified recipient can be the default.");
    expect((await openVerificationLink(eve.client, linkIn(sent[0]!.textBody, "/recipients/verify?token="))).status).toBe(200);
    await eve.client.get("/recipients");
    await eve.client.post(`/recipients/${row.id}/default`);
    expect((await w.db.select().from(users).where(eq(users.id, eve.userId)))[0]!.defaultRecipientId).toBe(row.id);
    const original = (await recipientRow(eve.email, eve.userId))!;
    await eve.client.get("/recipients");
    await eve.client.post(`/recipients/${original.id}/default`);
    await eve.client.get("/recipients");
    await eve.client.post(`/recipients/${row.id}/can-reply`, { allowed: "0" });
    expect((await recipientRow(row.email, eve.userId))!.canReplySend).toBe(false);
    await eve.client.get("/recipients");
    await eve.client.post(`/recipients/${row.id}/delete`);
    expect(await recipientRow(row.email, eve.userId)).toBeUndefined();
  });

  it("refuses a bad address (422), a duplicate, the default's deletion, and a post without CSRF", async () => {
    expect((await eve.client.submit("/recipients", { email: "not an address" })).status).toBe(422);
    const dup = await eve.client.submit("/recipients", { email: eve.email });
    expect(dup.status).toBe(422);
    expect(textOf(dup.html)).toContain("already been taken");
    const own = await eve.client.submit("/recipients", { email: "x@eve.share.test" });
    expect(own.status).toBe(422);
    const original = (await recipientRow(eve.email, eve.userId))!;
    await eve.client.get("/recipients");
    await eve.client.post(`/recipients/${original.id}/delete`);
    expect(await recipientRow(eve.email, eve.userId)).toBeDefined();
    expect(textOf((await eve.client.get("/recipients")).html)).toContain("You cannot delete your default recipient.");
    expect((await eve.client.post("/recipients", { _csrf: null, email: "nocsrf@office.example" })).status).toBe(403);
    expect(await recipientRow("nocsrf@office.example", eve.userId)).toBeUndefined();
  });
});

describe("usernames", () => {
  it("adds one, switches it and its catch-all, sets its default recipient, deletes it; 422 for a bad or taken name", async () => {
    expect((await eve.client.submit("/usernames", { username: "evework", description: "work" })).status).toBe(303);
    const [u] = await w.db.select().from(usernames).where(eq(usernames.username, "evework"));
    expect(u).toMatchObject({ userId: eve.userId, active: true, catchAll: true });
    expect(textOf((await eve.client.get("/usernames")).html)).toContain("*@evework.share.test");
    await eve.client.post(`/usernames/${u!.id}/catch-all`, { on: "0" });
    await eve.client.get("/usernames");
    await eve.client.post(`/usernames/${u!.id}/active`, { on: "0" });
    expect((await w.db.select().from(usernames).where(eq(usernames.id, u!.id)))[0]).toMatchObject({ active: false, catchAll: false });
    const mine = (await recipientRow(eve.email, eve.userId))!;
    await eve.client.get("/usernames");
    await eve.client.post(`/usernames/${u!.id}/default-recipient`, { recipient_id: mine.id });
    expect((await w.db.select().from(usernames).where(eq(usernames.id, u!.id)))[0]!.defaultRecipientId).toBe(mine.id);
    await eve.client.get("/usernames");
    await eve.client.post(`/usernames/${u!.id}/delete`);
    expect((await w.db.select().from(usernames).where(eq(usernames.id, u!.id)))[0]!.deletedAt).not.toBeNull();

    expect((await eve.client.submit("/usernames", { username: "bad name" })).status).toBe(422);
    const again = await eve.client.submit("/usernames", { username: "evework" });
    expect(again.status).toBe(422);
    expect(textOf(again.html)).toContain("taken");
    await eve.client.get("/usernames");
    expect((await eve.client.post("/usernames", { _csrf: null, username: "nocsrf" })).status).toBe(403);
  });
});

describe("custom domains", () => {
  it("shows the records to publish, checks them over DoH with a status per record, and verifies on ownership + both MX", async () => {
    const added = await eve.client.submit("/domains", { domain: "Eve-Own.Example" });
    expect(added.status).toBe(303);
    const [d] = await w.db.select().from(domains).where(eq(domains.domain, "eve-own.example"));
    expect(d!.verifiedAt).toBeNull();
    const page = await eve.client.get(added.location!);
    const text = textOf(page.html);
    for (const want of [`veilmail-verify=${d!.verificationToken}`, "10 mx1.veilmail.test", "20 mx2.veilmail.test", "v=spf1 include:spf.veilmail.test -all",
      "veilmail._domainkey", "veilmail._domainkey.veilmail.test", "_dmarc", "v=DMARC1; p=quarantine"]) expect(text).toContain(want);

    doh.set("TXT", "eve-own.example", [`veilmail-verify=${d!.verificationToken}`, "v=spf1 include:other.example ~all"]);
    doh.set("MX", "eve-own.example", ["10 mx1.veilmail.test."]);
    const partial = await eve.client.post(`/domains/${d!.id}/check`);
    expect(partial.status).toBe(200);
    const status = (purpose: string, html: string) => [...html.matchAll(new RegExp(`data-purpose="${purpose}" data-status="(\\w+)"`, "g"))].map((m) => m[1]);
    expect(status("ownership", partial.html)).toEqual(["ok"]);
    expect(status("mx", partial.html)).toEqual(["ok", "wrong"]);
    expect(status("spf", partial.html)).toEqual(["wrong"]);
    expect(status("dkim", partial.html)).toEqual(["missing"]);
    expect(textOf(partial.html)).toContain("v=spf1 include:other.example ~all");
    expect((await w.db.select().from(domains).where(eq(domains.id, d!.id)))[0]!.verifiedAt).toBeNull();
    expect(doh.queries).toContain("CNAME veilmail._domainkey.eve-own.example");

    doh.set("MX", "eve-own.example", ["10 mx1.veilmail.test.", "20 MX2.veilmail.test."]);
    doh.set("TXT", "eve-own.example", [`veilmail-verify=${d!.verificationToken}`, "v=spf1 include:spf.veilmail.test -all"]);
    doh.set("CNAME", "veilmail._domainkey.eve-own.example", ["veilmail._domainkey.veilmail.test."]);
    doh.set("TXT", "_dmarc.eve-own.example", ["v=DMARC1; p=reject; rua=mailto:x@eve-own.example"]);
    await eve.client.get(`/domains/${d!.id}`);
    const full = await eve.client.post(`/domains/${d!.id}/check`);
    for (const p of ["ownership", "spf", "dkim", "dmarc"]) expect(status(p, full.html)).toEqual(["ok"]);
    expect(status("mx", full.html)).toEqual(["ok", "ok"]);
    expect((await w.db.select().from(domains).where(eq(domains.id, d!.id)))[0]!.verifiedAt).not.toBeNull();
    expect(textOf((await eve.client.get("/aliases")).html)).toContain("eve-own.example");
  });

  it("says 'could not check' when the resolver fails, and changes nothing", async () => {
    await eve.client.submit("/domains", { domain: "broken-dns.example" });
    const [d] = await w.db.select().from(domains).where(eq(domains.domain, "broken-dns.example"));
    doh.failWith = 502;
    try {
      const res = await eve.client.post(`/domains/${d!.id}/check`);
      expect(res.html).toMatch(/data-purpose="ownership" data-status="error"/);
      expect(textOf(res.html)).toContain("resolver answered HTTP 502");
    } finally {
      doh.failWith = null;
    }
    expect((await w.db.select().from(domains).where(eq(domains.id, d!.id)))[0]!.verifiedAt).toBeNull();
  });

  it("switches catch-all and receiving, deletes; 422 for a bad name; 403 without CSRF", async () => {
    await eve.client.submit("/domains", { domain: "switch.example" });
    const [d] = await w.db.select().from(domains).where(eq(domains.domain, "switch.example"));
    await eve.client.post(`/domains/${d!.id}/catch-all`, { on: "0" });
    await eve.client.get(`/domains/${d!.id}`);
    await eve.client.post(`/domains/${d!.id}/active`, { on: "0" });
    expect((await w.db.select().from(domains).where(eq(domains.id, d!.id)))[0]).toMatchObject({ catchAll: false, active: false });
    await eve.client.get(`/domains/${d!.id}`);
    expect((await eve.client.post(`/domains/${d!.id}/delete`, { _csrf: null })).status).toBe(403);
    await eve.client.get(`/domains/${d!.id}`);
    expect((await eve.client.post(`/domains/${d!.id}/delete`)).location).toBe("/domains");
    expect(await w.db.select().from(domains).where(eq(domains.id, d!.id))).toHaveLength(0);
    expect((await eve.client.submit("/domains", { domain: "not a domain" })).status).toBe(422);
    expect((await eve.client.submit("/domains", { domain: "eve-own.example" })).status).toBe(422);
  });
});

describe("plan limits", () => {
  it("shows the plan's refusal at the form (free plan: no extra recipients)", async () => {
    const free = await signedInUser(w.url, w.db, "freeuser");
    const res = await free.client.submit("/recipients", { email: "second@office.example" });
    expect(res.status).toBe(422);
    expect(res.html).toContain('class="flash error" role="alert"');
    expect(await recipientRow("second@office.example", free.userId)).toBeUndefined();
  });
});

describe("failed deliveries", () => {
  it("lists the user's own with the remote answer, and deletes one", async () => {
    const id = crypto.randomUUID();
    const now = new Date();
    await w.db.insert(failedDeliveries).values({
      id, userId: eve.userId, bounceType: "hard", remoteMta: "mx.office.example", sender: "shop@example.org", destination: "eve@mailbox.example",
      emailType: "F", status: "5.1.1", code: "550 5.1.1 <eve@mailbox.example>: user unknown", attemptedAt: now, createdAt: now, updatedAt: now,
    });
    const page = await eve.client.get("/failed-deliveries");
    expect(textOf(page.html)).toContain("550 5.1.1 <eve@mailbox.example>: user unknown");
    expect(textOf((await fay.client.get("/failed-deliveries")).html)).not.toContain("user unknown");
    await fay.client.get("/failed-deliveries");
    expect((await fay.client.post(`/failed-deliveries/${id}/delete`)).status).toBe(404);
    expect((await eve.client.post(`/failed-deliveries/${id}/delete`)).status).toBe(303);
    expect(await w.db.select().from(failedDeliveries).where(eq(failedDeliveries.id, id))).toHaveLength(0);
  });
});

it("sends mail only through the outbox (nothing is queued for addresses that were refused)", async () => {
  expect(await w.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, "nocsrf@office.example"))).toHaveLength(0);
});
