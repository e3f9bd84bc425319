/**
 * Security of the dashboard through the real Worker: what a user typed is escaped wherever it is shown
 * (XSS), and one signed-in user can neither read nor change another user's aliases, recipients,
 * usernames or domains: every such id answers 404, exactly like an id that does not exist, and the
 * rows stay as they were.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasRecipients, aliases, domains, recipients, usernames } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { type WebUser, signedInUser } from "../helpers/web.js";

const XSS = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;

let w: TestWorker;
let owner: WebUser;
let intruder: WebUser;
const ids = { alias: "", recipient: "", username: "", domain: "", intruderRecipient: "" };

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  owner = await signedInUser(w.url, w.db, "owner", undefined, "pro");
  intruder = await signedInUser(w.url, w.db, "intruder", undefined, "pro");
  await owner.client.submit("/aliases", { domain: "owner.share.test", format: "custom", local_part: "secret", description: XSS });
  ids.alias = (await w.db.select().from(aliases).where(eq(aliases.email, "secret@owner.share.test")))[0]!.id;
  ids.recipient = (await w.db.select().from(recipients).where(eq(recipients.userId, owner.userId)))[0]!.id;
  ids.intruderRecipient = (await w.db.select().from(recipients).where(eq(recipients.userId, intruder.userId)))[0]!.id;
  await owner.client.submit("/usernames", { username: "ownertwo", description: XSS });
  ids.username = (await w.db.select().from(usernames).where(eq(usernames.username, "ownertwo")))[0]!.id;
  await owner.client.submit("/domains", { domain: "owner-own.example" });
  ids.domain = (await w.db.select().from(domains).where(eq(domains.domain, "owner-own.example")))[0]!.id;
});
afterAll(async () => { await w?.close(); });

describe("escaping", () => {
  it("shows a description full of markup as text on the list, the alias page and the usernames page", async () => {
    for (const path of ["/aliases", `/aliases/${ids.alias}`, "/usernames", "/aliases?q=%3Cscript%3E"]) {
      const page = await owner.client.get(path);
      expect(page.status, path).toBe(200);
      expect(page.html, path).not.toContain("<script>alert(1)</script>");
      expect(page.html, path).not.toContain("<img src=x");
      expect(page.html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });

  it("escapes what is echoed back into a form after a validation error", async () => {
    const res = await owner.client.submit("/aliases", { domain: "owner.share.test", format: "custom", local_part: "", description: XSS });
    expect(res.status).toBe(422);
    expect(res.html).not.toContain("<img src=x");
    expect(res.html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"');
  });
});

describe("another user's things are 404 and stay untouched", () => {
  const tries: [string, string, Record<string, string | string[]>?][] = [
    ["GET", "/aliases/:alias"], ["POST", "/aliases/:alias", { description: "mine now", from_name: "" }],
    ["POST", "/aliases/:alias/active", { active: "0" }], ["POST", "/aliases/:alias/delete"], ["POST", "/aliases/:alias/restore"], ["POST", "/aliases/:alias/forget"],
    ["POST", "/recipients/:recipient/resend"], ["POST", "/recipients/:recipient/default"], ["POST", "/recipients/:recipient/can-reply", { allowed: "0" }],
    ["POST", "/recipients/:recipient/delete"],
    ["POST", "/usernames/:username/active", { on: "0" }], ["POST", "/usernames/:username/catch-all", { on: "0" }],
    ["POST", "/usernames/:username/default-recipient", { recipient_id: "" }], ["POST", "/usernames/:username/delete"],
    ["GET", "/domains/:domain"], ["POST", "/domains/:domain/check"], ["POST", "/domains/:domain/active", { on: "0" }],
    ["POST", "/domains/:domain/catch-all", { on: "0" }], ["POST", "/domains/:domain/default-recipient", { recipient_id: "" }], ["POST", "/domains/:domain/delete"],
  ];

  it.each(tries)("%s %s", async (method, template, fields = {}) => {
    const path = template.replace(/:(\w+)/, (_, k: keyof typeof ids) => ids[k]);
    await intruder.client.get("/dashboard");
    const res = method === "GET" ? await intruder.client.get(path) : await intruder.client.post(path, fields);
    expect(res.status).toBe(404);
    expect(res.html).not.toContain("secret@owner.share.test");
    expect(res.html).not.toContain("owner-own.example");
  });

  it("left every row as it was", async () => {
    expect((await w.db.select().from(aliases).where(eq(aliases.id, ids.alias)))[0]).toMatchObject({ userId: owner.userId, active: true, deletedAt: null, description: XSS });
    expect((await w.db.select().from(recipients).where(eq(recipients.id, ids.recipient)))[0]).toMatchObject({ userId: owner.userId, canReplySend: true });
    expect((await w.db.select().from(usernames).where(eq(usernames.id, ids.username)))[0]).toMatchObject({ userId: owner.userId, active: true, catchAll: true, deletedAt: null });
    expect((await w.db.select().from(domains).where(eq(domains.id, ids.domain)))[0]).toMatchObject({ userId: owner.userId, active: true, catchAll: true });
  });

  it("cannot attach another user's recipient to an own alias or username, nor list anyone else's things", async () => {
    await intruder.client.submit("/aliases", { domain: "intruder.share.test", format: "custom", local_part: "mine" });
    const mine = (await w.db.select().from(aliases).where(eq(aliases.email, "mine@intruder.share.test")))[0]!;
    await intruder.client.get(`/aliases/${mine.id}`);
    const attach = await intruder.client.post(`/aliases/${mine.id}`, { description: "", from_name: "", recipient_ids: [ids.recipient] });
    expect(attach.status).toBe(422);
    expect(await w.db.select().from(aliasRecipients).where(eq(aliasRecipients.aliasId, mine.id))).toHaveLength(0);
    const created = await intruder.client.submit("/aliases", { domain: "intruder.share.test", format: "random_characters", recipient_ids: [ids.recipient] });
    expect(created.status).toBe(422);
    const [name] = await w.db.select().from(usernames).where(eq(usernames.username, "intruder"));
    await intruder.client.get("/usernames");
    await intruder.client.post(`/usernames/${name!.id}/default-recipient`, { recipient_id: ids.recipient });
    expect((await w.db.select().from(usernames).where(eq(usernames.id, name!.id)))[0]!.defaultRecipientId).toBeNull();
    for (const path of ["/aliases", "/aliases?status=deleted", "/recipients", "/usernames", "/domains", "/dashboard"]) {
      const page = await intruder.client.get(path);
      expect(page.html, path).not.toContain("owner.share.test");
      expect(page.html, path).not.toContain("owner@mailbox.example");
      expect(page.html, path).not.toContain("owner-own.example");
    }
  });
});
