/**
 * Errors through @planetscale/database and drizzle → simulator → real MariaDB: SQL errors shaped like
 * PlanetScale's (Vitess code, errno, sqlstate), authentication refused before anything runs, and the
 * HTTP errors a broken request gets.
 */
import { Client, DatabaseError } from "@planetscale/database";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConnection } from "../../db/mysql.js";
import { users } from "../../db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;
let client: Client;

beforeAll(async () => {
  t = await createTestDatabase();
  client = new Client({ url: t.psUrl });
  await client.execute("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(8) NOT NULL, UNIQUE KEY notes_body (body))");
});

afterAll(async () => {
  await t?.close();
});

async function rowsDirect(sql: string): Promise<unknown[]> {
  const conn = await openConnection(t.mysqlUrl);
  try {
    return (await conn.query(sql))[0] as unknown[];
  } finally {
    await conn.end();
  }
}

const failure = (p: Promise<unknown>): Promise<DatabaseError> =>
  p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as DatabaseError);

describe("SQL errors", () => {
  it("turns a duplicate key into DatabaseError ALREADY_EXISTS with errno 1062 and sqlstate 23000", async () => {
    await client.execute("INSERT INTO notes VALUES (1, 'x')");
    const err = await failure(client.execute("INSERT INTO notes VALUES (2, 'x')"));
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.status).toBe(400);
    expect(err.body.code).toBe("ALREADY_EXISTS");
    expect(err.message).toMatch(
      new RegExp(`^target: ${t.name}\\.-\\.primary: vttablet: rpc error: code = AlreadyExists desc = Duplicate entry 'x' for key 'notes_body' \\(errno 1062\\) \\(sqlstate 23000\\)`),
    );
  });

  it("reports unknown tables, syntax errors and bad values with their errno", async () => {
    const missing = await failure(client.execute("SELECT * FROM nowhere"));
    expect(missing.body.code).toBe("NOT_FOUND");
    expect(missing.message).toContain("(errno 1146) (sqlstate 42S02)");
    const syntax = await failure(client.execute("SELEC 1"));
    expect(syntax.body.code).toBe("INVALID_ARGUMENT");
    expect(syntax.message).toContain("(errno 1064) (sqlstate 42000)");
    // MySQL 8's strict sql_mode: too long is an error, not a silent truncation
    const tooLong = await failure(client.execute("INSERT INTO notes VALUES (3, '123456789')"));
    expect(tooLong.message).toContain("(errno 1406)");
    expect(await rowsDirect("SELECT id FROM notes WHERE id = 3")).toEqual([]);
  });

  it("surfaces a drizzle duplicate insert as DrizzleQueryError caused by DatabaseError 1062", async () => {
    const row = { id: "dup-user", createdAt: new Date(), updatedAt: new Date() };
    await t.db.insert(users).values(row);
    const err = await t.db.insert(users).values(row).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DrizzleQueryError);
    const cause = (err as DrizzleQueryError).cause;
    expect(cause).toBeInstanceOf(DatabaseError);
    expect((cause as DatabaseError).message).toContain("Duplicate entry 'dup-user' for key 'PRIMARY' (errno 1062)");
  });

  it("leaves the connection usable after an error", async () => {
    const conn = client.connection();
    await failure(conn.execute("SELECT * FROM nowhere"));
    expect((await conn.execute("SELECT COUNT(*) AS n FROM notes")).rows).toEqual([{ n: "1" }]);
  });
});

describe("authentication", () => {
  it("refuses a wrong password with 401 and runs nothing", async () => {
    const url = new URL(t.psUrl);
    url.password = "wrong";
    const err = await failure(new Client({ url: url.toString() }).execute("INSERT INTO notes VALUES (10, 'evil')"));
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.status).toBe(401);
    expect(err.body).toEqual({ code: "unauthenticated", message: "invalid auth credentials" });
    expect(await rowsDirect("SELECT id FROM notes WHERE id = 10")).toEqual([]);
  });

  it("refuses a wrong username and a missing Authorization header", async () => {
    const url = new URL(t.psUrl);
    url.username = "someone";
    const err = await failure(new Client({ url: url.toString() }).execute("SELECT 1"));
    expect(err.status).toBe(401);

    const endpoint = `http://${url.host}/psdb.v1alpha1.Database/Execute`;
    const res = await fetch(endpoint, { method: "POST", body: JSON.stringify({ query: "DELETE FROM notes" }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: "invalid auth credentials" } });
    expect(await rowsDirect("SELECT COUNT(*) AS n FROM notes")).toEqual([{ n: "1" }]);
  });
});

describe("requests", () => {
  const endpoint = (path: string) => {
    const url = new URL(t.psUrl);
    return { href: `http://${url.host}${path}`, auth: `Basic ${btoa(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)}` };
  };

  it("answers CreateSession with a session the client can use", async () => {
    const conn = client.connection();
    await conn.refresh();
    expect((await conn.execute("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
  });

  it("rejects malformed bodies, unknown methods and forged transaction sessions", async () => {
    const { href, auth } = endpoint("/psdb.v1alpha1.Database/Execute");
    const bad = await fetch(href, { method: "POST", headers: { Authorization: auth }, body: "not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_argument");

    const other = endpoint("/psdb.v1alpha1.Database/Nope");
    const missing = await fetch(other.href, { method: "POST", headers: { Authorization: auth }, body: "{}" });
    expect(missing.status).toBe(404);

    const forged = { signature: "AAAA", vitessSession: { SessionUUID: "x", inTransaction: true } };
    const res = await fetch(href, {
      method: "POST", headers: { Authorization: auth }, body: JSON.stringify({ query: "INSERT INTO notes VALUES (11, 'f')", session: forged }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { error?: { code: string }; session: { vitessSession: { SessionUUID: string } } };
    expect(body.error?.code).toBe("ABORTED");
    expect(body.session.vitessSession.SessionUUID).not.toBe("x");
    expect(await rowsDirect("SELECT id FROM notes WHERE id = 11")).toEqual([]);
  });
});

describe("a pooled connection killed under a statement", () => {
  it("fails that statement and never hands the dead connection to a later one", async () => {
    const marker = `killed-${Date.now()}`;
    const pending = failure(client.execute(`SELECT SLEEP(20) AS \`${marker}\``));
    const admin = await openConnection(t.mysqlUrl);
    try {
      let id: number | undefined;
      for (let i = 0; i < 100 && id === undefined; i++) {
        const [rows] = await admin.query("SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()", [`%${marker}%`]);
        id = (rows as { id: number }[])[0]?.id;
        if (id === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(id).toBeDefined();
      await admin.query(`KILL CONNECTION ${Number(id)}`);
    } finally {
      await admin.end();
    }
    expect(await pending).toBeInstanceOf(DatabaseError);
    // The free list is last-in first-out: a dead connection given back would be the next one taken.
    // (mysql2 itself takes a connection out of the pool when it dies; the simulator also destroys a
    // connection after any error that is not MySQL's, so neither path may hand it out again.)
    for (let i = 0; i < 20; i++) expect((await client.execute("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
  }, 30_000);
});
