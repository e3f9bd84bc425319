/**
 * Settings, change password, API tokens and account deletion through the real Worker: each form's
 * happy path, a validation error, a missing CSRF token, and another user's id answering 404.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../common/signature.js";
import { aliases, apiTokens, domains, recipients, sessions, usernames, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, type WebUser, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let ann: WebUser;
let ben: WebUser;
beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  ann = await signedInUser(w.url, w.db, "ann");
  ben = await signedInUser(w.url, w.db, "ben");
});
afterAll(async () => { await w?.close(); });

describe("general settings", () => {
  const valid = { default_alias_domain: "ann.share.test", default_alias_format: "random_words", alias_separator: "-", display_from_format: "3", banner_location: "bottom", use_reply_to: "on", from_name: "Ann A." };

  it("saves every field", async () => {
    const res = await ann.client.submit("/settings", valid);
    expect(res.status, textOf(res.html)).toBe(303);
    const [u] = await w.db.select().from(users).where(eq(users.id, ann.userId));
    expect(u).toMatchObject({ defaultAliasDomain: "ann.share.test", defaultAliasFormat: "random_words", aliasSeparator: "-", displayFromFormat: 3, bannerLocation: "bottom", useReplyTo: true, fromName: "Ann A." });
    const page = await ann.client.get("/settings");
    expect(textOf(page.html)).toContain("Settings saved.");
    expect(page.html).toMatch(/<option value="bottom" selected/);
  });

  it("refuses another user's domain (422 at the field) and an unknown banner location", async () => {
    const res = await ann.client.submit("/settings", { ...valid, default_alias_domain: "ben.share.test" });
    expect(res.status).toBe(422);
    expect(res.html).toMatch(/id="f-default_alias_domain"[^>]*aria-invalid="true"/);
    expect((await ann.client.submit("/settings", { ...valid, banner_location: "middle" })).status).toBe(422);
    expect((await ann.client.submit("/settings", { ...valid, from_name: "a\"b" })).status).toBe(422);
  });

  it("refuses a post without CSRF token, and one from a signed-out browser", async () => {
    await ann.client.get("/settings");
    expect((await ann.client.post("/settings", { ...valid, _csrf: null })).status).toBe(403);
    const stranger = new WebClient(w.url);
    await stranger.get("/");
    expect((await stranger.post("/settings", valid)).status).toBe(401);
  });
});

describe("change password", () => {
  it("needs the current password, then ends the other sessions but not this one", async () => {
    const user = await signedInUser(w.url, w.db, "cat");
    const other = new WebClient(w.url);
    expect((await other.submit("/login", { login: "cat", password: user.password })).status).toBe(303);
    const wrong = await user.client.submit("/settings/password", { current_password: "nope-nope", password: "cat-password-2", password_confirmation: "cat-password-2" });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html)).toContain("The current password is not right.");
    await user.client.get("/settings/password");
    expect((await user.client.post("/settings/password", { _csrf: null, current_password: user.password, password: "x".repeat(9), password_confirmation: "x".repeat(9) })).status).toBe(403);
    const ok = await user.client.submit("/settings/password", { current_password: user.password, password: "cat-password-2", password_confirmation: "cat-password-2" });
    expect(ok.status).toBe(303);
    expect((await user.client.get("/dashboard")).status).toBe(200);
    expect((await other.get("/dashboard")).status).toBe(303);
    expect(await w.db.select().from(sessions).where(eq(sessions.userId, user.userId))).toHaveLength(1);
  });
});

describe("API tokens", () => {
  it("shows a new token once, lists it without the secret, and revokes it; another user's token is 404", async () => {
    const created = await ann.client.submit("/settings/tokens", { name: "Bitwarden", expiration: "month" });
    expect(created.status).toBe(200);
    const token = /data-testid="new-token">([A-Za-z0-9]+)</.exec(created.html)![1]!;
    expect(token).toMatch(/^vm[A-Za-z0-9]{46}$/);
    const [row] = await w.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, await sha256Hex(token)));
    expect(row).toMatchObject({ userId: ann.userId, name: "Bitwarden" });
    expect(row!.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const list = await ann.client.get("/settings/tokens");
    expect(list.html).toContain("Bitwarden");
    expect(list.html).not.toContain(token);

    expect((await ann.client.submit("/settings/tokens", { name: "", expiration: "never" })).status).toBe(422);
    await ann.client.get("/settings/tokens");
    expect((await ann.client.post(`/settings/tokens/${row!.id}/revoke`, { _csrf: null })).status).toBe(403);
    await ben.client.get("/settings/tokens");
    expect((await ben.client.post(`/settings/tokens/${row!.id}/revoke`)).status).toBe(404);
    expect(await w.db.select().from(apiTokens).where(eq(apiTokens.id, row!.id))).toHaveLength(1);
    expect((await ann.client.post(`/settings/tokens/${row!.id}/revoke`)).status).toBe(303);
    expect(await w.db.select().from(apiTokens).where(eq(apiTokens.id, row!.id))).toHaveLength(0);
  });
});

describe("delete account", () => {
  it("needs the password; then keeps shared-domain aliases unowned and off, keeps the username, removes the rest", async () => {
    const dan = await signedInUser(w.url, w.db, "dan");
    await w.call("/internal/v1/admin/custom-domains", { username: "dan", domain: "dan-own.example", verified: true }, "admin");
    for (const domain of ["share.test", "dan.share.test", "dan-own.example"]) {
      const made = await w.call("/internal/v1/admin/aliases", { username: "dan", domain, localPart: "keepme" }, "admin");
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }
    expect((await dan.client.submit("/settings/delete", { password: "wrong-password" })).status).toBe(422);
    await dan.client.get("/settings/delete");
    expect((await dan.client.post("/settings/delete", { _csrf: null, password: dan.password })).status).toBe(403);
    const done = await dan.client.submit("/settings/delete", { password: dan.password });
    expect(done.status).toBe(303);

    const kept = await w.db.select().from(aliases).where(eq(aliases.localPart, "keepme"));
    expect(kept.map((a) => a.email).sort()).toEqual(["keepme@dan.share.test", "keepme@share.test"]);
    for (const a of kept) expect(a).toMatchObject({ userId: null, active: false, description: null });
    for (const a of kept) expect(a.deletedAt).not.toBeNull();
    expect(await w.db.select().from(domains).where(eq(domains.domain, "dan-own.example"))).toHaveLength(0);
    expect(await w.db.select().from(recipients).where(eq(recipients.userId, dan.userId))).toHaveLength(0);
    expect(await w.db.select().from(sessions).where(eq(sessions.userId, dan.userId))).toHaveLength(0);
    const [name] = await w.db.select().from(usernames).where(eq(usernames.username, "dan"));
    expect(name).toMatchObject({ userId: null, canLogin: false });
    expect((await dan.client.get("/dashboard")).status).toBe(303);
    expect((await new WebClient(w.url).submit("/login", { login: "dan", password: dan.password })).status).toBe(401);
    const again = await new WebClient(w.url).submit("/signup", { username: "dan", email: "dan2@mailbox.example", password: "dan-password-9", password_confirmation: "dan-password-9" });
    expect(again.status).toBe(422);
    expect(textOf(again.html)).toContain("taken");
    // The kept addresses are refused at RCPT like any deleted alias.
    const rcpt = await w.call<{ action: string }>("/internal/v1/resolve", { mailFrom: "x@example.org", rcptTo: "keepme@share.test", clientIp: "192.0.2.1" });
    expect(rcpt.body.action).toBe("reject");
    const other = await w.db.select().from(aliases).where(and(eq(aliases.userId, ann.userId)));
    expect(other.every((a) => a.userId === ann.userId)).toBe(true);
  });
});
