/**
 * The aliases page through the real Worker and MariaDB: create (every form path), search, filters,
 * sort and pages (also over 10,000 aliases), the switches, editing, and the page-weight budget.
 */
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasDailyStats, aliasRecipients, aliases, domains } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { type WebUser, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let amy: WebUser;
let bob: WebUser;
beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  amy = await signedInUser(w.url, w.db, "amy");
  bob = await signedInUser(w.url, w.db, "bob");
});
afterAll(async () => { await w?.close(); });

const create = (u: WebUser, fields: Record<string, string | string[]>) => u.client.submit("/aliases", fields);
const aliasOf = async (email: string) => (await w.db.select().from(aliases).where(eq(aliases.email, email)))[0];

describe("create", () => {
  it("makes a random alias on a shared domain and a custom one on the username subdomain", async () => {
    const res = await create(amy, { domain: "share.test", format: "random_characters", description: "shoe shop" });
    expect(res.status).toBe(303);
    const rows = await w.db.select().from(aliases).where(eq(aliases.userId, amy.userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.email).toMatch(/^[a-z0-9]{8}@share\.test$/);
    expect(rows[0]!.description).toBe("shoe shop");
    const page = await amy.client.get("/aliases");
    expect(textOf(page.html)).toContain(`Created ${rows[0]!.email}.`);
    expect(page.html).toContain(rows[0]!.email);

    expect((await create(amy, { domain: "amy.share.test", format: "custom", local_part: "News.Letter" })).status).toBe(303);
    expect(await aliasOf("news.letter@amy.share.test")).toMatchObject({ userId: amy.userId });
  });

  it("re-renders with 422 at the field: custom without a local part, a taken one, another user's domain", async () => {
    const missing = await create(amy, { domain: "share.test", format: "custom", local_part: "", description: "kept" });
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/id="f-local_part"[^>]*aria-invalid="true"/);
    expect(missing.html).toContain('value="kept"');
    const taken = await create(amy, { domain: "amy.share.test", format: "custom", local_part: "news.letter" });
    expect(taken.status).toBe(422);
    expect(textOf(taken.html)).toContain("already been taken");
    const foreign = await create(amy, { domain: "bob.share.test", format: "random_characters" });
    expect(foreign.status).toBe(422);
    expect(foreign.html).toMatch(/id="f-domain"[^>]*aria-invalid="true"/);
    expect(await w.db.select().from(aliases).where(eq(aliases.domain, "bob.share.test"))).toHaveLength(0);
  });

  it("refuses a post without the CSRF token", async () => {
    await amy.client.get("/aliases");
    const before = (await w.db.select().from(aliases).where(eq(aliases.userId, amy.userId))).length;
    expect((await amy.client.post("/aliases", { _csrf: null, domain: "share.test", format: "uuid" })).status).toBe(403);
    expect(await w.db.select().from(aliases).where(eq(aliases.userId, amy.userId))).toHaveLength(before);
  });
});

describe("list", () => {
  beforeAll(async () => {
    for (const [local, description] of [["alpha", "bakery"], ["beta", "bank"], ["gamma", "the 100% club"]] as const) {
      await create(bob, { domain: "bob.share.test", format: "custom", local_part: local, description });
    }
    await w.db.update(aliases).set({ emailsForwarded: 7, lastForwarded: new Date("2026-01-02T00:00:00Z") }).where(eq(aliases.email, "beta@bob.share.test"));
    await w.db.update(aliases).set({ emailsForwarded: 3 }).where(eq(aliases.email, "gamma@bob.share.test"));
    await w.db.update(aliases).set({ active: false }).where(eq(aliases.email, "alpha@bob.share.test"));
  });
  const emails = (html: string) => [...html.matchAll(/data-alias="([^"]+)"/g)].map((m) => m[1]);

  it("searches address and description literally", async () => {
    expect(emails((await bob.client.get("/aliases?q=ban")).html)).toEqual(["beta@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?q=alph")).html)).toEqual(["alpha@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?q=100%25")).html)).toEqual(["gamma@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?q=%25")).html)).toEqual(["gamma@bob.share.test"]);
  });

  it("filters active / inactive / deleted and sorts by forwarded count and last use", async () => {
    expect(emails((await bob.client.get("/aliases?status=inactive")).html)).toEqual(["alpha@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?status=active&sort=forwarded")).html)).toEqual(["beta@bob.share.test", "gamma@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?sort=forwarded&dir=asc")).html)).toEqual(["alpha@bob.share.test", "gamma@bob.share.test", "beta@bob.share.test"]);
    expect(emails((await bob.client.get("/aliases?sort=last_used")).html)[0]).toBe("beta@bob.share.test");
    expect(emails((await bob.client.get("/aliases?status=deleted")).html)).toEqual([]);
    expect((await bob.client.get("/aliases?status=bogus&sort=nope&page=-3")).status).toBe(200);
  });
});

