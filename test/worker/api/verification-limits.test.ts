/**
 * Recipient verification mails are limited (worker/accounts/verification-mail.ts): one per 10 minutes
 * per recipient, 5 a UTC day per address whichever accounts ask, 10 an hour per account, counted under
 * the account's lock. A review sent 15 to one address with 15 API resends. Through the real Worker over
 * MariaDB; "10 minutes later" is made by moving the recipient's `verification_sent_at` back in the
 * database, not by waiting.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recipients } from "../../../db/schema/index.js";
import { WebClient, mailsTo, signedInUser, textOf } from "../../helpers/web.js";
import { type Account, type ApiTest, type Reply, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
beforeAll(async () => { t = await startApiTest(); });
afterAll(async () => { await t?.close(); });

const add = (a: Account, email: string) => t.req("POST", "/api/v1/recipients", { headers: extensionHeaders(a.token), body: { email } });
const resend = (a: Account, id: string) => t.req("POST", "/api/v1/recipients/email/resend", { headers: extensionHeaders(a.token), body: { recipient_id: id } });
const verificationMails = async (to: string) => (await mailsTo(t.w.db, to, "verification")).length;
/** As if the last verification mail of recipient `id` went out 11 minutes ago. */
const elevenMinutesLater = (id: string) =>
  t.w.db.update(recipients).set({ verificationSentAt: new Date(Math.floor(Date.now() / 1000 - 660) * 1000) }).where(eq(recipients.id, id));

function expect429(res: Reply, message: RegExp): void {
  expect(res.status, res.text).toBe(429);
  expect(res.json.message).toMatch(message);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("per recipient", () => {
  it("refuses a resend within 10 minutes of the last mail with 429 saying when to ask again", async () => {
    const a = await t.account("vera");
    const id = (await add(a, "one@victim.example")).json.data.id;
    const again = await resend(a, id);
    expect429(again, /^A verification link went to one@victim\.example less than 10 minutes ago\. Check its inbox \(and spam folder\), or ask again in (10|9) minutes\.$/);
    expect(Number(again.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    expect(await verificationMails("one@victim.example")).toBe(1);
  });

  it("sends exactly one of 15 parallel resends", async () => {
    const a = await t.account("vince");
    const id = (await add(a, "two@victim.example")).json.data.id;
    await elevenMinutesLater(id);
    const replies = await Promise.all(Array.from({ length: 15 }, () => resend(a, id)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(14);
    expect(await verificationMails("two@victim.example")).toBe(2);
  });
});

describe("per address and day", () => {
  it("stops at 5 mails a day to one address, across accounts, and a refused add creates nothing", async () => {
    const address = "three@victim.example";
    const first = await t.account("walt");
    const id = (await add(first, address)).json.data.id;
    for (let i = 2; i <= 5; i++) {
      await elevenMinutesLater(id);
      expect((await resend(first, id)).status).toBe(200);
    }
    await elevenMinutesLater(id);
    expect429(await resend(first, id), /^three@victim\.example has been sent 5 verification links today, the most it gets in a day\. Ask again tomorrow \(UTC\)\.$/);
    const other = await t.account("wanda");
    expect429(await add(other, address), /has been sent 5 verification links today/);
    expect(await t.w.db.select().from(recipients).where(and(eq(recipients.userId, other.userId), eq(recipients.email, address)))).toHaveLength(0);
    expect(await verificationMails(address)).toBe(5);
  });
});

describe("per account and hour", () => {
  it("stops at 10 mails an hour from one account, adding and resending together", async () => {
    // The window is a clock hour: should the hour turn during a run, run it again with a new account.
    for (let run = 0; ; run++) {
      const hour = Math.floor(Date.now() / 3_600_000);
      const a = await t.account(`xena${run}`);
      for (let i = 0; i < 10; i++) expect((await add(a, `x${run}-${i}@victim.example`)).status).toBe(201);
      const refused = await add(a, `x${run}-10@victim.example`);
      if (Math.floor(Date.now() / 3_600_000) !== hour && run < 2) continue;
      expect429(refused, /^Your account has sent 10 verification links this hour, the most it may\. Try again in \d+ minutes?\.$/);
      expect(await t.w.db.select().from(recipients).where(eq(recipients.userId, a.userId))).toHaveLength(11);
      const [firstAdded] = await t.w.db.select().from(recipients).where(eq(recipients.email, `x${run}-0@victim.example`));
      await elevenMinutesLater(firstAdded!.id);
      expect429(await resend(a, firstAdded!.id), /^Your account has sent 10 verification links this hour/);
      return;
    }
  });
});

describe("dashboard", () => {
  it("explains a refused resend in the flash message and sends nothing", async () => {
    const user = await signedInUser(t.w.url, t.w.db, "yuri", undefined, "pro");
    const client: WebClient = user.client;
    expect((await client.submit("/recipients", { email: "four@victim.example" })).status).toBe(303);
    const [row] = await t.w.db.select().from(recipients).where(eq(recipients.email, "four@victim.example"));
    await client.get("/recipients");
    const res = await client.post(`/recipients/${row!.id}/resend`);
    expect(res.status).toBe(303);
    const page = await client.get("/recipients");
    expect(page.html).toContain('class="flash error" role="alert"');
    expect(textOf(page.html)).toMatch(/A verification link went to four@victim\.example less than 10 minutes ago\. Check its inbox \(and spam folder\), or ask again in (10|9) minutes\./);
    expect(await verificationMails("four@victim.example")).toBe(1);
  });
});
