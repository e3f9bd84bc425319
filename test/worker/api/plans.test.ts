/**
 * Plans in the REST API (issue 7 §2–§4) through the real Worker: a paid-only shared domain for a free
 * and for a paid account (domain options, creation: 422 saying why), counts past the plan (403 with a
 * message, addy.io's hosted behaviour; SimpleLogin callers get `{error}`), activation within the plan,
 * and `account-details` reporting the plan's limits. Limits are read from the plan rows; the free plan's
 * shared-domain alias limit is lowered to 3 in this test's own database to keep it short.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plans } from "../../../db/schema/index.js";
import { type Account, type ApiTest, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let fred: Account;
let paula: Account;
const h = (a: Account) => extensionHeaders(a.token);

beforeAll(async () => {
  t = await startApiTest();
  await t.admin("shared-domains", { domain: "premium.test", paidOnly: true });
  await t.admin("plans/set", { name: "free", sharedDomainAliases: 3 });
  fred = await t.account("fred", { plan: "free" });
  paula = await t.account("paula", { plan: "pro" });
});
afterAll(async () => { await t?.close(); });

describe("a paid-only shared domain", () => {
  it("is not among a free account's options, as itself or as its username subdomain", async () => {
    const options = (await t.req("GET", "/api/v1/domain-options", { headers: h(fred) })).json;
    expect(options.data).toEqual(["share.test", "fred.share.test"]);
    expect(options.sharedDomains).toEqual(["share.test"]);
  });

  it("is among a paid account's options both ways", async () => {
    const options = (await t.req("GET", "/api/v1/domain-options", { headers: h(paula) })).json;
    expect(options.data).toEqual(["premium.test", "share.test", "paula.premium.test", "paula.share.test"]);
    expect(options.sharedDomains).toEqual(["premium.test", "share.test"]);
  });

  it("refuses a free account's aliases on it with 422 saying it is for paid plans; a paid account gets 201", async () => {
    for (const domain of ["premium.test", "fred.premium.test"]) {
      const refused = await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain } });
      expect(refused.status).toBe(422);
      const message = `The domain ${domain} is available on paid plans only; your plan (free) cannot use it.`;
      expect(refused.json).toEqual({ message, errors: { domain: [message] } });
    }
    for (const domain of ["premium.test", "paula.premium.test"]) {
      const made = await t.req("POST", "/api/v1/aliases", { headers: h(paula), body: { domain } });
      expect(made.status, made.text).toBe(201);
      expect(made.json.data.domain).toBe(domain);
    }
    // A domain nobody serves keeps the plain message.
    expect((await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain: "elsewhere.example" } })).json.message).toBe("The selected domain is invalid.");
  });
});

describe("SimpleLogin clients", () => {
  it("see is_premium from the plan, and the paid-only suffixes marked premium", async () => {
    const sl = (a: Account) => ({ Authentication: a.token });
    expect((await t.req("GET", "/api/user_info", { headers: sl(fred) })).json.is_premium).toBe(false);
    expect((await t.req("GET", "/api/user_info", { headers: sl(paula) })).json.is_premium).toBe(true);
    const suffixes = (await t.req("GET", "/api/v5/alias/options", { headers: sl(paula) })).json.suffixes as { suffix: string; is_premium: boolean }[];
    expect(suffixes.map((x) => [x.suffix, x.is_premium])).toEqual([
      ["@premium.test", true], ["@share.test", false], ["@paula.premium.test", true], ["@paula.share.test", false],
    ]);
    const freeSuffixes = (await t.req("GET", "/api/v5/alias/options", { headers: sl(fred) })).json.suffixes as { suffix: string }[];
    expect(freeSuffixes.map((x) => x.suffix)).toEqual(["@share.test", "@fred.share.test"]);
  });
});

describe("counts past the plan", () => {
  it("refuse a second recipient, a custom domain and a username on free with 403 and a message", async () => {
    const recipient = await t.req("POST", "/api/v1/recipients", { headers: h(fred), body: { email: "other@mailbox.example" } });
    expect(recipient.status).toBe(403);
    expect(recipient.json).toEqual({ message: "Your plan (free) allows 1 recipient. Remove one or change plan." });
    const domain = await t.req("POST", "/api/v1/domains", { headers: h(fred), body: { domain: "fred-own.example" } });
    expect(domain.status).toBe(403);
    expect(domain.json.message).toBe("Your plan (free) allows 0 custom domains. Remove one or change plan.");
    const username = await t.req("POST", "/api/v1/usernames", { headers: h(fred), body: { username: "fredwork" } });
    expect(username.status).toBe(403);
    expect(username.json.message).toBe("Your plan (free) allows 0 usernames besides your own. Remove one or change plan.");
    // pro allows them
    expect((await t.req("POST", "/api/v1/recipients", { headers: h(paula), body: { email: "other@mailbox.example" } })).status).toBe(201);
    expect((await t.req("POST", "/api/v1/usernames", { headers: h(paula), body: { username: "paulawork" } })).status).toBe(201);
  });

  it("refuse the shared-domain alias past the limit (403), and an activation past it (single and bulk); username subdomains are not counted", async () => {
    const limit = (await t.w.db.select().from(plans).where(eq(plans.name, "free")))[0]!.sharedDomainAliases!;
    const ids: string[] = [];
    for (let i = 0; i < limit; i++) {
      const made = await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain: "share.test" } });
      expect(made.status, made.text).toBe(201);
      ids.push(made.json.data.id);
    }
    const over = await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain: "share.test" } });
    expect(over.status).toBe(403);
    expect(over.json.message).toBe(`Your plan (free) allows ${limit} active aliases on shared domains. Deactivate or delete one, use your username subdomain, or change plan.`);
    const sl = await t.req("POST", "/api/alias/random/new", { headers: { Authentication: fred.token, "Content-Type": "application/json" }, body: {} });
    expect(sl.status).toBe(403);
    expect(sl.json.error).toMatch(/^Your plan \(free\) allows/);
    expect((await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain: "fred.share.test" } })).status).toBe(201);

    expect((await t.req("DELETE", `/api/v1/active-aliases/${ids[0]}`, { headers: h(fred) })).status).toBe(204);
    const replacement = await t.req("POST", "/api/v1/aliases", { headers: h(fred), body: { domain: "share.test" } });
    expect(replacement.status).toBe(201);
    const activate = await t.req("POST", "/api/v1/active-aliases", { headers: h(fred), body: { id: ids[0] } });
    expect(activate.status).toBe(403);
    expect((await t.req("POST", "/api/v1/aliases/activate/bulk", { headers: h(fred), body: { ids: [ids[0]] } })).status).toBe(403);
    expect((await t.req("DELETE", `/api/v1/aliases/${replacement.json.data.id}`, { headers: h(fred) })).status).toBe(204);
    expect((await t.req("POST", "/api/v1/active-aliases", { headers: h(fred), body: { id: ids[0] } })).status).toBe(200);
    expect((await t.req("PATCH", `/api/v1/aliases/${replacement.json.data.id}/restore`, { headers: h(fred) })).status).toBe(403);
  });
});

describe("account-details", () => {
  it("reports the plan's limits (0 / null: unlimited) and the month's bandwidth", async () => {
    const f = (await t.req("GET", "/api/v1/account-details", { headers: h(fred) })).json.data;
    expect(f).toMatchObject({
      subscription: "free", bandwidth: 0, bandwidth_limit: 10 * 1024 * 1024, username_count: 1, username_limit: 1,
      recipient_count: 1, recipient_limit: 1, active_domain_count: 0, active_domain_limit: 0,
      active_shared_domain_alias_count: 3, active_shared_domain_alias_limit: 3, active_rule_limit: 0,
    });
    const p = (await t.req("GET", "/api/v1/account-details", { headers: h(paula) })).json.data;
    expect(p).toMatchObject({
      subscription: "pro", bandwidth_limit: 0, username_count: 2, username_limit: 21, recipient_limit: 30,
      active_domain_limit: 20, active_shared_domain_alias_limit: null, active_rule_limit: 20,
    });
  });
});
