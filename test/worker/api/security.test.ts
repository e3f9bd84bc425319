/**
 * Security of the API: ownership (another account's id is 404 on every route, exactly like an id that
 * does not exist), tokens (missing, unknown, expired, revoked → 401), search input taken literally,
 * and answers that are always JSON (never HTML, never a redirect) in the caller's dialect.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases, apiTokens } from "../../../db/schema/index.js";
import { type Account, type ApiTest, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let jane: Account;
let mallory: Account;
let janeAlias: string;
let janeDomain: string;

const as = (who: Account) => extensionHeaders(who.token);

beforeAll(async () => {
  t = await startApiTest({ API_RATE_LIMIT_PER_MINUTE: "1000" });
  jane = await t.account("jane");
  mallory = await t.account("mallory");
  janeAlias = (await t.req("POST", "/api/v1/aliases", { headers: as(jane), body: { domain: "share.test", description: "private" } })).json.data.id;
  janeDomain = (await t.req("POST", "/api/v1/domains", { headers: as(jane), body: { domain: "jane-own.example" } })).json.data.id;
});
afterAll(async () => { await t?.close(); });

describe("another account's ids are 404 and change nothing", () => {
  const attempts = (): [string, string, unknown][] => [
    ["GET", `/api/v1/aliases/${janeAlias}`, undefined],
    ["PATCH", `/api/v1/aliases/${janeAlias}`, { description: "pwned" }],
    ["PATCH", `/api/v1/aliases/${janeAlias}/restore`, undefined],
    ["DELETE", `/api/v1/aliases/${janeAlias}`, undefined],
    ["DELETE", `/api/v1/aliases/${janeAlias}/forget`, undefined],
    ["POST", "/api/v1/active-aliases", { id: janeAlias }],
    ["DELETE", `/api/v1/active-aliases/${janeAlias}`, undefined],
    ["POST", "/api/v1/pinned-aliases", { id: janeAlias }],
    ["POST", "/api/v1/attached-recipients-only", { id: janeAlias }],
    ["POST", "/api/v1/alias-recipients", { alias_id: janeAlias, recipient_ids: [] }],
    ["POST", "/api/v1/aliases/get/bulk", { ids: [janeAlias] }],
    ["POST", "/api/v1/aliases/deactivate/bulk", { ids: [janeAlias] }],
    ["POST", "/api/v1/aliases/forget/bulk", { ids: [janeAlias] }],
    ["GET", `/api/v1/recipients/${jane.recipientId}`, undefined],
    ["DELETE", `/api/v1/recipients/${jane.recipientId}`, undefined],
    ["POST", "/api/v1/allowed-recipients", { id: jane.recipientId }],
    ["GET", `/api/v1/domains/${janeDomain}`, undefined],
    ["DELETE", `/api/v1/domains/${janeDomain}`, undefined],
    ["POST", "/api/v1/active-domains", { id: janeDomain }],
    ["GET", `/api/v1/usernames/${jane.usernameId}`, undefined],
    ["DELETE", `/api/v1/usernames/${jane.usernameId}`, undefined],
    ["POST", "/api/v1/catch-all-usernames", { id: jane.usernameId }],
  ];

  it("on every addy.io route", async () => {
    for (const [method, path, body] of attempts()) {
      const res = await t.req(method, path, { headers: as(mallory), body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(typeof res.json.message, `${method} ${path}`).toBe("string");
    }
    const [row] = await t.w.db.select().from(aliases).where(eq(aliases.id, janeAlias));
    expect([row!.userId, row!.active, row!.description, row!.deletedAt]).toEqual([jane.userId, true, "private", null]);
    expect((await t.req("GET", `/api/v1/domains/${janeDomain}`, { headers: as(jane) })).status).toBe(200);
  });

  it("on the SimpleLogin routes", async () => {
    const sl = { Authentication: mallory.token, "Content-Type": "application/json" };
    for (const [method, path] of [["GET", `/api/aliases/${janeAlias}`], ["POST", `/api/aliases/${janeAlias}/toggle`], ["PUT", `/api/aliases/${janeAlias}`], ["DELETE", `/api/aliases/${janeAlias}`]]) {
      const res = await t.req(method!, path!, { headers: sl, body: method === "PUT" ? { note: "x" } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(typeof res.json.error).toBe("string");
    }
  });

  it("recipients of another account cannot be attached to one's own alias", async () => {
    const own = (await t.req("POST", "/api/v1/aliases", { headers: as(mallory), body: { domain: "share.test" } })).json.data.id;
    const res = await t.req("POST", "/api/v1/alias-recipients", { headers: as(mallory), body: { alias_id: own, recipient_ids: [jane.recipientId] } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.errors)).toEqual(["recipient_ids"]);
  });

  it("listing by another account's recipient, domain or username finds nothing", async () => {
    for (const q of [`recipient=${jane.recipientId}`, `domain=${janeDomain}`, `username=${jane.usernameId}`]) {
      const res = await t.req("GET", `/api/v1/aliases?filter[deleted]=with&${q}`, { headers: as(mallory) });
      expect([res.status, res.json.meta.total], q).toEqual([200, 0]);
    }
  });
});

describe("tokens", () => {
  it("missing, malformed, unknown → 401 {message}", async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: "Bearer" }, { Authorization: `Basic ${btoa("x:y")}` }, { Authorization: `Bearer vm${"0".repeat(46)}` }]) {
      const res = await t.req("GET", "/api/v1/aliases", { headers });
      expect([res.status, res.json]).toEqual([401, { message: "Unauthenticated." }]);
    }
  });

  it("a used token gets last_used_at (written after the answer, at most every 5 minutes)", async () => {
    const { id, token } = await t.admin<{ id: string; token: string }>("tokens", { username: "jane", name: "touched" });
    const used = async () => (await t.w.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, id)))[0]!.at;
    expect(await used()).toBeNull();
    expect((await t.req("GET", "/api/v1/app-version", { headers: extensionHeaders(token) })).status).toBe(200);
    let at: Date | null = null;
    for (let i = 0; i < 50 && !at; i++) { at = await used(); if (!at) await new Promise((r) => setTimeout(r, 100)); }
    expect(Math.abs(at!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("expired → 401", async () => {
    const { token } = await t.admin<{ token: string }>("tokens", { username: "jane", name: "old", expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expect((await t.req("GET", "/api/v1/aliases", { headers: extensionHeaders(token) })).status).toBe(401);
    const { token: fresh } = await t.admin<{ token: string }>("tokens", { username: "jane", name: "fresh", expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect((await t.req("GET", "/api/v1/aliases", { headers: extensionHeaders(fresh) })).status).toBe(200);
  });

  it("revoked (logout) → 401, while the account's other tokens keep working", async () => {
    const { token } = await t.admin<{ token: string }>("tokens", { username: "jane", name: "to revoke" });
    expect((await t.req("POST", "/api/auth/logout", { headers: extensionHeaders(token) })).status).toBe(204);
    expect((await t.req("GET", "/api/v1/aliases", { headers: extensionHeaders(token) })).status).toBe(401);
    expect((await t.req("GET", "/api/user_info", { headers: { Authentication: token } })).status).toBe(401);
    expect((await t.req("GET", "/api/v1/aliases", { headers: as(jane) })).status).toBe(200);
  });
});

describe("search is literal", () => {
  beforeAll(async () => {
    for (const description of ["50% off_today", "50 percent offXtoday", "O'Brien's shop", "plain"]) {
      expect((await t.req("POST", "/api/v1/aliases", { headers: as(mallory), body: { domain: "share.test", description } })).status).toBe(201);
    }
  });
  const search = async (q: string) => (await t.req("GET", `/api/v1/aliases?filter[search]=${encodeURIComponent(q)}`, { headers: as(mallory) })).json;

  it.each([["50%", 1], ["off_today", 1], ["O'Brien", 1], ["%%%", 0], ["___", 0], ["' OR '1'='1", 0], ["'); DROP TABLE aliases; --", 0], ["\\\\%", 0]])("%s matches %i", async (q, n) => {
    const body = await search(q);
    expect(body.meta.total).toBe(n);
  });

  it("the table is still there and the other account's aliases never show", async () => {
    expect((await search("private")).meta.total).toBe(0);
    expect((await t.req("GET", "/api/v1/aliases", { headers: as(jane) })).json.meta.total).toBe(1);
  });
});

describe("always JSON, never a redirect", () => {
  it.each(["text/html", "*/*", "text/html,application/xhtml+xml"])("unauthenticated with Accept %s → 401 JSON", async (accept) => {
    const res = await t.req("GET", "/api/v1/aliases", { headers: { Accept: accept } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("location")).toBeNull();
  });

  it("no dashboard session or cookie rides along with API answers", async () => {
    for (const res of [await t.req("GET", "/api/v1/aliases", { headers: as(jane) }), await t.req("GET", "/api/v1/aliases", { headers: { Accept: "text/html" } })]) {
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("unknown routes under /api and //api are 404 JSON in the right dialect", async () => {
    const addy = await t.req("GET", "/api/v1/nope", { headers: { ...as(jane), Accept: "text/html" } });
    const sl = await t.req("GET", "//api/nope", { headers: { Accept: "text/html" } });
    expect([addy.status, addy.json]).toEqual([404, { message: "Not Found." }]);
    expect([sl.status, sl.json]).toEqual([404, { error: "Not Found." }]);
  });

  it("a body over 64 KiB is 413 {message}, read or not", async () => {
    const res = await t.req("POST", "/api/v1/aliases", { headers: as(jane), body: { domain: "share.test", description: "x".repeat(70_000) } });
    expect([res.status, res.json]).toEqual([413, { message: "The request body is too large." }]);
  });

  it("bad JSON is 400 {message}; validation is 422 {message, errors} naming every field", async () => {
    const bad = await t.req("POST", "/api/v1/aliases", { headers: as(jane), body: "{not json" });
    expect([bad.status, typeof bad.json.message]).toEqual([400, "string"]);
    const invalid = await t.req("POST", "/api/v1/aliases", { headers: as(jane), body: { description: "x".repeat(201), recipient_ids: ["nope"] } });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.json.errors).sort()).toEqual(["description", "domain", "recipient_ids.0"]);
    expect(invalid.json.message).toBe("The domain field is required. (and 2 more errors)");
  });
});
