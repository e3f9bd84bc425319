/**
 * Contract: the addy.io Android and iOS apps (api-clients.md §5), request for request. iOS decodes with
 * strict Codable (every non-optional field present, non-null, of the right JSON type); Android builds
 * its filter keys with a trailing `=` inside the key (`filter%5Bactive%5D%3D=true`), which must still
 * filter, as PHP reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiTest, DATE_TIME, androidHeaders, expectTypes, startApiTest } from "./support.js";

let t: ApiTest;
let jane: Account;
let h: Record<string, string>;

/** UserResource fields Android requires non-null, with their JSON types (§5.1). */
const USER_FIELDS: Record<string, string> = {
  id: "string", username: "string", banner_location: "string", bandwidth: "integer", username_count: "integer", username_limit: "integer",
  default_username_id: "string", default_recipient_id: "string", default_alias_domain: "string", default_alias_format: "string",
  bandwidth_limit: "integer", recipient_count: "integer", active_domain_count: "integer", active_shared_domain_alias_count: "integer",
  active_rule_count: "integer", total_emails_forwarded: "integer", total_emails_blocked: "integer", total_emails_replied: "integer",
  total_emails_sent: "integer", total_aliases: "integer", total_active_aliases: "integer", total_inactive_aliases: "integer",
  total_deleted_aliases: "integer", total_pinned_aliases: "integer", created_at: "string", updated_at: "string",
  from_name: "string|null", email_subject: "string|null",
};

/** Alias model types (§5.1). */
const ALIAS_FIELDS: Record<string, string> = {
  id: "string", user_id: "string", local_part: "string", domain: "string", email: "string", active: "boolean", pinned: "boolean",
  attached_recipients_only: "boolean", emails_forwarded: "integer", emails_blocked: "integer", emails_replied: "integer", emails_sent: "integer",
  created_at: "string", updated_at: "string", aliasable_id: "string|null", aliasable_type: "string|null", extension: "string|null",
  description: "string|null", from_name: "string|null", recipients: "array", last_forwarded: "string|null", last_blocked: "string|null",
  last_replied: "string|null", last_sent: "string|null", deleted_at: "string|null",
};

const RECIPIENT_FIELDS: Record<string, string> = {
  id: "string", user_id: "string", email: "string", can_reply_send: "boolean", should_encrypt: "boolean", inline_encryption: "boolean",
  protected_headers: "boolean", remove_pgp_keys: "boolean", remove_pgp_signatures: "boolean", fingerprint: "string|null",
  email_verified_at: "string|null", created_at: "string", updated_at: "string",
};

const ids = (res: { json: { data: { id: string }[] } }) => res.json.data.map((a) => a.id).sort();

beforeAll(async () => {
  t = await startApiTest({ API_RATE_LIMIT_PER_MINUTE: "1000" });
  jane = await t.account("jane", { password: "correct horse battery" });
  h = androidHeaders(jane.token);
});
afterAll(async () => { await t?.close(); });

