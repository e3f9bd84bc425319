/**
 * The account services the API and the dashboard share, straight against a fresh MariaDB behind the
 * PlanetScale simulator (the Worker's driver path, run in Node): ownership, alias life cycle, listing,
 * rate-limit counters, recipients and domains.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases, mailOutbox, recipients, users } from "../../../db/schema/index.js";
import { bulkAliasAction } from "../../../worker/accounts/alias-bulk.js";
import { listAliases } from "../../../worker/accounts/alias-list.js";
import { deleteAlias, forgetAlias, restoreAlias, setAliasActive, setAliasRecipients } from "../../../worker/accounts/alias-state.js";
import { createAlias, getAlias } from "../../../worker/accounts/aliases.js";
import { createDomain, deleteDomain, getDomain } from "../../../worker/accounts/custom-domains.js";
import { addSharedDomain } from "../../../worker/accounts/domains.js";
import { hitRateLimit } from "../../../worker/accounts/rate-limits.js";
import { addRecipient, deleteRecipient, listRecipients, verifyRecipient } from "../../../worker/accounts/recipients.js";
import { createUser } from "../../../worker/accounts/users.js";
import { addUsername, deleteUsername } from "../../../worker/accounts/usernames.js";
import { nowSeconds } from "../../../worker/db-errors.js";
import { ApiError } from "../../../worker/errors.js";
import { type TestDatabase, createTestDatabase } from "../../helpers/database.js";

let t: TestDatabase;
let jane: { userId: string; usernameId: string; recipientId: string };
let bob: { userId: string; usernameId: string; recipientId: string };
const now = nowSeconds();
/** Operator-style creation: these tests are not about plan limits (test/worker/plans/ is). */
const open = { enforcePlan: false };
const mail = { appUrl: "https://app.test", appName: "Veilmail", appSecret: "s".repeat(40) };

const code = async (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof ApiError ? e.code : String(e)));

beforeAll(async () => {
  t = await createTestDatabase();
  await addSharedDomain(t.db, { domain: "share.test", paidOnly: false }, now);
  jane = await createUser(t.db, { username: "jane", recipientEmail: "jane@mailbox.example", verified: true, plan: "pro" }, now);
  bob = await createUser(t.db, { username: "bob", recipientEmail: "bob@mailbox.example", verified: true, plan: "pro" }, now);
});
afterAll(async () => { await t?.close(); });

describe("rate-limit counters", () => {
  it("count hits per bucket and window in one statement, and refuse past the limit", async () => {
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await hitRateLimit(t.db, "test:a", 3, 60, now));
    expect(states.map((s) => s.count)).toEqual([1, 2, 3, 4]);
    expect(states.map((s) => s.allowed)).toEqual([true, true, true, false]);
    expect((await hitRateLimit(t.db, "test:b", 3, 60, now)).count).toBe(1);
    expect((await hitRateLimit(t.db, "test:a", 3, 60, new Date(now.getTime() + 60_000))).count).toBe(1);
  });
});

