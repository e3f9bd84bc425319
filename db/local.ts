/**
 * Finds a MariaDB/MySQL server for development and tests, and creates or drops databases on it.
 * Node only (mysql2, child processes).
 *
 * Search order (DESIGN.md §5):
 *   1. `DATABASE_URL` (`mysql://user:pass@host:port[/db]`), used as given;
 *   2. MariaDB on 127.0.0.1:3306 as root without password, when it answers;
 *   3. a private `mariadbd` under `<repo>/.data/mariadb/` when the binaries are installed
 *      (see db/private-mariadb.ts);
 *   4. otherwise an Error telling to install the Debian package `mariadb-server`.
 */
import { fileURLToPath } from "node:url";
import { openConnection, quoteIdentifier } from "./mysql.js";
import { canConnect, startPrivateMariadb } from "./private-mariadb.js";

/** A server found by {@link findServer}. */
export interface LocalServer {
  /** `mysql://user[:pass]@host:port`, without a database. */
  serverUrl: string;
  /** Stops the server if `findServer` started it; otherwise does nothing. */
  stop(): Promise<void>;
}

const DEFAULT_URL = "mysql://root@127.0.0.1:3306";
const PRIVATE_DIR = fileURLToPath(new URL("../.data/mariadb/", import.meta.url));

/**
 * Finds a server in the order above.
 *
 * @throws Error naming `mariadb-server` when no server is reachable and none can be started.
 * @example
 *   const { serverUrl } = await findServer();          // "mysql://root@127.0.0.1:3306"
 *   const url = await ensureDatabase(serverUrl, "veilmail");
 */
export async function findServer(): Promise<LocalServer> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { serverUrl: serverUrlOf(fromEnv), stop: async () => {} };
  if (await canConnect(DEFAULT_URL)) return { serverUrl: DEFAULT_URL, stop: async () => {} };
  const started = await startPrivateMariadb(PRIVATE_DIR);
  if (started) return started;
  throw new Error(
    "No MariaDB/MySQL server found: set DATABASE_URL=mysql://user:pass@host:port/db, start MariaDB on " +
      "127.0.0.1:3306 (root without password), or install the Debian package mariadb-server " +
      "(apt-get install mariadb-server) so a private server can run under .data/mariadb/.",
  );
}

/** Drops the path (database name) and query from a mysql:// URL. */
export function serverUrlOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:") {
    throw new Error(`expected a mysql:// URL, got ${parsed.protocol}//…`);
  }
  parsed.pathname = "";
  parsed.search = "";
  return parsed.toString().replace(/\/$/, "");
}

/** `serverUrl` with database `name` as its path. */
export function databaseUrl(serverUrl: string, name: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/**
 * Creates database `name` (utf8mb4, utf8mb4_unicode_ci) unless it exists.
 *
 * @param name plain identifier `[A-Za-z0-9_]{1,64}`; anything else throws.
 * @returns the database's URL, `mysql://…/name`.
 */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const ident = quoteIdentifier(name);
  const conn = await openConnection(serverUrl);
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${ident} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  return databaseUrl(serverUrl, name);
}

/** Drops database `name` if it exists (plain identifier only, as for {@link ensureDatabase}). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const ident = quoteIdentifier(name);
  const conn = await openConnection(serverUrl);
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${ident}`);
  } finally {
    await conn.end();
  }
}