describe("set-up: key check, version gate, default recipient, domain options", () => {
  it("GET /api/v1/account-details → {data: UserResource} with every non-null field", async () => {
    const res = await t.req("GET", "/api/v1/account-details", { headers: h });
    expect(res.status).toBe(200);
    expectTypes(res.json.data, USER_FIELDS);
    expect(res.json.data.created_at).toMatch(DATE_TIME);
    expect(res.json.data.default_recipient_id).toBe(jane.recipientId);
  });

  it("GET /api/v1/app-version → a version ≥ 1.6.2 (iOS) and ≥ 1.5.0 (Android)", async () => {
    const res = await t.req("GET", "/api/v1/app-version", { headers: h });
    expect(res.status).toBe(200);
    expectTypes(res.json, { version: "string", major: "integer", minor: "integer", patch: "integer" });
    const v = [res.json.major, res.json.minor, res.json.patch];
    expect(v[0] * 10000 + v[1] * 100 + v[2]).toBeGreaterThanOrEqual(10602);
    expect(res.json.version).toBe(v.join("."));
  });

  it("GET /api/v1/recipients/{default_recipient_id} → the Recipient model", async () => {
    const res = await t.req("GET", `/api/v1/recipients/${jane.recipientId}`, { headers: h });
    expect(res.status).toBe(200);
    expectTypes(res.json.data, { ...RECIPIENT_FIELDS, aliases_count: "integer" });
  });

  it("GET /api/v1/domain-options → data[], sharedDomains[], defaultAliasDomain, defaultAliasFormat, all non-null", async () => {
    const res = await t.req("GET", "/api/v1/domain-options", { headers: h });
    expectTypes(res.json, { data: "array", sharedDomains: "array", defaultAliasDomain: "string", defaultAliasFormat: "string" });
    expect(res.json.sharedDomains).toEqual(["share.test"]);
  });

  it("GET /api/v1/api-token-details → {name, created_at, expires_at}", async () => {
    const res = await t.req("GET", "/api/v1/api-token-details", { headers: h });
    expectTypes(res.json, { name: "string", created_at: "string", expires_at: "null" });
  });
});

