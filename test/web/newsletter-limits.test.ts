/**
 * Newsletter confirmation mails go to any address someone types on the landing page, so they are
 * limited (worker/accounts/newsletter.ts): requests per client IP and hour (429), one mail per 10 minutes
 * and 3 a day per address (silently: the answer never says whether an address is on the list), and the
 * confirmation mail's "block further requests" link really blocks further mails (a review found it only
 * unsubscribed, so the next request mailed the address again). Through the real Worker; the client IP is
 * the CF-Connecting-IP header Cloudflare's edge sets, set here by the test. "10 minutes later" is made by
 * moving `confirmation_sent_at` back in the database.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newsletterSubscribers } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, linkIn, mailsTo, textOf } from "../helpers/web.js";

let w: TestWorker;
beforeAll(async () => { w = await startTestWorker(); });
afterAll(async () => { await w?.close(); });

const from = (ip: string) => new WebClient(w.url, { "cf-connecting-ip": ip });
const subscribe = (ip: string, email: string) => from(ip).submit("/", { email }, "/newsletter");
const confirmations = async (email: string) => (await mailsTo(w.db, email, "newsletter")).length;
const tenMinutesLater = (email: string) =>
  w.db.update(newsletterSubscribers).set({ confirmationSentAt: new Date(Math.floor(Date.now() / 1000 - 660) * 1000) }).where(eq(newsletterSubscribers.email, email));
const tokenOf = (link: string) => decodeURIComponent(link.split("token=")[1]!);

describe("requests per client IP", () => {
  it("answers 429 with Retry-After and a reason after 10 in an hour; other IPs are not affected", async () => {
    // A clock hour is the window: should it turn during the run, run it again from new IPs.
    for (let run = 0; ; run++) {
      const hour = Math.floor(Date.now() / 3_600_000);
      const ip = `198.51.100.${10 + run}`;
      for (let i = 0; i < 10; i++) expect((await subscribe(ip, `r${run}-${i}@news.example`)).status).toBe(200);
      const refused = await subscribe(ip, `r${run}-10@news.example`);
      if (Math.floor(Date.now() / 3_600_000) !== hour && run < 2) continue;
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(textOf(refused.html)).toMatch(/Too many subscription requests from your network\. Please try again in \d+ minutes?\./);
      expect(await confirmations(`r${run}-10@news.example`)).toBe(0);
      expect((await subscribe(`203.0.113.${run}`, `r${run}-10@news.example`)).status).toBe(200);
      expect(await confirmations(`r${run}-10@news.example`)).toBe(1);
      return;
    }
  });
});

describe("mails per address", () => {
  it("sends one of 10 parallel requests, and at most 3 a day, answering alike", async () => {
    const email = "many@news.example";
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(`192.0.2.${i + 1}`, email)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await confirmations(email)).toBe(1);
    for (let i = 2; i <= 4; i++) {
      await tenMinutesLater(email);
      const res = await subscribe(`192.0.2.${20 + i}`, email);
      expect(res.status).toBe(200);
      expect(textOf(res.html)).toContain(`If ${email} is not subscribed yet, a confirmation link is on its way to it.`);
    }
    expect(await confirmations(email)).toBe(3);
  });
});

describe("the block link of a confirmation mail", () => {
  it("asks first (GET changes nothing), then blocks: no confirmation mail again, the earlier confirm link dead", async () => {
    const email = "victim@news.example";
    await subscribe("192.0.2.100", email);
    const [mail] = await mailsTo(w.db, email, "newsletter");
    const block = linkIn(mail!.textBody, "/newsletter/block?token=");
    const confirm = linkIn(mail!.textBody, "/newsletter/confirm?token=");
    const visitor = from("192.0.2.101");
    const page = await visitor.get(block);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(`Never send ${email} a newsletter confirmation request again?`);
    expect((await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, email)))[0]!.blockedAt).toBeNull();
    const done = await visitor.post("/newsletter/block", { token: tokenOf(block) });
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain(`${email} will get no more newsletter confirmation requests from us.`);

    await tenMinutesLater(email);
    const again = await subscribe("192.0.2.102", email);
    expect(again.status).toBe(200);
    expect(textOf(again.html)).toContain(`If ${email} is not subscribed yet`);
    expect(await confirmations(email)).toBe(1);
    await visitor.get(confirm);
    expect((await visitor.post("/newsletter/confirm", { token: tokenOf(confirm) })).status).toBe(400);
    expect((await w.db.select().from(newsletterSubscribers).where(eq(newsletterSubscribers.email, email)))[0]!.confirmedAt).toBeNull();
    expect((await visitor.get("/newsletter/block?token=abc.def")).status).toBe(400);
  });
});