describe("aliases", () => {
  it("belong to their owner only: another user's id is NOT_FOUND for every action", async () => {
    const { alias } = await createAlias(t.db, jane.userId, { domain: "share.test" }, now, open);
    expect(await code(getAlias(t.db, bob.userId, alias.id))).toBe("NOT_FOUND");
    expect(await code(deleteAlias(t.db, bob.userId, alias.id, now))).toBe("NOT_FOUND");
    expect(await code(forgetAlias(t.db, bob.userId, alias.id, now))).toBe("NOT_FOUND");
    expect(await code(setAliasActive(t.db, bob.userId, alias.id, false, now))).toBe("NOT_FOUND");
    expect(await code(bulkAliasAction(t.db, bob.userId, "delete", [alias.id], now))).toBe("NOT_FOUND");
    expect(await code(setAliasRecipients(t.db, jane.userId, alias.id, [bob.recipientId], now))).toBe("VALIDATION");
    expect((await getAlias(t.db, jane.userId, alias.id)).alias.active).toBe(true);
  });

  it("store local_part+extension apart, and refuse a taken custom address", async () => {
    const { alias } = await createAlias(t.db, jane.userId, { domain: "jane.share.test", format: "custom", localPart: "Shop+News" }, now, open);
    expect([alias.localPart, alias.extension, alias.email]).toEqual(["shop", "news", "shop@jane.share.test"]);
    expect(await code(createAlias(t.db, jane.userId, { domain: "jane.share.test", format: "custom", localPart: "shop" }, now, open))).toBe("CONFLICT");
    expect(await code(createAlias(t.db, jane.userId, { domain: "bob.share.test" }, now, open))).toBe("VALIDATION");
  });

  it("use the account's default format, and the uuid format makes the id the local part", async () => {
    await t.db.update(users).set({ defaultAliasFormat: "random_noun", aliasSeparator: "_" }).where(eq(users.id, jane.userId));
    const { alias } = await createAlias(t.db, jane.userId, { domain: "share.test" }, now, open);
    expect(alias.localPart).toMatch(/^[a-z]+_[a-z]+\d{3}$/);
    const uuid = await createAlias(t.db, jane.userId, { domain: "share.test", format: "uuid" }, now, open);
    expect(uuid.alias.id).toBe(uuid.alias.localPart);
  });

  it("go through delete (inactive), restore (active again) and forget (shared: row kept anonymised)", async () => {
    const { alias } = await createAlias(t.db, jane.userId, { domain: "share.test" }, now, open);
    await deleteAlias(t.db, jane.userId, alias.id, now);
    expect(await code(setAliasActive(t.db, jane.userId, alias.id, true, now))).toBe("VALIDATION");
    const restored = await restoreAlias(t.db, jane.userId, alias.id, now);
    expect([restored.alias.active, restored.alias.deletedAt]).toEqual([true, null]);
    await forgetAlias(t.db, jane.userId, alias.id, now);
    const [kept] = await t.db.select().from(aliases).where(eq(aliases.id, alias.id));
    expect(kept).toMatchObject({ userId: null, active: false, description: null });
    expect(kept!.deletedAt).not.toBeNull();
    const own = await createAlias(t.db, jane.userId, { domain: "jane.share.test" }, now, open);
    await forgetAlias(t.db, jane.userId, own.alias.id, now);
    expect(await t.db.select().from(aliases).where(eq(aliases.id, own.alias.id))).toHaveLength(0);
  });

  it("are listed with search taken literally (%, _ and quotes match themselves)", async () => {
    await createAlias(t.db, bob.userId, { domain: "share.test", description: "100% off_sale 'quoted'" }, now, open);
    await createAlias(t.db, bob.userId, { domain: "share.test", description: "100 percent offXsale" }, now, open);
    const page = (search: string) => listAliases(t.db, bob.userId, { search, page: 1, size: 100 });
    expect((await page("100%")).total).toBe(1);
    expect((await page("off_sale")).total).toBe(1);
    expect((await page("'quoted'")).total).toBe(1);
    expect((await page("' OR 1=1 -- ")).total).toBe(0);
  });
});

describe("recipients", () => {
  it("are added unverified with a verification mail whose link verifies them", async () => {
    const { recipient } = await addRecipient(t.db, jane.userId, { email: "Second@Mailbox.example" }, now, mail);
    expect(recipient.emailVerifiedAt).toBeNull();
    const [queued] = await t.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, "second@mailbox.example"));
    const token = decodeURIComponent(/token=([^\s]+)/.exec(queued!.textBody)![1]!);
    expect(await verifyRecipient(t.db, token, now, "wrong-secret".repeat(4))).toBeNull();
    expect(await verifyRecipient(t.db, token, now, mail.appSecret)).toMatchObject({ id: recipient.id });
    const verified = await listRecipients(t.db, jane.userId, { verified: true });
    expect(verified.map((v) => v.recipient.email)).toContain("second@mailbox.example");
  });

  it("refuse our own domains, duplicates, and deleting the default recipient", async () => {
    expect(await code(addRecipient(t.db, jane.userId, { email: "x@bob.share.test" }, now, mail))).toBe("VALIDATION");
    expect(await code(addRecipient(t.db, jane.userId, { email: "jane@mailbox.example" }, now, mail))).toBe("CONFLICT");
    expect(await code(deleteRecipient(t.db, jane.userId, jane.recipientId))).toBe("FORBIDDEN");
    expect(await code(deleteRecipient(t.db, bob.userId, jane.recipientId))).toBe("NOT_FOUND");
    expect(await t.db.select().from(recipients).where(eq(recipients.id, jane.recipientId))).toHaveLength(1);
  });
});

describe("domains and usernames", () => {
  it("refuse a custom domain under a shared domain; deleting one deletes its aliases", async () => {
    expect(await code(createDomain(t.db, jane.userId, { domain: "evil.share.test" }, now))).toBe("VALIDATION");
    const view = await createDomain(t.db, jane.userId, { domain: "jane-own.example" }, now);
    expect(view.domain.verifiedAt).toBeNull();
    expect(await code(getDomain(t.db, bob.userId, view.domain.id))).toBe("NOT_FOUND");
    await deleteDomain(t.db, jane.userId, view.domain.id);
    expect(await code(getDomain(t.db, jane.userId, view.domain.id))).toBe("NOT_FOUND");
  });

  it("keep a deleted username reserved and delete its aliases", async () => {
    const { username } = await addUsername(t.db, jane.userId, { username: "JaneWork" }, now);
    const { alias } = await createAlias(t.db, jane.userId, { domain: "janework.share.test" }, now, open);
    await deleteUsername(t.db, jane.userId, username.id, now);
    expect((await getAlias(t.db, jane.userId, alias.id)).alias.deletedAt).not.toBeNull();
    expect(await code(addUsername(t.db, bob.userId, { username: "janework" }, now))).toBe("CONFLICT");
    expect(await code(deleteUsername(t.db, jane.userId, jane.usernameId, now))).toBe("FORBIDDEN");
  });
});
