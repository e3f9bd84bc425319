/**
 * One rule for from names (worker/domain/display-name.ts) wherever one is stored: addy.io's API (alias,
 * username, custom domain), the SimpleLogin API (alias `name`), the dashboard (alias edit, settings), and
 * at resolution a name stored before the rule is not handed to the bridge. A review found the API
 * storing `Evil\r\nBcc: …` that the dashboard refused. Through the real Worker over MariaDB.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveResponse } from "../../../common/internal-api.js";
import { aliases, domains, usernames, users } from "../../../db/schema/index.js";
import { checkDisplayName } from "../../../worker/domain/display-name.js";
import { signedInUser, textOf } from "../../helpers/web.js";
import { type Account, type ApiTest, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let ann: Account;
let aliasId: string;
const h = () => extensionHeaders(ann.token);

/** Names the rule refuses, with the end of the message that says why. */
const BAD: [string, string][] = [
  ["Evil\r\nBcc: victim@example.org", "must not contain line breaks or other control characters."],
  ["Tab\there", "must not contain line breaks or other control characters."],
  ["Line\u2028separator", "must not contain line breaks or other control characters."],
  ["C1\u0085next line", "must not contain line breaks or other control characters."],
  ["gro.elpmaxe@\u202Eadmin", "must not contain text-direction control characters."],
  ['Jane "the boss" Doe', "must not contain double quotes or angle brackets."],
  ["support@bank.example <support@bank.example>", "must not contain double quotes or angle brackets."],
  ["x".repeat(51), "must not be greater than 50 characters."],
];

beforeAll(async () => {
  t = await startApiTest();
  ann = await t.account("ann");
  aliasId = (await t.req("POST", "/api/v1/aliases", { headers: h(), body: { domain: "ann.share.test", format: "custom", local_part: "shop" } })).json.data.id;
});
afterAll(async () => { await t?.close(); });

describe("the rule", () => {
  it("trims, keeps ordinary punctuation and non-ASCII letters, and treats blank as no name", () => {
    expect(checkDisplayName("  O'Brien, Jane (work) ")).toEqual({ ok: true, name: "O'Brien, Jane (work)" });
    expect(checkDisplayName("Jürgen Müller 🙂")).toEqual({ ok: true, name: "Jürgen Müller 🙂" });
    expect(checkDisplayName("   ")).toEqual({ ok: true, name: null });
    expect(checkDisplayName("x".repeat(50))).toEqual({ ok: true, name: "x".repeat(50) });
    for (const [name, problem] of BAD) expect(checkDisplayName(name)).toEqual({ ok: false, problem });
  });
});

describe("addy.io API", () => {
  const targets = async () => {
    const usernameId = (await t.req("POST", "/api/v1/usernames", { headers: h(), body: { username: `ann${Date.now() % 100000}` } })).json.data.id;
    const domainId = (await t.req("POST", "/api/v1/domains", { headers: h(), body: { domain: `ann${Date.now() % 100000}.example` } })).json.data.id;
    return [`/api/v1/aliases/${aliasId}`, `/api/v1/usernames/${usernameId}`, `/api/v1/domains/${domainId}`];
  };

  it("refuses a bad from_name on aliases, usernames and domains with 422 and Laravel's wording; stores nothing", async () => {
    for (const path of await targets()) {
      for (const [name, problem] of BAD) {
        const res = await t.req("PATCH", path, { headers: h(), body: { from_name: name } });
        expect(res.status, `${path} ${JSON.stringify(name)}`).toBe(422);
        expect(res.json.errors.from_name).toEqual([`The from name field ${problem}`]);
      }
    }
    const stored = [
      ...(await t.w.db.select({ n: aliases.fromName }).from(aliases).where(eq(aliases.userId, ann.userId))),
      ...(await t.w.db.select({ n: usernames.fromName }).from(usernames).where(eq(usernames.userId, ann.userId))),
      ...(await t.w.db.select({ n: domains.fromName }).from(domains).where(eq(domains.userId, ann.userId))),
    ];
    expect(stored.every((r) => r.n === null)).toBe(true);
  });

  it("stores a good one trimmed, and clears it with null or an empty string", async () => {
    const res = await t.req("PATCH", `/api/v1/aliases/${aliasId}`, { headers: h(), body: { from_name: "  O'Brien, Ann (shop) " } });
    expect(res.status).toBe(200);
    expect(res.json.data.from_name).toBe("O'Brien, Ann (shop)");
    expect((await t.req("PATCH", `/api/v1/aliases/${aliasId}`, { headers: h(), body: { from_name: "" } })).json.data.from_name).toBeNull();
  });
});

describe("SimpleLogin API", () => {
  it("refuses a bad alias name with {error} and stores nothing", async () => {
    const res = await t.req("PATCH", `/api/aliases/${aliasId}`, { headers: { Authentication: ann.token, "Content-Type": "application/json" }, body: { name: "Evil\r\nBcc: victim@example.org" } });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: "The name field must not contain line breaks or other control characters." });
    expect((await t.w.db.select({ n: aliases.fromName }).from(aliases).where(eq(aliases.id, aliasId)))[0]!.n).toBeNull();
  });
});

describe("dashboard", () => {
  it("refuses the same names in the alias form and the settings, with the same reason", async () => {
    const user = await signedInUser(t.w.url, t.w.db, "bea");
    await user.client.submit("/aliases", { domain: "bea.share.test", format: "custom", local_part: "desk" });
    const [alias] = await t.w.db.select().from(aliases).where(eq(aliases.userId, user.userId));
    const settings = { default_alias_domain: "", default_alias_format: "random_characters", alias_separator: ".", display_from_format: "0", banner_location: "top" };
    for (const [name, problem] of BAD) {
      const edit = await user.client.submit(`/aliases/${alias!.id}`, { description: "", from_name: name });
      expect(edit.status, JSON.stringify(name)).toBe(422);
      expect(textOf(edit.html)).toContain(`The from name ${problem}`);
      const saved = await user.client.submit("/settings", { ...settings, from_name: name });
      expect(saved.status, JSON.stringify(name)).toBe(422);
      expect(textOf(saved.html)).toContain(`The from name ${problem}`);
    }
    expect((await t.w.db.select({ n: users.fromName }).from(users).where(eq(users.id, user.userId)))[0]!.n).toBeNull();
    expect((await user.client.submit("/settings", { ...settings, from_name: "Bea B." })).status).toBe(303);
  });
});

describe("resolution", () => {
  it("leaves out a from name stored before the rule, falling back to none", async () => {
    await t.w.db.update(aliases).set({ fromName: "Evil\r\nBcc: victim@example.org" }).where(eq(aliases.id, aliasId));
    const res = await t.w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "ann@mailbox.example", rcptTo: "shop+alice=sender.example@ann.share.test", clientIp: "192.0.2.1" });
    expect(res.body.action).toBe("reply");
    if (res.body.action === "reply") expect(res.body.plan.fromName).toBeNull();
  });
});
