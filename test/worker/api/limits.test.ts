/**
 * Rate limits, with small limits so the tests stay quick: requests per token per minute, and aliases
 * per account per hour (the plan's `aliases_per_hour`). The counters are fixed windows in the database; a burst may straddle one window
 * boundary, so each test sends more than twice the limit and expects refusals in it, rather than
 * naming the exact request that is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;

beforeAll(async () => {
  t = await startApiTest({ API_RATE_LIMIT_PER_MINUTE: "5" });
  // Aliases per hour are a plan's limit (worker/plans/): the test accounts' plan, lowered in this database.
  await t.admin("plans/set", { name: "pro", aliasesPerHour: 3 });
});
afterAll(async () => { await t?.close(); });

describe("requests per token per minute", () => {
  it("refuses with 429, Retry-After and a readable JSON body; counts each token apart", async () => {
    const jane = await t.account("jane");
    const replies = [];
    for (let i = 0; i < 11; i++) replies.push(await t.req("GET", "/api/v1/domain-options", { headers: extensionHeaders(jane.token) }));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(10);
    for (const r of refused) {
      expect(r.json).toEqual({ message: "Too Many Attempts." });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(r.headers.get("x-ratelimit-remaining")).toBe("0");
    }
    expect(replies[0]!.headers.get("x-ratelimit-limit")).toBe("5");
    const other = await t.admin<{ token: string }>("tokens", { username: "jane", name: "second" });
    expect((await t.req("GET", "/api/v1/domain-options", { headers: extensionHeaders(other.token) })).status).toBe(200);
  });

  it("a GET is read while it is counted: past the limit the 429 replaces whatever it answered (here 404), and every answer carries the counters", async () => {
    const frank = await t.account("frank");
    const replies = [];
    for (let i = 0; i < 11; i++) replies.push(await t.req("GET", `/api/v1/aliases/${crypto.randomUUID()}`, { headers: extensionHeaders(frank.token) }));
    expect(replies.map((r) => r.status).filter((s) => s !== 404 && s !== 429)).toEqual([]);
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(replies.filter((r) => r.status === 404).length).toBeLessThanOrEqual(10);
    for (const r of replies) {
      expect(r.headers.get("x-ratelimit-limit")).toBe("5");
      if (r.status === 429) expect([r.json, r.headers.get("x-ratelimit-remaining")]).toEqual([{ message: "Too Many Attempts." }, "0"]);
      else expect(Number(r.headers.get("x-ratelimit-remaining"))).toBeLessThan(5);
    }
    const listed = await t.req("GET", "/api/v1/aliases", { headers: extensionHeaders((await t.admin<{ token: string }>("tokens", { username: "frank", name: "second" })).token) });
    expect([listed.status, listed.headers.get("x-ratelimit-remaining")]).toEqual([200, "4"]);
  });

  it("SimpleLogin callers get {error}", async () => {
    const bob = await t.account("bob");
    const replies = [];
    for (let i = 0; i < 11; i++) replies.push(await t.req("GET", "/api/user_info", { headers: { Authentication: bob.token } }));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.json).toEqual({ error: "Too Many Attempts." });
  });
});

describe("aliases per account per hour", () => {
  it("refuses creation past the limit with 429 and addy.io's message, through both APIs, for the account (not the token)", async () => {
    const carol = await t.account("carol");
    const second = await t.admin<{ token: string }>("tokens", { username: "carol", name: "second" });
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await t.req("POST", "/api/v1/aliases", { headers: extensionHeaders(carol.token), body: { domain: "share.test" } }));
    for (let i = 0; i < 3; i++) replies.push(await t.req("POST", "/api/alias/random/new", { headers: { Authentication: second.token, "Content-Type": "application/json" }, body: {} }));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(replies.filter((r) => r.status === 201).length).toBeLessThanOrEqual(6);
    for (const r of refused) {
      expect(r.json.message ?? r.json.error).toBe("You have reached your hourly limit for creating new aliases");
    }
  });

  it("does not count a refused (invalid) creation", async () => {
    const dave = await t.account("dave");
    for (let i = 0; i < 4; i++) {
      expect((await t.req("POST", "/api/v1/aliases", { headers: extensionHeaders(dave.token), body: { domain: "elsewhere.example" } })).status).toBe(422);
    }
    const fresh = await t.admin<{ token: string }>("tokens", { username: "dave", name: "fresh" });
    for (let i = 0; i < 3; i++) {
      expect((await t.req("POST", "/api/v1/aliases", { headers: extensionHeaders(fresh.token), body: { domain: "share.test" } })).status).toBe(201);
    }
  });
});