describe("switches and editing", () => {
  it("turns off and on, deletes, restores and forgets, returning to the same list page", async () => {
    await create(amy, { domain: "amy.share.test", format: "custom", local_part: "switchy" });
    const a = (await aliasOf("switchy@amy.share.test"))!;
    await amy.client.get("/aliases?status=active");
    const off = await amy.client.post(`/aliases/${a.id}/active`, { active: "0", back: "/aliases?status=active" });
    expect(off.location).toBe("/aliases?status=active");
    expect((await aliasOf(a.email))!.active).toBe(false);
    await amy.client.post(`/aliases/${a.id}/active`, { active: "1", back: "https://evil.example/" });
    expect((await aliasOf(a.email))!.active).toBe(true);
    const del = await amy.client.post(`/aliases/${a.id}/delete`, { back: "/aliases" });
    expect(del.location).toBe("/aliases");
    expect((await aliasOf(a.email))!.deletedAt).not.toBeNull();
    expect((await amy.client.get("/aliases?status=deleted")).html).toContain(`data-alias="${a.email}"`);
    await amy.client.post(`/aliases/${a.id}/restore`, { back: "/aliases" });
    expect((await aliasOf(a.email))).toMatchObject({ deletedAt: null, active: true });
    await amy.client.post(`/aliases/${a.id}/delete`, { back: "/aliases" });
    await amy.client.post(`/aliases/${a.id}/forget`, { back: "/aliases" });
    expect(await aliasOf(a.email)).toBeUndefined();
  });

  it("edits description, from name and recipients; 422 for a bad from name", async () => {
    await create(amy, { domain: "amy.share.test", format: "custom", local_part: "editme" });
    const a = (await aliasOf("editme@amy.share.test"))!;
    const page = await amy.client.get(`/aliases/${a.id}`);
    const recipientId = /name="recipient_ids" value="([^"]+)"/.exec(page.html)![1]!;
    const saved = await amy.client.post(`/aliases/${a.id}`, { description: "new text", from_name: "Amy", recipient_ids: [recipientId] });
    expect(saved.status).toBe(303);
    expect(await aliasOf(a.email)).toMatchObject({ description: "new text", fromName: "Amy" });
    expect(await w.db.select().from(aliasRecipients).where(eq(aliasRecipients.aliasId, a.id))).toHaveLength(1);
    await amy.client.get(`/aliases/${a.id}`);
    const bad = await amy.client.post(`/aliases/${a.id}`, { description: "x", from_name: "A <b>" });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="f-from_name"[^>]*aria-invalid="true"/);
    await amy.client.get(`/aliases/${a.id}`);
    expect((await amy.client.post(`/aliases/${a.id}`, { _csrf: null, description: "csrf", from_name: "" })).status).toBe(403);
    expect((await aliasOf(a.email))!.description).toBe("new text");
  });
});

describe("dashboard", () => {
  it("charts the last 7 days of forwarded, replied and blocked mail with the figures in a table", async () => {
    await create(amy, { domain: "amy.share.test", format: "custom", local_part: "charted" });
    const a = (await aliasOf("charted@amy.share.test"))!;
    const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
    await w.db.insert(aliasDailyStats).values([
      { aliasId: a.id, userId: amy.userId, day: day(0), forwarded: 5, replied: 2, blocked: 1 },
      { aliasId: a.id, userId: amy.userId, day: day(6), forwarded: 3, replied: 0, blocked: 4 },
      { aliasId: a.id, userId: amy.userId, day: day(8), forwarded: 99, replied: 99, blocked: 99 },
    ]);
    const page = await amy.client.get("/dashboard");
    expect(page.status).toBe(200);
    expect(page.html).toContain('<svg viewBox="0 0 560 200" role="img"');
    const rows = [...page.html.matchAll(/<tr><th scope="row">(\d{4}-\d{2}-\d{2})<\/th>((?:<td class="num">\d+<\/td>)+)<\/tr>/g)]
      .map((m) => [m[1], ...[...m[2]!.matchAll(/>(\d+)</g)].map((x) => Number(x[1]))]);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual([day(6), 3, 0, 4]);
    expect(rows[6]).toEqual([day(0), 5, 2, 1]);
    expect(page.html).not.toContain(">99<");
  });
});

describe("10,000 aliases", () => {
  it("pages through them on the server; the page stays under 60 KB with at most 20 KB of JavaScript", async () => {
    const [domain] = await w.db.select().from(domains).where(eq(domains.domain, "share.test"));
    const base = Date.parse("2025-01-01T00:00:00Z");
    for (let batch = 0; batch < 10; batch++) {
      await w.db.insert(aliases).values(Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i;
        return {
          id: crypto.randomUUID(), userId: bob.userId, domainId: domain!.id, localPart: `bulk${n}`, domain: "share.test",
          email: `bulk${n}@share.test`, description: `bulk alias number ${n}`, emailsForwarded: n % 97,
          createdAt: new Date(base + n * 1000), updatedAt: new Date(base + n * 1000),
        };
      }));
    }
    const first = await bob.client.get("/aliases");
    expect(textOf(first.html)).toContain("10003 aliases");
    expect(textOf(first.html)).toContain("Page 1 of 401");
    const last = await bob.client.get("/aliases?page=401");
    expect(last.html.match(/data-alias=/g)).toHaveLength(3);
    const search = await bob.client.get("/aliases?q=number%209999");
    expect([...search.html.matchAll(/data-alias="([^"]+)"/g)].map((m) => m[1])).toEqual(["bulk9999@share.test"]);
    const top = await bob.client.get("/aliases?sort=forwarded");
    expect(top.html).toMatch(/data-testid="forwarded">96</);

    const scripts = [...first.html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...first.html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    const gz = async (path: string) => gzipSync(Buffer.from(await (await fetch(`${w.url}${path}`)).arrayBuffer())).length;
    const js = (await Promise.all(scripts.map(gz))).reduce((a, b) => a + b, 0);
    const total = gzipSync(Buffer.from(first.html)).length + js + (await Promise.all(styles.map(gz))).reduce((a, b) => a + b, 0);
    console.log(`aliases page: ${first.html.length} bytes of HTML, ${total} bytes transferred gzipped (JS ${js})`);
    expect(total).toBeLessThan(60 * 1024);
    expect(js).toBeLessThan(20 * 1024);
  }, 120_000);
});