describe("aliases", () => {
  const made: Record<string, string> = {};

  beforeAll(async () => {
    for (const name of ["one", "two", "three", "four"]) {
      const res = await t.req("POST", "/api/v1/aliases", { headers: h, body: { domain: "jane.share.test", description: `app ${name}`, format: "custom", local_part: name, recipient_ids: [] } });
      expect(res.status).toBe(201);
      made[name] = res.json.data.id;
    }
  });

  it("create: {domain, description, format, local_part: '' (sent even when empty), recipient_ids: []} → 201 {data: Alias}", async () => {
    const res = await t.req("POST", "/api/v1/aliases", { headers: h, body: { domain: "share.test", description: "", format: "uuid", local_part: "", recipient_ids: [] } });
    expect(res.status).toBe(201);
    expectTypes(res.json.data, ALIAS_FIELDS);
    expect(res.json.data.id).toBe(res.json.data.local_part);
    await t.req("DELETE", `/api/v1/aliases/${res.json.data.id}/forget`, { headers: h });
  });

  it("actions: activate 200 {data}, deactivate 204, pin 200, unpin 204, delete 204, restore 200 {data}, forget 204, edit 200", async () => {
    const id = made.four!;
    const steps: [string, string, unknown, number][] = [
      ["DELETE", `/api/v1/active-aliases/${id}`, undefined, 204],
      ["POST", "/api/v1/active-aliases", { id }, 200],
      ["POST", "/api/v1/pinned-aliases", { id }, 200],
      ["DELETE", `/api/v1/pinned-aliases/${id}`, undefined, 204],
      ["PATCH", `/api/v1/aliases/${id}`, { from_name: "Jane at work" }, 200],
      ["PATCH", `/api/v1/aliases/${id}`, { description: "edited" }, 200],
      ["DELETE", `/api/v1/aliases/${id}`, undefined, 204],
      ["PATCH", `/api/v1/aliases/${id}/restore`, undefined, 200],
    ];
    for (const [method, path, body, status] of steps) {
      const res = await t.req(method, path, { headers: h, body });
      expect(res.status, `${method} ${path}`).toBe(status);
      if (status === 200) expectTypes(res.json.data, ALIAS_FIELDS);
      if (status === 204) expect(res.text).toBe("");
    }
    const after = await t.req("GET", `/api/v1/aliases/${id}`, { headers: h });
    expect([after.json.data.from_name, after.json.data.description, after.json.data.active]).toEqual(["Jane at work", "edited", true]);
  });

  describe("list filters with Android's URL-encoded keys (filter[active]= as the key)", () => {
    beforeAll(async () => {
      expect((await t.req("DELETE", `/api/v1/active-aliases/${made.one}`, { headers: h })).status).toBe(204);
      expect((await t.req("POST", "/api/v1/pinned-aliases", { headers: h, body: { id: made.two } })).status).toBe(200);
      expect((await t.req("DELETE", `/api/v1/aliases/${made.three}`, { headers: h })).status).toBe(204);
    });
    const android = (filter: string) => t.req("GET", `/api/v1/aliases?${filter}&page%5Bsize%5D=20`, { headers: h });

    it.each([
      ["filter%5Bactive%5D%3D=true", ["two", "four"]],
      ["filter%5Bactive%5D%3D=false", ["one"]],
      ["filter%5Bdeleted%5D%3D=only", ["three"]],
      ["filter%5Bpinned%5D%3D=true", ["two"]],
      ["filter%5Bdeleted%5D%3D=with", ["one", "two", "three", "four"]],
    ])("%s", async (filter, names) => {
      const res = await android(filter);
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(names.map((n) => made[n]!).sort());
      for (const alias of res.json.data) expectTypes(alias, ALIAS_FIELDS);
    });

    it("answers with the envelope the apps decode (iOS Meta: current_page, last_page, links, path, per_page, total)", async () => {
      const res = await android("filter%5Bdeleted%5D%3D=with&filter%5Bsearch%5D%3D=app");
      expectTypes(res.json.links, { first: "string", last: "string", prev: "null", next: "null" });
      expectTypes(res.json.meta, { current_page: "integer", from: "integer", last_page: "integer", links: "array", path: "string", per_page: "integer", to: "integer", total: "integer" });
      expect([res.json.meta.per_page, res.json.meta.total]).toEqual([20, 3]); // "four" was renamed "edited" above
      for (const link of res.json.meta.links) expectTypes(link, { url: "string|null", label: "string", active: "boolean" });
    });

    it("the first data item is the pinned one, and sort/-field and recipient/username filters apply", async () => {
      const pinnedFirst = await android("filter%5Bdeleted%5D%3D=with&sort=-created_at");
      expect(pinnedFirst.json.data[0].id).toBe(made.two);
      const byUsername = await android(`filter%5Bdeleted%5D%3D=with&username=${jane.usernameId}`);
      expect(byUsername.json.meta.total).toBe(4);
      const byRecipient = await android(`filter%5Bdeleted%5D%3D=with&recipient=${jane.recipientId}`);
      expect(byRecipient.json.meta.total).toBe(4);
      const otherRecipient = await android(`filter%5Bdeleted%5D%3D=with&recipient=${crypto.randomUUID()}`);
      expect(otherRecipient.json.meta.total).toBe(0);
    });

    it("iOS sends the same filters with plain keys", async () => {
      const res = await t.req("GET", "/api/v1/aliases?filter[active]=false&page[size]=20", { headers: h });
      expect(ids(res)).toEqual([made.one]);
    });
  });
});

describe("password login (Android)", () => {
  it("POST /api/auth/login {username, password, device_name, expiration} → 200 {api_key, name, created_at, expires_at}", async () => {
    const res = await t.req("POST", "/api/auth/login", {
      headers: { "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      body: { username: "jane", password: "correct horse battery", device_name: "addy.io for Android", expiration: "month" },
    });
    expect(res.status).toBe(200);
    expectTypes(res.json, { api_key: "string", name: "string", created_at: "string", expires_at: "string" });
    expect(res.json.name).toBe("addy.io for Android");
    const details = await t.req("GET", "/api/v1/api-token-details", { headers: androidHeaders(res.json.api_key) });
    expect([details.json.name, details.json.expires_at]).toEqual(["addy.io for Android", res.json.expires_at]);
    const logout = await t.req("POST", "/api/auth/logout", { headers: androidHeaders(res.json.api_key) });
    expect(logout.status).toBe(204);
    expect((await t.req("GET", "/api/v1/account-details", { headers: androidHeaders(res.json.api_key) })).status).toBe(401);
  });
});
