/**
 * Contract: the addy.io browser extension (v3.0.3), request for request (api-clients.md §4): the exact
 * query strings and bodies it sends, the statuses it checks (201 create; 200 activate/pin/edit/restore;
 * 204 deactivate/unpin/delete/forget) and every alias field it reads, with its JSON type.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../../db/schema/index.js";
import { encryptSecret } from "../../../worker/auth/keys.js";
import { newTotpSecret, totpCode } from "../../../worker/auth/totp.js";
import { Alias } from "../../../worker/routes/api/addy/schemas.js";
import { SECRETS } from "../../helpers/worker.js";
import { type Account, type ApiTest, DATE_TIME, expectTypes, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let jane: Account;
let h: Record<string, string>;

/** The alias fields the extension reads, and their types. */
const ALIAS_FIELDS = {
  id: "string", email: "string", local_part: "string", extension: "string|null", domain: "string", description: "string|null",
  active: "boolean", pinned: "boolean", created_at: "string", deleted_at: "string|null", emails_forwarded: "integer", emails_blocked: "integer",
  emails_replied: "integer", emails_sent: "integer", last_forwarded: "string|null", last_blocked: "string|null", last_replied: "string|null", last_sent: "string|null",
};

/** addy.io's alias keys in order (addy-api-v1.md §3.4). */
const ALIAS_KEYS = [
  "id", "user_id", "aliasable_id", "aliasable_type", "local_part", "extension", "domain", "email", "active", "pinned", "description",
  "from_name", "attached_recipients_only", "emails_forwarded", "emails_blocked", "emails_replied", "emails_sent", "recipients",
  "last_forwarded", "last_blocked", "last_replied", "last_sent", "created_at", "updated_at", "deleted_at",
];

const list = (q: { deleted?: string; active?: string; pinned?: string; search?: string; sort?: string; page?: number }) =>
  t.req("GET", `/api/v1/aliases?filter[deleted]=${q.deleted ?? "with"}&filter[active]=${q.active ?? ""}&filter[pinned]=${q.pinned ?? ""}`
    + `&filter[search]=${encodeURIComponent(q.search ?? "")}&sort=${q.sort ?? ""}&page[number]=${q.page ?? 1}&page[size]=10`, { headers: h });

const create = (body: Record<string, unknown>) => t.req("POST", "/api/v1/aliases", { headers: h, body });

beforeAll(async () => {
  // The popup's calls in this file go past 60 a minute; the limit itself is tested in limits.test.ts.
  t = await startApiTest({ API_RATE_LIMIT_PER_MINUTE: "1000" });
  jane = await t.account("jane", { password: "correct horse battery" });
  h = extensionHeaders(jane.token);
});
afterAll(async () => { await t?.close(); });

describe("key login and defaults", () => {
  it("GET /api/v1/domain-options → data[], defaultAliasDomain, defaultAliasFormat", async () => {
    const res = await t.req("GET", "/api/v1/domain-options", { headers: h });
    expect(res.status).toBe(200);
    expectTypes(res.json, { data: "array", defaultAliasDomain: "string", defaultAliasFormat: "string", sharedDomains: "array" });
    expect(res.json.data).toEqual(["share.test", "jane.share.test"]);
    expect(res.json.defaultAliasFormat).toBe("random_characters");
  });

  it("GET /api/v1/recipients?filter[verified]=true&alias_count=false → data[].id, data[].email", async () => {
    const res = await t.req("GET", "/api/v1/recipients?filter[verified]=true&alias_count=false", { headers: h });
    expect(res.status).toBe(200);
    expect(res.json.data).toHaveLength(1);
    expectTypes(res.json.data[0], { id: "string", email: "string" });
  });
});

