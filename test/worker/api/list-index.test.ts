/**
 * Alias listing reads indexes, not the table: with 10,000 aliases for one account (and 2,000 of
 * another), EXPLAIN of the list query shows an index of ours with no filesort for the default order,
 * live or with deleted ones, and pinned/active filters on top; a page of 100 out of 10,000 comes back.
 * Timing lives in `npm run bench`, not here.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases } from "../../../db/schema/index.js";
import { type AliasListQuery, listAliases, listAliasesQuery } from "../../../worker/accounts/alias-list.js";
import { addSharedDomain } from "../../../worker/accounts/domains.js";
import { createUser } from "../../../worker/accounts/users.js";
import { nowSeconds } from "../../../worker/db-errors.js";
import { type TestDatabase, createTestDatabase } from "../../helpers/database.js";

let t: TestDatabase;
let userId: string;

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
    ["sort=-emails_forwarded", { sort: { field: "emails_forwarded", descending: true } }],
    ["filter[search]=shop", { search: "shop" }],
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
