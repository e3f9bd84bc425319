/**
 * Transactions through @planetscale/database and drizzle → simulator → real MariaDB: BEGIN … COMMIT /
 * ROLLBACK on one dedicated connection per session, isolation from other sessions, and abandoned
 * transactions rolled back and their connections freed after the idle timeout.
 */
import { Client, DatabaseError } from "@planetscale/database";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConnection } from "../../db/mysql.js";
import { users } from "../../db/schema/index.js";
import { type Simulator, startSimulator } from "../../db/simulator/index.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;
let client: Client;

beforeAll(async () => {
  t = await createTestDatabase();
  client = new Client({ url: t.psUrl });
  await client.execute("CREATE TABLE counters (name VARCHAR(32) PRIMARY KEY, n INT NOT NULL)");
});

afterAll(async () => {
  await t?.close();
});

const count = async (name: string): Promise<number | undefined> =>
  (await client.execute("SELECT n FROM counters WHERE name = ?", [name])).rows.map((r) => (r as { n: number }).n)[0];

describe("client.transaction()", () => {
  it("makes committed writes visible, and hides them from other sessions until COMMIT", async () => {
    let seenOutside: number | undefined = -1;
    await client.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('commit', 1)");
      await tx.execute("UPDATE counters SET n = n + 1 WHERE name = 'commit'");
      const inside = await tx.execute("SELECT n FROM counters WHERE name = 'commit'");
      expect(inside.rows).toEqual([{ n: 2 }]);
      seenOutside = await count("commit");
    });
    expect(seenOutside).toBeUndefined();
    expect(await count("commit")).toBe(2);
  });

  it("rolls back when the callback throws, and rethrows the callback's error", async () => {
    const boom = new Error("boom");
    await expect(client.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('thrown', 1)");
      throw boom;
    })).rejects.toBe(boom);
    expect(await count("thrown")).toBeUndefined();
  });

  it("rolls back everything when a statement inside fails", async () => {
    await client.execute("INSERT INTO counters VALUES ('taken', 0)");
    const err = await client.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('first', 1)");
      await tx.execute("INSERT INTO counters VALUES ('taken', 1)");
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).message).toContain("(errno 1062)");
    expect(await count("first")).toBeUndefined();
    expect(await count("taken")).toBe(0);
  });

  it("keeps parallel transactions apart", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = client.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('par_a', 1)");
      await gate;
      return (await tx.execute("SELECT name FROM counters WHERE name LIKE 'par_%' ORDER BY name")).rows;
    });
    const b = client.transaction(async (tx) => {
      await tx.execute("INSERT INTO counters VALUES ('par_b', 1)");
      const rows = (await tx.execute("SELECT name FROM counters WHERE name LIKE 'par_%' ORDER BY name")).rows;
      release();
      throw Object.assign(new Error("abort b"), { rows });
    });
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(ra).toEqual({ status: "fulfilled", value: [{ name: "par_a" }] });
    expect((rb as PromiseRejectedResult).reason.rows).toEqual([{ name: "par_b" }]);
    expect(await count("par_a")).toBe(1);
    expect(await count("par_b")).toBeUndefined();
  });
});

describe("drizzle transactions", () => {
  const user = (id: string) => ({ id, createdAt: new Date(), updatedAt: new Date() });

  it("commits, and rolls back a nested savepoint without losing the outer work", async () => {
    await t.db.transaction(async (tx) => {
      await tx.insert(users).values(user("tx-outer"));
      await tx.transaction(async (inner) => {
        await inner.insert(users).values(user("tx-inner"));
        inner.rollback();
      }).catch(() => undefined);
    });
    const ids = (await t.db.select({ id: users.id }).from(users)).map((r) => r.id);
    expect(ids).toContain("tx-outer");
    expect(ids).not.toContain("tx-inner");
  });

  it("rolls back on tx.rollback()", async () => {
    await expect(t.db.transaction(async (tx) => {
      await tx.insert(users).values(user("tx-rolled"));
      tx.rollback();
    })).rejects.toThrow(/Rollback/);
    expect(await t.db.select().from(users).where(eq(users.id, "tx-rolled"))).toEqual([]);
  });
});

describe("abandoned transactions", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ mysqlUrl: t.mysqlUrl, username: "idle", password: "idle-pw", sessionIdleMs: 300 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  async function connectionsTo(db: string): Promise<number> {
    const conn = await openConnection(t.mysqlUrl);
    try {
      const [rows] = await conn.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?", [db]);
      return Number((rows as { n: number }[])[0]!.n) - 1; // minus this connection
    } finally {
      await conn.end();
    }
  }

  it("rolls back an idle transaction, frees its connection, and fails its session's next statement", async () => {
    const before = await connectionsTo(t.name);
    const conn = new Client({ url: sim.url }).connection();
    await conn.execute("BEGIN");
    await conn.execute("INSERT INTO counters VALUES ('abandoned', 1)");
    expect(sim.openTransactions()).toBe(1);
    // While open, the dedicated connection holds the row lock: the write is invisible outside.
    expect(await count("abandoned")).toBeUndefined();

    await new Promise((r) => setTimeout(r, 700));
    expect(sim.openTransactions()).toBe(0);
    const err = await conn.execute("COMMIT").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).body.code).toBe("ABORTED");
    expect(await count("abandoned")).toBeUndefined();

    let after = await connectionsTo(t.name);
    for (let i = 0; i < 20 && after >= before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await connectionsTo(t.name);
    }
    // The dedicated connection was one of the pool's idle ones: destroyed, not handed back.
    expect(after).toBe(before - 1);
    // The session is usable again afterwards, outside a transaction.
    expect((await conn.execute("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("keeps an active transaction alive past the idle timeout while statements keep coming", async () => {
    await new Client({ url: sim.url }).transaction(async (tx) => {
      for (let i = 0; i < 4; i++) {
        await tx.execute("INSERT INTO counters VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUES(n)", ["busy", i]);
        await new Promise((r) => setTimeout(r, 150));
      }
    });
    expect(await count("busy")).toBe(3);
  });
});
