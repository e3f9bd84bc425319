/**
 * The forward banner's deactivate link through the real Worker (workerd, simulator, MariaDB): the link
 * comes from resolution, exactly as the bridge gets it in the forward plan; GET shows a confirmation and
 * changes nothing; POST (no login) switches the alias off and the owner sees it off in the dashboard;
 * forged, expired, another alias's or another purpose's tokens are refused and change nothing.
 * Tokens for the refusal cases are made with the Worker's own signing code and the test Worker's secret.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../common/internal-api.js";
import { aliases, users } from "../../db/schema/index.js";
import { signLink } from "../../worker/auth/signed-links.js";
import { SECRETS, type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, type WebUser, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let ann: WebUser;
let bob: WebUser;
const DAY = 24 * 3600;

/** Resolves `rcptTo` as a bridge does; returns the plan's deactivate path (and the alias id). */
async function linkFor(rcptTo: string): Promise<{ path: string; aliasId: string; answer: ResolveResponse }> {
  const { body: answer } = await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "alice@sender.example", rcptTo, clientIp: "192.0.2.1" });
  if (answer.action !== "forward") throw new Error(`${rcptTo}: ${answer.action}`);
  const url = answer.plan.display.deactivateUrl;
  if (!url) throw new Error("no deactivate link in the plan");
  return { path: new URL(url).pathname, aliasId: answer.plan.aliasId, answer };
}
const aliasRow = async (id: string) => (await w.db.select().from(aliases).where(eq(aliases.id, id)))[0]!;
/** A token made with the Worker's signing code and secret (APP_SECRET defaults to ADMIN_SECRET). */
const token = (subject: string, binding: string, ageSeconds = 0, purpose: "deactivate-alias" | "newsletter-unsubscribe" = "deactivate-alias") =>
  signLink(SECRETS.admin, { purpose, subject, binding }, 30 * DAY, new Date(Date.now() - ageSeconds * 1000));

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  ann = await signedInUser(w.url, w.db, "ann");
  bob = await signedInUser(w.url, w.db, "bob");
});
afterAll(async () => { await w?.close(); });

describe("the link in the plan", () => {
  it("is made at resolution for this alias when the banner is on (with the product name), and left out when it is off", async () => {
    const { answer, path } = await linkFor("news@ann.share.test");
    expect(answer.action === "forward" && answer.plan.display).toMatchObject({ bannerLocation: "top", appName: "Veilmail" });
    expect(path).toMatch(/^\/deactivate\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    await w.db.update(users).set({ bannerLocation: "off" }).where(eq(users.id, ann.userId));
    try {
      const off = (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "a@b.example", rcptTo: "news@ann.share.test", clientIp: "192.0.2.1" })).body;
      expect(off.action === "forward" && off.plan.display).toEqual({ fromFormat: 0, bannerLocation: "off", useReplyTo: false, aliasDescription: null });
    } finally {
      await w.db.update(users).set({ bannerLocation: "top" }).where(eq(users.id, ann.userId));
    }
  });
});

