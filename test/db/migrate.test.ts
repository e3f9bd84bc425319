/**
 * Migrations against real MariaDB: applied once and idempotent, utf8mb4 everywhere, loud failure
 * (MigrationError from `migrate`, exit 1 with the SQL error from the CLI), and SQL that MySQL 8 /
 * PlanetScale accept too (checked statically: no MariaDB-only or MySQL-8-only constructs).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, dropDatabase, ensureDatabase, findServer } from "../../db/local.js";
import { migrate, MigrationError } from "../../db/migrate.js";
import { openConnection } from "../../db/mysql.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const migrationsDir = `${root}db/migrations`;
const journal = JSON.parse(readFileSync(`${migrationsDir}/meta/_journal.json`, "utf8")) as { entries: { tag: string }[] };
const run = promisify(execFile);

let serverUrl: string;
const created: string[] = [];

async function freshDatabase(): Promise<{ name: string; url: string }> {
  const name = `veilmail_test_${randomBytes(6).toString("hex")}`;
  created.push(name);
  return { name, url: await ensureDatabase(serverUrl, name) };
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await openConnection(url);
  try {
    return (await conn.query(sql, params))[0] as T[];
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  serverUrl = (await findServer()).serverUrl;
});

afterAll(async () => {
  for (const name of created) await dropDatabase(serverUrl, name);
});

describe("migrate()", () => {
  it("applies every migration once; a second run changes nothing", async () => {
    const { name, url } = await freshDatabase();
    await migrate(url);
    const tables = async () => (await query<{ t: string }>(url,
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", [name])).map((r) => r.t);
    const first = await tables();
    expect(first).toEqual(expect.arrayContaining(["users", "aliases", "domains", "__drizzle_migrations"]));
    const applied = await query<{ hash: string }>(url, "SELECT hash FROM __drizzle_migrations");
    expect(applied).toHaveLength(journal.entries.length);

    await query(url, "INSERT INTO users (id, created_at, updated_at) VALUES ('keep', UTC_TIMESTAMP(), UTC_TIMESTAMP())");
    await migrate(url);
    expect(await tables()).toEqual(first);
    expect(await query(url, "SELECT hash FROM __drizzle_migrations")).toEqual(applied);
    expect(await query(url, "SELECT id FROM users")).toEqual([{ id: "keep" }]);
  });

  it("creates utf8mb4 tables with utf8mb4_unicode_ci", async () => {
    const { name, url } = await freshDatabase();
    await migrate(url);
    const collations = await query<{ c: string }>(url,
      "SELECT DISTINCT TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [name]);
    expect(collations).toEqual([{ c: "utf8mb4_unicode_ci" }]);
    const textColumns = await query<{ c: string }>(url,
      "SELECT DISTINCT COLLATION_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND COLLATION_NAME IS NOT NULL", [name]);
    expect(textColumns).toEqual([{ c: "utf8mb4_unicode_ci" }]);
  });

  it("fails loudly with the SQL error and statement when a migration cannot apply", async () => {
    const { url } = await freshDatabase();
    await query(url, "CREATE TABLE users (id INT)");
    const err = await migrate(url).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/Table 'users' already exists \(errno 1050\) \(sqlstate 42S01\)/);
    expect((err as Error).message).toContain("statement: CREATE TABLE `users`");
    expect((err as Error).message).toContain("half-applied");
  });
});

describe("npm run db:migrate (tsx db/migrate.ts)", () => {
  const cli = (env: Record<string, string>) =>
    run("npx", ["tsx", "db/migrate.ts"], { cwd: root, env: { ...process.env, ...env } })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

  it("creates the database, migrates, and is a no-op the second time", async () => {
    const name = `veilmail_test_${randomBytes(6).toString("hex")}`;
    created.push(name);
    const url = databaseUrl(serverUrl, name);
    const first = await cli({ DATABASE_URL: url });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`migrations applied to ${url}`);
    const second = await cli({ DATABASE_URL: url });
    expect(second.code).toBe(0);
    expect(await query(url, "SELECT COUNT(*) AS n FROM __drizzle_migrations")).toEqual([{ n: String(journal.entries.length) }]);
  });

  it("exits 1 and prints the SQL error on failure", async () => {
    const { url } = await freshDatabase();
    await query(url, "CREATE TABLE aliases (id INT)");
    const res = await cli({ DATABASE_URL: url });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Table 'aliases' already exists \(errno 1050\)/);
  });
});

describe("migration SQL", () => {
  const files = readdirSync(migrationsDir).filter((f) => f.endsWith(".sql"));
  const forbidden: [RegExp, string][] = [
    [/\bRETURNING\b/i, "RETURNING (MariaDB only)"],
    [/->>?/, "JSON path operators (MySQL only)"],
    [/\bserial\b/i, "serial()"],
    [/utf8mb4_0900/i, "MySQL 8 collations"],
    [/\bAS\s+new\b/i, "INSERT … AS new (MySQL only)"],
    [/\b(?:uuid|inet4|inet6)\b\s*(?:NOT NULL|,|\))/i, "MariaDB-only column types"],
    [/\bCREATE\s+OR\s+REPLACE\b|\bIF\s+NOT\s+EXISTS\b/i, "MariaDB-only DDL forms"],
    [/\bCHARSET\s*=?\s*(?!utf8mb4)\w+|CHARACTER SET (?!utf8mb4)\w+/i, "a charset other than utf8mb4"],
  ];

  it("has one SQL file per journal entry", () => {
    expect(files.sort()).toEqual(journal.entries.map((e) => `${e.tag}.sql`).sort());
  });

  it.each(files)("%s uses SQL both MySQL 8 and MariaDB 10.11 accept", (file) => {
    const sql = readFileSync(`${migrationsDir}/${file}`, "utf8").replaceAll("--> statement-breakpoint", "");
    const found = forbidden.filter(([re]) => re.test(sql)).map(([, why]) => why);
    expect(found).toEqual([]);
  });
});
