/**
 * mysql2 connection settings shared by every Node-side user of MariaDB/MySQL (migrations, the local
 * server helpers, the PlanetScale simulator). Node only.
 *
 * Every connection runs in UTC (`timezone: 'Z'` for mysql2's own Date handling, and the session's
 * `time_zone = '+00:00'` for NOW(), CURRENT_TIMESTAMP and TIMESTAMP columns) and with MySQL 8's default
 * `sql_mode`, so MariaDB rejects what PlanetScale (MySQL 8) would reject. The one deliberate difference
 * runs the safe way: MariaDB's ONLY_FULL_GROUP_BY does not know functional dependence, so it also refuses
 * `GROUP BY users.id` with other `users` columns selected, which MySQL 8 allows; list them in GROUP BY.
 */
import mysql from "mysql2/promise";

/** MySQL 8.0's default sql_mode (MariaDB accepts every flag in it). */
export const MYSQL8_SQL_MODE =
  "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

/** The statement every new connection runs before anything else. */
export const SESSION_SETUP_SQL = `SET SESSION time_zone = '+00:00', SESSION sql_mode = '${MYSQL8_SQL_MODE}'`;

/**
 * Base mysql2 options for a `mysql://user:pass@host:port/db` URL: UTC, utf8mb4, exact big integers
 * (`insertId` and BIGINT come back as strings when they exceed 2^53).
 */
export function connectionOptions(url: string): mysql.ConnectionOptions {
  return {
    uri: url,
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 5_000,
  };
}

/**
 * Opens one connection to `url` with UTC and MySQL 8's sql_mode applied.
 *
 * @throws mysql2's error (errno/code/sqlMessage) when the server is unreachable or refuses the login.
 * @example
 *   const conn = await openConnection("mysql://root@127.0.0.1:3306");
 *   try { await conn.query("SELECT 1"); } finally { await conn.end(); }
 */
export async function openConnection(url: string): Promise<mysql.Connection> {
  const conn = await mysql.createConnection(connectionOptions(url));
  try {
    await conn.query(SESSION_SETUP_SQL);
  } catch (err) {
    conn.destroy();
    throw err;
  }
  return conn;
}

/** Quotes a MySQL identifier (database, table) after checking it is a plain `[A-Za-z0-9_]` name. */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`invalid MySQL identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}
