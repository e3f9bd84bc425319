/**
 * Login rate limits (per account and per client IP, counted in the database) and the newsletter's
 * double opt-in and unsubscribe, through the real Worker with small limits. The client IP is what
 * Cloudflare's edge puts in CF-Connecting-IP; here the test sets that header itself.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newsletterSubscribers } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, linkIn, mailsTo, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker({ LOGIN_LIMIT_PER_ACCOUNT: "3", LOGIN_LIMIT_PER_IP: "5", LOGIN_LIMIT_WINDOW_MINUTES: "60" });
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await signedInUser(w.url, w.db, "hal");
  await signedInUser(w.url, w.db, "ida");
});
afterAll(async () => { await w?.close(); });

const from = (ip: string) => new WebClient(w.url, { "cf-connecting-ip": ip });

describe("login limits", () => {
  it("after 3 attempts on one account, even the right password gets 429 with Retry-After, from any IP", async () => {
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      expect((await from(ip).submit("/login", { login: "hal", password: "wrong-password" })).status).toBe(401);
    }
    const blocked = await from("198.51.100.4").submit("/login", { login: "hal", password: "hal-password-1" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(blocked.html)).toMatch(/Too many login attempts\. Please try again in \d+ minutes?\./);
    expect(blocked.headers.getSetCookie().some((c) => c.startsWith("__Host-vm_session="))).toBe(false);
  });

  it("after 5 attempts from one IP, that IP gets 429 for any account; other IPs still log in", async () => {
    const ip = "203.0.113.9";
    for (let i = 0; i < 5; i++) expect((await from(ip).submit("/login", { login: `nobody${i}`, password: "whatever-1" })).status).toBe(401);
    expect((await from(ip).submit("/login", { login: "ida", password: "ida-password-1" })).status).toBe(429);
    expect((await from("203.0.113.10").submit("/login", { login: "ida", password: "ida-password-1" })).status).toBe(303);
  });
});

describe("newsletter", () => {
  it("subscribes with a confirmation link (POST to confirm), mails once per 10 minutes, and unsubscribes", async () => {
    const visitor = new WebClient(w.url);
    const res = await visitor.submit("/", { email: "Reader@News.example" }, "/newsletter");
    expect(res.status).toBe(200);
    const [row] = await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, "reader@news.example"));
    expect(row!.confirmedAt).toBeNull();
    const mails = await mailsTo(w.db, "reader@news.example", "newsletter");
    expect(mails).toHaveLength(1);
    await visitor.submit("/", { email: "reader@news.example" }, "/newsletter");
    expect(await mailsTo(w.db, "reader@news.example", "newsletter")).toHaveLength(1);

    const confirm = linkIn(mails[0]!.textBody, "/newsletter/confirm?token=");
    const page = await visitor.get(confirm);
    expect(page.status).toBe(200);
    expect((await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, row!.id)))[0]!.confirmedAt).toBeNull();
    const token = decodeURIComponent(confirm.split("token=")[1]!);
    expect((await visitor.post("/newsletter/confirm", { token })).status).toBe(200);
    expect((await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, row!.id)))[0]!.confirmedAt).not.toBeNull();

    // Timestamps have whole seconds: unsubscribe in a later second than the confirmation link was made.
    await new Promise((r) => setTimeout(r, 1100));
    const unsubscribe = linkIn(mails[0]!.textBody, "/newsletter/unsubscribe?token=");
    expect(textOf((await visitor.get(unsubscribe)).html)).toContain("Stop sending the newsletter to reader@news.example?");
    expect((await visitor.post("/newsletter/unsubscribe", { token: decodeURIComponent(unsubscribe.split("token=")[1]!) })).status).toBe(200);
    expect((await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.id, row!.id)))[0]!.unsubscribedAt).not.toBeNull();
    await visitor.get(confirm);
    expect((await visitor.post("/newsletter/confirm", { token })).status).toBe(400);
  });

  it("refuses a bad address (422 on the landing page), a forged link (400) and a post without CSRF (403)", async () => {
    const visitor = new WebClient(w.url);
    const bad = await visitor.submit("/", { email: "not-an-address" }, "/newsletter");
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="f-email"[^>]*aria-invalid="true"/);
    expect((await visitor.get("/newsletter/unsubscribe?token=abc.def")).status).toBe(400);
    await visitor.get("/");
    expect((await visitor.post("/newsletter", { _csrf: null, email: "x@news.example" })).status).toBe(403);
    expect(await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, "x@news.example"))).toHaveLength(0);
  });
});
