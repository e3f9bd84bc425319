/**
 * db/local.ts and db/private-mariadb.ts against real servers: database creation and removal, UTC and
 * MySQL 8 sql_mode on every connection, DATABASE_URL precedence, and a real private `mariadbd` started
 * in a temporary directory (skipped only where the mariadb-server binaries are not installed).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, dropDatabase, ensureDatabase, findServer, serverUrlOf } from "../../db/local.js";
import { MYSQL8_SQL_MODE, openConnection, quoteIdentifier } from "../../db/mysql.js";
import { canConnect, findBinary, startPrivateMariadb } from "../../db/private-mariadb.js";

let serverUrl: string;

beforeAll(async () => {
  serverUrl = (await findServer()).serverUrl;
});

async function ask<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await openConnection(url);
  try {
    return (await conn.query(sql, params))[0] as T[];
  } finally {
    await conn.end();
  }
}

describe("databases", () => {
  it("creates a utf8mb4_unicode_ci database (idempotently) and drops it", async () => {
    const name = `veilmail_test_${randomBytes(6).toString("hex")}`;
    const url = await ensureDatabase(serverUrl, name);
    expect(url).toBe(databaseUrl(serverUrl, name));
    expect(await ensureDatabase(serverUrl, name)).toBe(url);
    const [schema] = await ask<{ cs: string; co: string }>(serverUrl,
      "SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]);
    expect(schema).toEqual({ cs: "utf8mb4", co: "utf8mb4_unicode_ci" });
    const [current] = await ask<{ db: string }>(url, "SELECT DATABASE() AS db");
    expect(current).toEqual({ db: name });
    await dropDatabase(serverUrl, name);
    await dropDatabase(serverUrl, name);
    expect(await ask(serverUrl, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name])).toEqual([]);
  });

  it("refuses database names that are not plain identifiers", async () => {
    await expect(ensureDatabase(serverUrl, "x`; DROP DATABASE mysql; --")).rejects.toThrow(/invalid MySQL identifier/);
    await expect(dropDatabase(serverUrl, "")).rejects.toThrow(/invalid MySQL identifier/);
    expect(quoteIdentifier("veilmail_test_1")).toBe("`veilmail_test_1`");
  });

  it("runs every connection in UTC with MySQL 8's sql_mode", async () => {
    const [session] = await ask<{ tz: string; mode: string }>(serverUrl, "SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode");
    expect(session!.tz).toBe("+00:00");
    expect(session!.mode.split(",").sort()).toEqual(MYSQL8_SQL_MODE.split(",").sort());
  });
});

describe("findServer()", () => {
  it("takes DATABASE_URL first and strips its database", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "mysql://someone:pw@127.0.0.1:1/somedb?ssl=true";
    try {
      expect((await findServer()).serverUrl).toBe("mysql://someone:pw@127.0.0.1:1");
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("returns a server that accepts logins", async () => {
    expect(await canConnect(serverUrl)).toBe(true);
  });

  it("rejects URLs that are not mysql://", () => {
    expect(() => serverUrlOf("postgres://x@127.0.0.1/db")).toThrow(/mysql:\/\//);
  });
});

const haveMariadb = Boolean(findBinary("mariadbd") && findBinary("mariadb-install-db"));

describe.skipIf(!haveMariadb)("private mariadbd", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "veilmail-mariadb-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("initialises, starts with utf8mb4 and UTC, is reused, and stops", async () => {
    const first = await startPrivateMariadb(dir);
    expect(first).not.toBeNull();
    try {
      expect(first!.serverUrl).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+$/);
      const [vars] = await ask<Record<string, string>>(first!.serverUrl,
        "SELECT @@character_set_server AS cs, @@collation_server AS co, @@global.time_zone AS tz, @@global.sql_mode AS mode");
      expect(vars).toEqual({ cs: "utf8mb4", co: "utf8mb4_unicode_ci", tz: "+00:00", mode: expect.stringContaining("ONLY_FULL_GROUP_BY") });
      const second = await startPrivateMariadb(dir);
      expect(second!.serverUrl).toBe(first!.serverUrl);
      await second!.stop(); // not its server: must leave it running
      expect(await canConnect(first!.serverUrl)).toBe(true);
    } finally {
      await first!.stop();
    }
    expect(await canConnect(first!.serverUrl)).toBe(false);
    expect(existsSync(join(dir, "port"))).toBe(false);
    expect(existsSync(join(dir, "data", "mysql"))).toBe(true);
  });
});