describe("GET and POST /deactivate/<token>", () => {
  it("GET shows the alias and changes nothing; POST without login switches it off; the owner sees it off; mail to it is discarded", async () => {
    const { path, aliasId } = await linkFor("shop@ann.share.test");
    await w.db.update(aliases).set({ description: "Online <shopping>" }).where(eq(aliases.id, aliasId));
    const before = await aliasRow(aliasId);

    const visitor = new WebClient(w.url); // a mail program's browser: not signed in
    for (let i = 0; i < 3; i++) {
      const page = await visitor.get(path);
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain("Mail sent to shop@ann.share.test (Online <shopping>) will be dropped");
      expect(page.html).toContain("Online &lt;shopping&gt;");
      expect(page.headers.get("cache-control")).toBe("no-store");
    }
    expect((await fetch(`${w.url}${path}`, { method: "HEAD" })).status).toBe(200);
    expect(await aliasRow(aliasId)).toEqual(before);

    expect((await visitor.post(path, { _csrf: null })).status).toBe(403);
    expect((await aliasRow(aliasId)).active).toBe(true);

    await visitor.get(path);
    const done = await visitor.post(path);
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain("shop@ann.share.test (Online <shopping>) is off.");
    expect((await aliasRow(aliasId)).active).toBe(false);

    const list = await ann.client.get("/aliases?status=inactive");
    expect(list.html).toMatch(/data-alias="shop@ann\.share\.test"[\s\S]*?<span class="badge off">Inactive<\/span>/);
    const answer = (await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "a@b.example", rcptTo: "shop@ann.share.test", clientIp: "192.0.2.1" })).body;
    expect(answer).toMatchObject({ action: "discard", aliasId, reply: { code: 250 } });

    // Again (a second click): still off, says so, changes nothing.
    const again = await visitor.get(path);
    expect(textOf(again.html)).toContain("Alias already off");
    expect(again.html).not.toContain("<form method=\"post\" action=\"/deactivate/");
    await visitor.get("/"); // the page has no form: a CSRF token from elsewhere, as a replayed POST would have
    expect((await visitor.post(path)).status).toBe(200);
    expect((await aliasRow(aliasId)).active).toBe(false);
  });

  it("refuses forged, expired, another alias's, another owner's and another purpose's tokens, and changes nothing", async () => {
    const a = await linkFor("target@ann.share.test");
    const b = await linkFor("other@bob.share.test");
    const [payloadA, macA] = a.path.split("/").pop()!.split(".");
    const [payloadB] = b.path.split("/").pop()!.split(".");
    const flip = (s: string) => `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    const refused: Record<string, string> = {
      "forged signature": `/deactivate/${payloadA}.${flip(macA!)}`,
      "forged payload": `/deactivate/${flip(payloadA!)}.${macA}`,
      "another alias's payload with this signature": `/deactivate/${payloadB}.${macA}`,
      "expired (made 30 days and a minute ago)": `/deactivate/${await token(a.aliasId, ann.userId, 30 * DAY + 60)}`,
      "signed for this alias but another owner": `/deactivate/${await token(a.aliasId, bob.userId)}`,
      "another purpose": `/deactivate/${await token(a.aliasId, ann.userId, 0, "newsletter-unsubscribe")}`,
      "signed with another key": `/deactivate/${await signLink("another-secret-0123456789abcdef0123", { purpose: "deactivate-alias", subject: a.aliasId, binding: ann.userId }, 30 * DAY, new Date())}`,
      "not a token": "/deactivate/nothing-here",
    };
    const visitor = new WebClient(w.url);
    for (const [name, path] of Object.entries(refused)) {
      const page = await visitor.get(path);
      expect(page.status, name).toBe(400);
      expect(textOf(page.html), name).toContain("This deactivate link is not valid or has expired");
      await visitor.get("/"); // a CSRF token for the visitor, so the POST is refused for the link alone
      expect((await visitor.post(path)).status, name).toBe(400);
    }
    expect((await aliasRow(a.aliasId)).active).toBe(true);
    expect((await aliasRow(b.aliasId)).active).toBe(true);

    // Still valid a day before it expires; bob's own link works for bob's alias only.
    expect((await visitor.get(`/deactivate/${await token(a.aliasId, ann.userId, 29 * DAY)}`)).status).toBe(200);
    await visitor.get(b.path);
    expect((await visitor.post(b.path)).status).toBe(200);
    expect((await aliasRow(b.aliasId)).active).toBe(false);
    expect((await aliasRow(a.aliasId)).active).toBe(true);
  });

  it("a deleted alias stays deleted and off; a forgotten one makes the link invalid", async () => {
    const { path, aliasId } = await linkFor("gone@ann.share.test");
    await ann.client.get("/aliases");
    expect((await ann.client.post(`/aliases/${aliasId}/delete`, { back: "/aliases" })).status).toBe(303);
    const visitor = new WebClient(w.url);
    expect(textOf((await visitor.get(path)).html)).toContain("gone@ann.share.test has been deleted");
    await visitor.get("/");
    expect((await visitor.post(path)).status).toBe(200);
    expect(await aliasRow(aliasId)).toMatchObject({ active: false, deletedAt: expect.any(Date) });

    await ann.client.get("/aliases?status=deleted");
    expect((await ann.client.post(`/aliases/${aliasId}/forget`, { back: "/aliases" })).status).toBe(303);
    expect((await visitor.get(path)).status).toBe(400);
  });
});
