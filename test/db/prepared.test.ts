/**
 * db/prepared.ts over the real driver path (MariaDB behind the PlanetScale simulator): a query is built
 * once per client, and each call runs with its own values.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { serviceSettings } from "../../db/schema/index.js";
import { type TestDatabase, createTestDatabase } from "../helpers/database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  const at = new Date(Math.floor(Date.now() / 1000) * 1000);
  await t.db.insert(serviceSettings).values([{ name: "prep-a", value: "one", updatedAt: at }, { name: "prep-b", value: "two", updatedAt: at }]);
});
afterAll(async () => { await t?.close(); });

describe("preparedQuery", () => {
  it("builds once per client and runs each call with that call's values", async () => {
    let builds = 0;
    const byName = preparedQuery((db) => {
      builds += 1;
      return db.select({ value: serviceSettings.value }).from(serviceSettings).where(eq(serviceSettings.name, sql.placeholder("name"))).prepare();
    });
    expect(await byName(t.db).execute({ name: "prep-a" })).toEqual([{ value: "one" }]);
    expect(await byName(t.db).execute({ name: "prep-b" })).toEqual([{ value: "two" }]);
    expect(await byName(t.db).execute({ name: "prep-none" })).toEqual([]);
    expect(builds).toBe(1);
    // Another client (another Worker isolate's, or a transaction's) gets its own.
    const other = createDb(t.psUrl);
    expect(await byName(other).execute({ name: "prep-b" })).toEqual([{ value: "two" }]);
    expect(builds).toBe(2);
  });

  it("escapes values as any statement does (a quote in a value is data, not SQL)", async () => {
    const byName = preparedQuery((db) => db.select({ value: serviceSettings.value }).from(serviceSettings).where(eq(serviceSettings.name, sql.placeholder("name"))).prepare());
    expect(await byName(t.db).execute({ name: "prep-a' OR '1'='1" })).toEqual([]);
  });
});