describe("aliases", () => {
  let created: Record<string, unknown>;

  it("create: POST {domain, local_part: '', description, format, recipient_ids: []} → 201 with local_part/extension/domain", async () => {
    const res = await create({ domain: "share.test", local_part: "", description: "example.org", format: "random_characters", recipient_ids: [] });
    expect(res.status).toBe(201);
    created = res.json.data;
    expect(Object.keys(created)).toEqual(ALIAS_KEYS);
    expectTypes(created, ALIAS_FIELDS);
    expect(Alias.parse(created)).toBeTruthy();
    expect(`${created.local_part}@${created.domain}`).toBe(created.email);
    expect(created.created_at).toMatch(DATE_TIME);
  });

  it("create with a custom local part and an extension, description omitted (selfhosted: custom on shared domains)", async () => {
    const res = await create({ domain: "jane.share.test", local_part: "Shop+1.3", format: "custom", recipient_ids: [jane.recipientId] });
    expect(res.status).toBe(201);
    expect([res.json.data.local_part, res.json.data.extension, res.json.data.domain, res.json.data.description]).toEqual(["shop", "1.3", "jane.share.test", null]);
    expect(res.json.data.recipients.map((r: { id: string }) => r.id)).toEqual([jane.recipientId]);
  });

  it("context-menu quick create: stored format, empty description, no recipients", async () => {
    const res = await create({ domain: "share.test", local_part: "", description: "", format: "random_words", recipient_ids: [] });
    expect(res.status).toBe(201);
    expect(res.json.data.description).toBeNull();
    expect(res.json.data.local_part).toMatch(/^[a-z]+\.[a-z]+\d{2}$/);
  });

  it("create refused: 422 with a first message in errors (what the popup shows)", async () => {
    const res = await create({ domain: "share.test", local_part: "bad name!", format: "custom", recipient_ids: [] });
    expect(res.status, res.text).toBe(422);
    expect(typeof Object.values(res.json.errors as Record<string, string[]>)[0]![0]).toBe("string");
  });

  it("list with every parameter the popup sends, empty ones meaning 'not given'", async () => {
    const res = await list({});
    expect(res.status).toBe(200);
    expectTypes(res.json.meta, { total: "integer" });
    expect(res.json.meta.total).toBe(3);
    expect(res.json.data).toHaveLength(3);
    expect(res.json.links.next).toBeNull();
    for (const alias of res.json.data) expectTypes(alias, ALIAS_FIELDS);
  });

  it("list pages of 10: links.next is set while there are more", async () => {
    for (let i = 0; i < 9; i++) expect((await create({ domain: "share.test", local_part: "", format: "random_characters", recipient_ids: [] })).status).toBe(201);
    const first = await list({});
    expect([first.json.data.length, first.json.meta.total, typeof first.json.links.next]).toEqual([10, 12, "string"]);
    const second = await t.req("GET", new URL(first.json.links.next).pathname + new URL(first.json.links.next).search, { headers: h });
    expect([second.json.data.length, second.json.links.next]).toEqual([2, null]);
  });

  it("search (≥ 3 characters) matches the address or the description", async () => {
    const res = await list({ search: "example.org" });
    expect(res.json.meta.total).toBe(1);
    expect(res.json.data[0].id).toBe(created.id);
  });

  it("edit description: PATCH {description} → 200", async () => {
    const res = await t.req("PATCH", `/api/v1/aliases/${created.id}`, { headers: h, body: { description: "renamed" } });
    expect(res.status).toBe(200);
    expect(res.json.data.description).toBe("renamed");
  });

  it("deactivate: DELETE /active-aliases/{id} → 204 empty; activate: POST /active-aliases {id} → 200", async () => {
    const off = await t.req("DELETE", `/api/v1/active-aliases/${created.id}`, { headers: h });
    expect([off.status, off.text]).toEqual([204, ""]);
    expect((await list({ active: "false" })).json.data.map((a: { id: string }) => a.id)).toEqual([created.id]);
    const on = await t.req("POST", "/api/v1/active-aliases", { headers: h, body: { id: created.id } });
    expect([on.status, on.json.data.active]).toEqual([200, true]);
  });

  it("pin: POST /pinned-aliases → 200 and it lists first; unpin: DELETE → 204", async () => {
    const pin = await t.req("POST", "/api/v1/pinned-aliases", { headers: h, body: { id: created.id } });
    expect([pin.status, pin.json.data.pinned]).toEqual([200, true]);
    expect((await list({ sort: "-created_at" })).json.data[0].id).toBe(created.id);
    expect((await list({ sort: "email" })).json.data[0].id).toBe(created.id);
    expect((await list({ pinned: "true" })).json.meta.total).toBe(1);
    const unpin = await t.req("DELETE", `/api/v1/pinned-aliases/${created.id}`, { headers: h });
    expect([unpin.status, unpin.text]).toEqual([204, ""]);
  });

  it("delete → 204; it shows under filter[deleted]=only; restore → 200 and active again", async () => {
    const del = await t.req("DELETE", `/api/v1/aliases/${created.id}`, { headers: h });
    expect([del.status, del.text]).toEqual([204, ""]);
    const only = await list({ deleted: "only" });
    expect(only.json.data.map((a: { id: string }) => a.id)).toEqual([created.id]);
    expect(only.json.data[0].deleted_at).toMatch(DATE_TIME);
    expect(only.json.data[0].active).toBe(false);
    expect((await list({ deleted: "without" })).json.meta.total).toBe(11);
    const restore = await t.req("PATCH", `/api/v1/aliases/${created.id}/restore`, { headers: h });
    expect([restore.status, restore.json.data.deleted_at, restore.json.data.active]).toEqual([200, null, true]);
  });

  it("forget → 204 and the alias is gone from every list", async () => {
    const res = await t.req("DELETE", `/api/v1/aliases/${created.id}/forget`, { headers: h });
    expect([res.status, res.text]).toEqual([204, ""]);
    expect((await t.req("GET", `/api/v1/aliases/${created.id}`, { headers: h })).status).toBe(404);
    expect((await list({ search: "renamed" })).json.meta.total).toBe(0);
  });

  it("sorts by every field it offers, ascending and descending", async () => {
    for (const field of ["active", "email", "created_at", "deleted_at", "domain", "emails_forwarded", "emails_blocked", "emails_replied", "emails_sent",
      "last_forwarded", "last_blocked", "last_replied", "last_sent", "last_used", "updated_at"]) {
      for (const sort of [field, `-${field}`]) expect((await list({ sort })).status, sort).toBe(200);
    }
    const emails = (await list({ sort: "email" })).json.data.map((a: { email: string }) => a.email);
    expect(emails).toEqual([...emails].sort());
    const descending = (await list({ sort: "-email" })).json.data.map((a: { email: string }) => a.email);
    expect(descending).toEqual([...descending].sort().reverse());
    expect((await list({ sort: "bogus" })).status).toBe(422);
  });
});

