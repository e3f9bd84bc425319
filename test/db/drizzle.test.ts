/**
 * drizzle on the real schema (db/schema) through the production driver path: createDb → simulator →
 * real MariaDB. Inserts, joins, relational `with:` queries (planetscale mode: JSON aggregation in
 * subqueries), upserts, and the column mappings (booleans, UTC Dates, unsigned counters, DATE strings).
 */
import { Client } from "@planetscale/database";
import { and, eq, relations, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/planetscale-serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema/index.js";
import { aliasDailyStats, aliases, domains, users } from "../../db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.close();
});

// Whole seconds: the columns are DATETIME(0), and MySQL 8 rounds fractions where MariaDB truncates.
const created = new Date(Date.UTC(2024, 1, 29, 23, 59, 58));
const userId = "11111111-1111-4111-8111-111111111111";
const domainId = "22222222-2222-4222-8222-222222222222";

async function seed(): Promise<void> {
  await t.db.insert(users).values({ id: userId, fromName: "Jane 😀", bandwidth: 2 ** 40, createdAt: created, updatedAt: created });
  await t.db.insert(domains).values({ id: domainId, domain: "example.net", kind: "shared", createdAt: created, updatedAt: created });
  await t.db.insert(aliases).values([
    { id: "a1", userId, domainId, localPart: "shop", domain: "example.net", email: "shop@example.net", createdAt: created, updatedAt: created },
    { id: "a2", userId, domainId, localPart: "news", domain: "example.net", email: "news@example.net", active: false, emailsForwarded: 4_000_000_000, createdAt: created, updatedAt: created },
  ]);
}

describe("drizzle over the simulator", () => {
  it("inserts and selects with the schema's column mappings", async () => {
    await seed();
    const [user] = await t.db.select().from(users).where(eq(users.id, userId));
    expect(user).toMatchObject({
      id: userId, fromName: "Jane 😀", plan: "free", bannerLocation: "top", displayFromFormat: 0,
      useReplyTo: false, bandwidth: 2 ** 40, createdAt: created, deletedAt: null,
    });
    expect(user!.createdAt).toBeInstanceOf(Date);
  });

  it("joins aliases to users and domains", async () => {
    const rows = await t.db
      .select({ email: aliases.email, active: aliases.active, forwarded: aliases.emailsForwarded, owner: users.fromName, domain: domains.domain })
      .from(aliases)
      .innerJoin(users, eq(aliases.userId, users.id))
      .innerJoin(domains, eq(aliases.domainId, domains.id))
      .orderBy(aliases.email);
    expect(rows).toEqual([
      { email: "news@example.net", active: false, forwarded: 4_000_000_000, owner: "Jane 😀", domain: "example.net" },
      { email: "shop@example.net", active: true, forwarded: 0, owner: "Jane 😀", domain: "example.net" },
    ]);
  });

  it("runs relational `with:` queries (JSON aggregated rows decoded back into columns)", async () => {
    // `many` without orderBy/limit only: drizzle builds `one` and ordered `many` relations from derived
    // tables with outer references, which MariaDB 10.11 rejects (errno 1054) and MySQL 8 accepts.
    const usersRelations = relations(users, ({ many }) => ({ aliases: many(aliases) }));
    const aliasesRelations = relations(aliases, ({ one }) => ({
      owner: one(users, { fields: [aliases.userId], references: [users.id] }),
    }));
    const db = drizzle({ client: new Client({ url: t.psUrl }), schema: { ...schema, usersRelations, aliasesRelations } });
    const user = await db.query.users.findFirst({
      where: eq(users.id, userId),
      columns: { id: true, fromName: true, bandwidth: true },
      with: { aliases: { columns: { email: true, active: true, createdAt: true, emailsForwarded: true, lastSent: true } } },
    });
    user?.aliases.sort((a, b) => a.email.localeCompare(b.email));
    expect(user).toEqual({
      id: userId,
      fromName: "Jane 😀",
      bandwidth: 2 ** 40,
      aliases: [
        { email: "news@example.net", active: false, createdAt: created, emailsForwarded: 4_000_000_000, lastSent: null },
        { email: "shop@example.net", active: true, createdAt: created, emailsForwarded: 0, lastSent: null },
      ],
    });
  });

  it("upserts counters with ON DUPLICATE KEY UPDATE and keeps DATE columns as strings", async () => {
    const bump = (bytes: number) => t.db.insert(aliasDailyStats)
      .values({ aliasId: "a1", userId, day: "2024-02-29", forwarded: 1, bytes })
      .onDuplicateKeyUpdate({ set: { forwarded: sql`${aliasDailyStats.forwarded} + 1`, bytes: sql`${aliasDailyStats.bytes} + VALUES(${aliasDailyStats.bytes})` } });
    await bump(100);
    await bump(250);
    const rows = await t.db.select().from(aliasDailyStats).where(and(eq(aliasDailyStats.aliasId, "a1"), eq(aliasDailyStats.day, "2024-02-29")));
    expect(rows).toEqual([{ aliasId: "a1", userId, day: "2024-02-29", forwarded: 2, blocked: 0, replied: 0, sent: 0, bytes: 350 }]);
  });

  it("updates with SQL expressions and reports affected rows", async () => {
    const res = await t.db.update(aliases).set({ emailsForwarded: sql`${aliases.emailsForwarded} + 1`, lastForwarded: created })
      .where(eq(aliases.userId, userId));
    expect(res.rowsAffected).toBe(2);
    const counts = await t.db.select({ id: aliases.id, n: aliases.emailsForwarded, last: aliases.lastForwarded }).from(aliases).orderBy(aliases.id);
    expect(counts).toEqual([{ id: "a1", n: 1, last: created }, { id: "a2", n: 4_000_000_001, last: created }]);
  });
});
