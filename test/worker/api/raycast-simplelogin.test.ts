/**
 * Contract: Raycast's Addy extension (api-clients.md §6, including its misspelt `recipients_ids`), and
 * the SimpleLogin clients (§7: the browser extension and Raycast's SimpleLogin extension), request for
 * request, against the real Worker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases } from "../../../db/schema/index.js";
import { mac } from "../../../worker/auth/keys.js";
import { SECRETS } from "../../helpers/worker.js";
import { type Account, type ApiTest, expectTypes, raycastHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let jane: Account;

beforeAll(async () => {
  t = await startApiTest({ API_RATE_LIMIT_PER_MINUTE: "1000" });
  jane = await t.account("jane");
});
afterAll(async () => { await t?.close(); });

describe("Raycast (Addy)", () => {
  const h = () => raycastHeaders(jane.token);
  const api = (method: string, path: string, body?: unknown) => t.req(method, `/api/v1/${path}`, { headers: h(), body });

  it("quick generate: domain-options, then POST {domain: defaultAliasDomain, format: defaultAliasFormat} → 201", async () => {
    const options = await api("GET", "domain-options");
    expect(options.status).toBe(200);
    const res = await api("POST", "aliases", { domain: options.json.defaultAliasDomain, format: options.json.defaultAliasFormat });
    expect(res.status).toBe(201);
    expect(res.json.data.domain).toBe(options.json.defaultAliasDomain);
  });

  it("custom create with the misspelt `recipients_ids`: the unknown key is ignored, not rejected", async () => {
    const res = await api("POST", "aliases", { domain: "jane.share.test", format: "custom", local_part: "raycast", description: "from raycast", recipients_ids: [jane.recipientId] });
    expect(res.status).toBe(201);
    expect([res.json.data.email, res.json.data.recipients]).toEqual(["raycast@jane.share.test", []]);
  });

  it("list all: page[size]=100&with=recipients, following meta.current_page < meta.last_page", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const rows = Array.from({ length: 230 }, (_, i) => ({
      id: crypto.randomUUID(), userId: jane.userId, usernameId: jane.usernameId, domainId: "", localPart: `bulk${i}`, domain: "jane.share.test",
      email: `bulk${i}@jane.share.test`, createdAt: new Date(now.getTime() - i * 1000), updatedAt: now,
    }));
    const [existing] = await t.w.db.select({ domainId: aliases.domainId }).from(aliases).limit(1);
    await t.w.db.insert(aliases).values(rows.map((r) => ({ ...r, domainId: existing!.domainId })));
    const seen = new Set<string>();
    let page = 1;
    for (;;) {
      const res = await api("GET", `aliases?page[number]=${page}&page[size]=100&with=recipients`);
      expect(res.status).toBe(200);
      for (const a of res.json.data) { seen.add(a.id); expectTypes(a, { id: "string", email: "string", active: "boolean", description: "string|null", domain: "string", local_part: "string", recipients: "array", created_at: "string", deleted_at: "null" }); }
      if (res.json.meta.current_page >= res.json.meta.last_page) break;
      page = res.json.meta.current_page + 1;
    }
    expect([page, seen.size]).toEqual([3, 232]);
  });

  it("get, edit, toggle, delete, forget and verified recipients", async () => {
    const created = (await api("POST", "aliases", { domain: "share.test", format: "random_characters" })).json.data;
    expect((await api("GET", `aliases/${created.id}`)).json.data.email).toBe(created.email);
    expect((await api("PATCH", `aliases/${created.id}`, { description: "note" })).status).toBe(200);
    expect((await api("DELETE", `active-aliases/${created.id}`)).status).toBe(204);
    expect((await api("POST", "active-aliases", { id: created.id })).status).toBe(200);
    expect((await api("DELETE", `aliases/${created.id}`)).status).toBe(204);
    expect((await api("DELETE", `aliases/${created.id}/forget`)).status).toBe(204);
    const recipients = await api("GET", "recipients?filter[verified]=true");
    expect(recipients.json.data.map((r: { email: string }) => r.email)).toEqual(["jane@mailbox.example"]);
  });
});

describe("SimpleLogin browser extension", () => {
  const h = () => ({ Authentication: jane.token, "Content-Type": "application/json" });

  it("validates the key with GET /api/user_info → name or email, can_create_reverse_alias", async () => {
    const res = await t.req("GET", "/api/user_info", { headers: { Authentication: jane.token } });
    expect(res.status).toBe(200);
    expectTypes(res.json, { name: "string", email: "string", can_create_reverse_alias: "boolean", is_premium: "boolean" });
    expect(res.json.email).toBe("jane@mailbox.example");
  });

  it("GET /api/v4/alias/options?hostname= → can_create, prefix_suggestion, suffixes as [suffix, signed_suffix] pairs", async () => {
    const res = await t.req("GET", "/api/v4/alias/options?hostname=www.github.com", { headers: { Authentication: jane.token } });
    expect(res.status).toBe(200);
    expect([res.json.can_create, res.json.prefix_suggestion]).toEqual([true, "github"]);
    expect(res.json.suffixes.map((s: string[]) => s[0])).toEqual(["@share.test", "@jane.share.test"]);
    for (const pair of res.json.suffixes) expect(pair).toEqual([expect.any(String), expect.any(String)]);
  });

  it("custom alias: POST /api/v2/alias/custom/new {alias_prefix, signed_suffix, note} → 201; again → 409; expired → 412; forged → 400", async () => {
    const options = await t.req("GET", "/api/v4/alias/options?hostname=shop.example", { headers: { Authentication: jane.token } });
    const signed = options.json.suffixes[1][1] as string;
    const create = (signed_suffix: string) => t.req("POST", "/api/v2/alias/custom/new?hostname=shop.example", { headers: h(), body: { alias_prefix: "shopping", signed_suffix, note: "shop" } });
    const first = await create(signed);
    expect(first.status).toBe(201);
    expect([first.json.alias, first.json.email, first.json.note]).toEqual(["shopping@jane.share.test", "shopping@jane.share.test", "shop"]);
    const again = await create(signed);
    expect([again.status, typeof again.json.error]).toEqual([409, "string"]);
    const issued = Math.floor(Date.now() / 1000) - 3600;
    const old = `@jane.share.test.${issued}.${await mac(SECRETS.admin, "links", `sl-suffix|${jane.userId}|@jane.share.test|${issued}`)}`;
    expect((await create(old)).status).toBe(412);
    expect((await create(signed.replace(/jane\.share/, "evil.share"))).status).toBe(400);
  });

  it("GET /api/mailboxes → mailboxes[{id, email, verified, default, creation_timestamp, nb_alias}]", async () => {
    const res = await t.req("GET", "/api/mailboxes", { headers: { Authentication: jane.token } });
    expect(res.json.mailboxes).toHaveLength(1);
    expectTypes(res.json.mailboxes[0], { id: "string", email: "string", verified: "boolean", default: "boolean", creation_timestamp: "integer", nb_alias: "integer" });
    expect(res.json.mailboxes[0].default).toBe(true);
  });

  it("list: POST /api/v2/aliases?page_id=0 {query} → aliases[] with the v2 fields; an empty page ends it", async () => {
    const res = await t.req("POST", "/api/v2/aliases?page_id=0", { headers: h(), body: { query: "shopping" } });
    expect(res.status).toBe(200);
    expect(res.json.aliases).toHaveLength(1);
    expectTypes(res.json.aliases[0], {
      id: "string", email: "string", creation_date: "string", creation_timestamp: "integer", enabled: "boolean", note: "string|null", name: "string|null",
      nb_forward: "integer", nb_block: "integer", nb_reply: "integer", mailbox: "object", mailboxes: "array", support_pgp: "boolean",
      disable_pgp: "boolean", latest_activity: "null", pinned: "boolean",
    });
    expect((await t.req("POST", "/api/v2/aliases?page_id=1", { headers: h(), body: { query: "shopping" } })).json.aliases).toEqual([]);
  });

  it("random alias with a hostname → 201 {alias, email, …}; toggle → {enabled}; edit (PUT) → 200; delete → {deleted: true}", async () => {
    const made = await t.req("POST", "/api/alias/random/new?hostname=news.example", { headers: h(), body: { note: "news" } });
    expect(made.status).toBe(201);
    const id = made.json.id as string;
    const toggled = await t.req("POST", `/api/aliases/${id}/toggle`, { headers: h() });
    expect([toggled.status, toggled.json]).toEqual([200, { enabled: false }]);
    const edited = await t.req("PUT", `/api/aliases/${id}`, { headers: h(), body: { note: "edited", name: "Jane", disable_pgp: false, mailbox_ids: [jane.recipientId] } });
    expect([edited.status, edited.json]).toEqual([200, { ok: true }]);
    const read = await t.req("GET", `/api/aliases/${id}`, { headers: h() });
    expect([read.json.note, read.json.name, read.json.enabled, read.json.mailboxes.length]).toEqual(["edited", "Jane", false, 1]);
    const deleted = await t.req("DELETE", `/api/aliases/${id}`, { headers: h() });
    expect([deleted.status, deleted.json]).toEqual([200, { deleted: true }]);
    expect((await t.req("POST", `/api/aliases/${id}/toggle`, { headers: h() })).status).toBe(404);
  });
});

describe("Raycast (SimpleLogin)", () => {
  const get = (path: string) => t.req("GET", path, { headers: { Authentication: jane.token, "content-type": "text/json" } });
  const post = (path: string, body: unknown) => t.req("POST", path, { headers: { Authentication: jane.token, "Content-Type": "application/json" }, body });

  it("GET /api/v5/alias/options → suffixes as objects {suffix, signed_suffix, is_custom, is_premium}", async () => {
    const res = await get("/api/v5/alias/options");
    expect(res.status).toBe(200);
    for (const s of res.json.suffixes) expectTypes(s, { suffix: "string", signed_suffix: "string", is_custom: "boolean", is_premium: "boolean" });
    const res2 = await post("/api/v3/alias/custom/new", { alias_prefix: "raycastsl", signed_suffix: res.json.suffixes[0].signed_suffix, mailbox_ids: [jane.recipientId], note: "n", name: "Jane" });
    expect(res2.status).toBe(201);
    expect([res2.json.alias, res2.json.name, res2.json.mailboxes[0].id]).toEqual(["raycastsl@share.test", "Jane", jane.recipientId]);
  });

  it("random with ?mode=word and ?mode=uuid, with {note} or {}", async () => {
    const word = await post("/api/alias/random/new?mode=word", { note: "w" });
    const uuid = await post("/api/alias/random/new?mode=uuid", {});
    expect([word.status, uuid.status]).toEqual([201, 201]);
    expect(word.json.alias).toMatch(/^[a-z]+\.[a-z]+\d{2}@/);
    expect(uuid.json.alias).toMatch(/^[0-9a-f-]{36}@/);
  });

  it("GET /api/v2/aliases?page_id=N until empty; PATCH {pinned}; toggle with {enabled} (ignored: it flips)", async () => {
    const all: string[] = [];
    for (let page = 0; ; page++) {
      const res = await get(`/api/v2/aliases?page_id=${page}`);
      if (res.json.aliases.length === 0) break;
      all.push(...res.json.aliases.map((a: { id: string }) => a.id));
    }
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(230);
    const id = all[0]!;
    expect((await t.req("PATCH", `/api/aliases/${id}`, { headers: { Authentication: jane.token, "Content-Type": "application/json" }, body: { pinned: true } })).json).toEqual({ ok: true });
    expect((await get(`/api/aliases/${id}`)).json.pinned).toBe(true);
    const flip = await post(`/api/aliases/${id}/toggle`, { enabled: true });
    expect(flip.json).toEqual({ enabled: false });
  });
});
