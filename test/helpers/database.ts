/**
 * A fresh, migrated MariaDB database behind its own PlanetScale simulator, for one test file.
 * Parallel-safe: every call makes its own database (`veilmail_test_<random>`), simulator port and
 * credentials; `close()` stops the simulator and drops the database.
 */
import { randomBytes } from "node:crypto";
import { createDb, type Db } from "../../db/client.js";
import { dropDatabase, ensureDatabase, findServer, type LocalServer } from "../../db/local.js";
import { migrate } from "../../db/migrate.js";
import { startSimulator } from "../../db/simulator/index.js";

/** What {@link createTestDatabase} returns. */
export interface TestDatabase {
  /** `veilmail_test_<12 hex>`. */
  name: string;
  /** `mysql://…/<name>`: direct access, for checks that must bypass the simulator. */
  mysqlUrl: string;
  /** `http://user:pass@127.0.0.1:PORT`: the simulator, what a Worker's DATABASE_URL would be. */
  psUrl: string;
  /** drizzle through the simulator (the production driver path). */
  db: Db;
  close(): Promise<void>;
}

let server: Promise<LocalServer> | undefined;

/**
 * Creates, migrates and serves a new database.
 *
 * @throws when no MariaDB/MySQL server can be found (see db/local.ts) or migration fails.
 * @example
 *   let t: TestDatabase;
 *   beforeAll(async () => { t = await createTestDatabase(); });
 *   afterAll(() => t?.close());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  server ??= findServer();
  const { serverUrl } = await server;
  const name = `veilmail_test_${randomBytes(6).toString("hex")}`;
  const mysqlUrl = await ensureDatabase(serverUrl, name);
  try {
    await migrate(mysqlUrl);
    const sim = await startSimulator({
      mysqlUrl,
      port: 0,
      username: `test_${randomBytes(3).toString("hex")}`,
      password: randomBytes(12).toString("base64url"),
    });
    return {
      name,
      mysqlUrl,
      psUrl: sim.url,
      db: createDb(sim.url),
      async close() {
        await sim.close();
        await dropDatabase(serverUrl, name);
      },
    };
  } catch (err) {
    await dropDatabase(serverUrl, name);
    throw err;
  }
}
