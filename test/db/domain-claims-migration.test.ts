/**
 * Migration 0011 (domain claims, security review finding 4) on a database that already has domains:
 * pending custom domains become claims of their account, shared and verified ones keep holding their
 * name, and afterwards two accounts can claim one name while only one row can hold it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate as drizzleMigrate } from "drizzle-orm/mysql2/migrator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dropDatabase, ensureDatabase, findServer } from "../../db/local.js";
import { migrate } from "../../db/migrate.js";
import { openConnection } from "../../db/mysql.js";

const migrations = fileURLToPath(new URL("../../db/migrations", import.meta.url));
const name = `veilmail_test_${Math.random().toString(16).slice(2, 14)}`;
let serverUrl: string;
let url: string;
let before: string;

beforeAll(async () => {
  serverUrl = (await findServer()).serverUrl;
  url = await ensureDatabase(serverUrl, name);
  // The migrations as they were before 0011.
  before = mkdtempSync(join(tmpdir(), "veilmail-migrations-"));
  cpSync(migrations, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag.startsWith("0011_"));
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
});
afterAll(async () => {
  if (before) rmSync(before, { recursive: true, force: true });
  if (serverUrl) await dropDatabase(serverUrl, name);
});

it("turns pending custom domains into claims and keeps one holder per name", async () => {
  const conn = await openConnection(url);
  try {
    await drizzleMigrate(drizzle({ client: conn }), { migrationsFolder: before });
    const q = (sql: string, params: unknown[] = []) => conn.query(sql, params);
    await q("INSERT INTO users (id, created_at, updated_at) VALUES ('u1', UTC_TIMESTAMP(), UTC_TIMESTAMP()), ('u2', UTC_TIMESTAMP(), UTC_TIMESTAMP())");
    const domain = (id: string, name: string, kind: string, user: string | null, verified: boolean) => q(
      "INSERT INTO domains (id, domain, kind, user_id, verified_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
      [id, name, kind, user, verified ? new Date() : null]);
    await domain("s", "shared.example", "shared", null, true);
    await domain("v", "verified.example", "custom", "u1", true);
    await domain("p", "pending.example", "custom", "u1", false);
  } finally {
    await conn.end().catch(() => undefined);
  }

  await migrate(url);
  const after = await openConnection(url);
  try {
    const [rows] = await after.query("SELECT id, claimed_by FROM domains ORDER BY id") as unknown as [{ id: string; claimed_by: string }[]];
    expect(rows).toEqual([{ id: "p", claimed_by: "u1" }, { id: "s", claimed_by: "" }, { id: "v", claimed_by: "" }]);
    const insert = (id: string, name: string, claimedBy: string) => after.query(
      "INSERT INTO domains (id, domain, kind, user_id, claimed_by, created_at, updated_at) VALUES (?, ?, 'custom', 'u2', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
      [id, name, claimedBy]);
    await insert("p2", "pending.example", "u2"); // a second account's claim of a pending name
    await expect(insert("p3", "pending.example", "u2")).rejects.toThrow(/Duplicate/); // one claim per account
    await expect(insert("v2", "verified.example", "")).rejects.toThrow(/Duplicate/); // one holder per name
  } finally {
    await after.end();
  }
});
