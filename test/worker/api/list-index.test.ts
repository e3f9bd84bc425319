/**
 * Alias listing reads indexes, not the table: with 10,000 aliases for one account (and 2,000 of
 * another), EXPLAIN of the list query shows an index of ours with no filesort for the default order,
 * live or with deleted ones, and pinned/active filters on top; a search reads the search index's
 * entries only; a page of 100 out of 10,000 comes back. The page's one statement (recipients and
 * domains joined) gives what the single-alias reads give, and the totals are the counts, whether the
 * page tells it or a count does. Timing lives in `npm run bench`, not here.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasRecipients, aliases, domains, recipients } from "../../../db/schema/index.js";
import { type AliasListQuery, listAliases, listAliasesQuery } from "../../../worker/accounts/alias-list.js";
import { getAliases } from "../../../worker/accounts/aliases.js";
import { containsPattern } from "../../../worker/accounts/alias-list.js";
import { addSharedDomain } from "../../../worker/accounts/domains.js";
import { createUser } from "../../../worker/accounts/users.js";
import { nowSeconds } from "../../../worker/db-errors.js";
import { type TestDatabase, createTestDatabase } from "../../helpers/database.js";

let t: TestDatabase;
let userId: string;
let other: { userId: string; recipientId: string; sharedId: string };

async function seed(owner: string, usernameId: string, domainId: string, n: number, prefix: string): Promise<void> {
  const base = nowSeconds().getTime();
  for (let start = 0; start < n; start += 1000) {
    await t.db.insert(aliases).values(Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k;
      return {
        id: crypto.randomUUID(), userId: owner, usernameId, domainId, localPart: `${prefix}${i}`, domain: "x.share.test",
        email: `${prefix}${i}@x.share.test`, pinned: i % 500 === 1, active: i % 7 !== 0, description: i % 3 === 0 ? `shop ${i}` : null,
        deletedAt: i % 50 === 0 ? new Date(base) : null, createdAt: new Date(base - i * 1000), updatedAt: new Date(base),
      };
    }));
  }
}

type Plan = { table: string; key: string | null; Extra: string | null; type: string };

async function explain(q: AliasListQuery): Promise<Plan> {
  const { sql: text, params } = listAliasesQuery(t.db, userId, q).toSQL();
  const result = await t.db.$client.execute(`EXPLAIN ${text}`, params);
  return result.rows[0] as Plan;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const now = nowSeconds();
  const shared = await addSharedDomain(t.db, { domain: "share.test", paidOnly: false }, now);
  const a = await createUser(t.db, { username: "x", recipientEmail: "x@mailbox.example", verified: true }, now);
  const b = await createUser(t.db, { username: "y", recipientEmail: "y@mailbox.example", verified: true }, now);
  userId = a.userId;
  other = { userId: b.userId, recipientId: b.recipientId, sharedId: shared.id };
  await seed(a.userId, a.usernameId, shared.id, 10_000, "a");
  await seed(b.userId, b.usernameId, shared.id, 2_000, "b");
  await t.db.execute(sql`ANALYZE TABLE aliases`);
}, 180_000);
afterAll(async () => { await t?.close(); });

describe("EXPLAIN of a page of 100", () => {
  it.each<[string, Partial<AliasListQuery>]>([
    ["default (live, pinned first, newest first)", {}],
    ["filter[deleted]=with (Android's default)", { deleted: "with" }],
    ["filter[active]=true", { active: true }],
    ["filter[pinned]=true", { pinned: true }],
    ["page 50", { page: 50 }],
  ])("%s: an index of ours, no filesort", async (_name, q) => {
    const plan = await explain({ page: 1, size: 100, ...q });
    expect(plan.key).toMatch(/^aliases_user_(live_)?list_idx$/);
    expect(plan.Extra ?? "").not.toMatch(/filesort/i);
  });

  it.each<[string, Partial<AliasListQuery>]>([
    ["filter[search]=shop", { search: "shop" }],
    ["filter[search]=shop&filter[deleted]=with", { search: "shop", deleted: "with" }],
  ])("%s: the search index's entries, no row read", async (_name, q) => {
    const plan = await explain({ page: 1, size: 100, ...q });
    expect(plan.key).toBe("aliases_user_search_idx");
    expect(plan.Extra ?? "").toMatch(/Using index(;|$)/);
  });

  it.each<[string, Partial<AliasListQuery>]>([
    ["sort=-emails_forwarded", { sort: { field: "emails_forwarded", descending: true } }],
    ["filter[deleted]=only", { deleted: "only" }],
  ])("%s: reads only this account's rows through an index", async (_name, q) => {
    const plan = await explain({ page: 1, size: 100, ...q });
    expect(plan.key).toMatch(/^aliases_user_(live_)?list_idx$/);
    expect(plan.type).not.toBe("ALL");
  });
});

it("a page of 100 of 10,000 comes back in order with the right total", async () => {
  const page = await listAliases(t.db, userId, { page: 2, size: 100 });
  expect([page.items.length, page.total, page.lastPage]).toEqual([100, 9_800, 98]);
  const pinned = await listAliases(t.db, userId, { page: 1, size: 100 });
  expect(pinned.items.slice(0, 20).every((a) => a.alias.pinned)).toBe(true);
  const times = pinned.items.slice(20).map((a) => a.alias.createdAt.getTime());
  expect(times).toEqual([...times].sort((x, y) => y - x));
});

describe("totals", () => {
  const counted = async (search: string, deleted: boolean) => {
    const p = containsPattern(search);
    const [row] = await t.db.select({ n: sql<number>`COUNT(*)`.mapWith(Number) }).from(aliases).where(and(
      eq(aliases.userId, userId), deleted ? undefined : isNull(aliases.deletedAt),
      sql`(${aliases.email} LIKE ${p} ESCAPE '!' OR ${aliases.description} LIKE ${p} ESCAPE '!')`,
    ));
    return row!.n;
  };

  it.each<[string, Partial<AliasListQuery>, boolean]>([
    ["a full page of a broad search (counted)", { search: "shop" }, false],
    ["the last, partial page of a broad search (told by the page)", { search: "shop", page: 33 }, false],
    ["a narrow search, one partial page", { search: "shop 999" }, false],
    ["a narrow search, past the end (counted)", { search: "shop 999", page: 3 }, false],
    ["no match", { search: "nothing like it" }, false],
    ["deleted ones included", { search: "shop 99", deleted: "with", size: 10 }, true],
  ])("%s", async (_name, q, deleted) => {
    const page = await listAliases(t.db, userId, { page: 1, size: 100, ...q });
    const total = await counted(q.search!, deleted);
    expect(page.total).toBe(total);
    const size = q.size ?? 100;
    expect(page.items.length).toBe(Math.max(0, Math.min(size, total - ((q.page ?? 1) - 1) * size)));
  });
});

describe("the page statement", () => {
  it("gives each alias its recipients (oldest first) and owner, as reading it alone does", async () => {
    const now = nowSeconds();
    const custom = crypto.randomUUID();
    await t.db.insert(domains).values({ id: custom, domain: "own.example", kind: "custom", userId: other.userId, verifiedAt: now, createdAt: now, updatedAt: now });
    const extra = [1, 2].map((i) => ({
      id: crypto.randomUUID(), userId: other.userId, email: `r${i}@mailbox.example`, emailVerifiedAt: now,
      createdAt: new Date(now.getTime() - i * 86_400_000), updatedAt: now,
    }));
    await t.db.insert(recipients).values(extra);
    const owned = [
      { domainId: custom, domain: "own.example" }, { domainId: other.sharedId, domain: "share.test" },
    ].map((d, i) => ({
      id: crypto.randomUUID(), userId: other.userId, domainId: d.domainId, localPart: `own${i}`, domain: d.domain,
      email: `own${i}@${d.domain}`, pinned: true, createdAt: new Date(now.getTime() + 60_000), updatedAt: now,
    }));
    await t.db.insert(aliases).values(owned);
    const page = await listAliases(t.db, other.userId, { page: 1, size: 5 });
    const ids = page.items.map((a) => a.alias.id);
    await t.db.insert(aliasRecipients).values([
      { aliasId: ids[0]!, recipientId: extra[0]!.id }, { aliasId: ids[0]!, recipientId: extra[1]!.id }, { aliasId: ids[0]!, recipientId: other.recipientId },
      { aliasId: ids[2]!, recipientId: extra[0]!.id },
    ]);

    const listed = await listAliases(t.db, other.userId, { page: 1, size: 5 });
    expect(listed.items).toEqual(await getAliases(t.db, other.userId, ids));
    expect(listed.items.map((a) => a.owner).sort()).toEqual(["custom", "shared", "username", "username", "username"]);
    expect(listed.items[0]!.recipients.map((r) => r.email)).toEqual(["r2@mailbox.example", "r1@mailbox.example", "y@mailbox.example"]);
    expect(listed.items.map((a) => a.recipients.length)).toEqual([3, 0, 1, 0, 0]);
    expect(listed.total).toBe(2_002 - 2_000 / 50);
  });
});
