/**
 * worker/db-errors.ts `transaction`: every Worker transaction is run again when InnoDB rolls it back as a
 * deadlock victim. Seen in CI: `POST /internal/v1/admin/users/plan` (a plan change: the user's row, then
 * its aliases) answered 500 with errno 1213 while the bridges' event batches (aliases, then their owners)
 * ran. Here two real transactions through the production driver path (drizzle → simulator → MariaDB)
 * lock two rows in opposite orders, each waiting until the other holds its first row: InnoDB must roll
 * one back. Both must still commit, and the one rolled back must have run twice.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import { transaction } from "../../worker/db-errors.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.execute(sql`CREATE TABLE counters (name VARCHAR(8) PRIMARY KEY, n INT NOT NULL)`);
  await t.db.execute(sql`INSERT INTO counters VALUES ('a', 0), ('b', 0)`);
});

afterAll(async () => {
  await t?.close();
});

/** A promise with its resolve function. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

it("commits both of two transactions that deadlock, the victim on its second run", async () => {
  const holds = { a: signal(), b: signal() };
  const runs = { a: 0, b: 0 };
  const bump = (first: "a" | "b", second: "a" | "b") => transaction(t.db, async (tx) => {
    runs[first] += 1;
    await tx.execute(sql`UPDATE counters SET n = n + 1 WHERE name = ${first}`);
    holds[first].resolve();
    await holds[second].promise; // the other transaction holds its first row now
    await tx.execute(sql`UPDATE counters SET n = n + 10 WHERE name = ${second}`);
  });
  await Promise.all([bump("a", "b"), bump("b", "a")]);

  const rows = await t.db.execute(sql`SELECT name, n FROM counters ORDER BY name`);
  expect(rows.rows).toEqual([{ name: "a", n: 11 }, { name: "b", n: 11 }]);
  expect([runs.a, runs.b].sort()).toEqual([1, 2]);
}, 30_000);

it("is the only way the Worker opens a transaction (no db.transaction( anywhere else in worker/)", () => {
  const files = (readdirSync(`${ROOT}/worker`, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && f !== "db-errors.ts");
  const direct = files.filter((f) => /\.transaction\(/.test(readFileSync(`${ROOT}/worker/${f}`, "utf8")));
  expect(files.length).toBeGreaterThan(50);
  expect(direct).toEqual([]);
});