describe("password login", () => {
  const login = (body: Record<string, unknown>) =>
    t.req("POST", "/api/auth/login", { headers: { "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest", "X-Requested-From": "browser-extension", Accept: "application/json" }, body });

  it("without 2FA: any 2xx with api_key (and expires_at), which then works", async () => {
    const res = await login({ username: "jane", password: "correct horse battery", device_name: "Firefox", expiration: "week" });
    expect(res.status).toBe(200);
    expectTypes(res.json, { api_key: "string", name: "string", created_at: "string", expires_at: "string" });
    expect(res.json.api_key).toMatch(/^[A-Za-z0-9]{40,60}$/);
    expect((await t.req("GET", "/api/v1/domain-options", { headers: extensionHeaders(res.json.api_key) })).status).toBe(200);
  });

  it("wrong password: a message to show", async () => {
    const res = await login({ username: "jane", password: "wrong", device_name: "Firefox" });
    expect(res.status).toBe(401);
    expect(typeof res.json.message).toBe("string");
  });

  it("with TOTP: 422 carrying mfa_key and csrf_token, then /api/auth/mfa with the code gives the key", async () => {
    const secret = newTotpSecret();
    await t.w.db.update(users).set({ totpSecret: await encryptSecret(SECRETS.admin, secret), totpEnabledAt: new Date() }).where(eq(users.id, jane.userId));
    try {
      const first = await login({ username: "jane", password: "correct horse battery", device_name: "Firefox" });
      expect(first.status).toBe(422);
      expectTypes(first.json, { message: "string", mfa_key: "string", csrf_token: "string" });
      const mfa = (otp: string) => t.req("POST", "/api/auth/mfa", {
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-TOKEN": first.json.csrf_token },
        body: { mfa_key: first.json.mfa_key, otp, device_name: "Firefox", expiration: null },
      });
      const wrong = await mfa(totpCode(secret, new Date(Date.now() - 3600_000)));
      expect([wrong.status, typeof wrong.json.message]).toEqual([401, "string"]);
      const ok = await mfa(totpCode(secret, new Date()));
      expect(ok.status).toBe(200);
      expectTypes(ok.json, { api_key: "string", expires_at: "null" });
      const tampered = await t.req("POST", "/api/auth/mfa", { headers: { "Content-Type": "application/json" }, body: { mfa_key: first.json.mfa_key.replace(/.$/, "A"), otp: "123456" } });
      expect(tampered.status).toBe(401);
    } finally {
      await t.w.db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, jane.userId));
    }
  });
});
