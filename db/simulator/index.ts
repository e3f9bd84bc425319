/**
 * A local stand-in for PlanetScale's HTTP database API, in front of MariaDB/MySQL (Node only).
 *
 * The Worker's production driver path (drizzle `planetscale-serverless` → `@planetscale/database` →
 * HTTP) runs unchanged against it: same endpoints, Basic auth, sessions and transactions, rows as
 * lengths plus base64 bytes, Vitess type names, Vitess-shaped errors with MySQL's errno and sqlstate.
 * Files: http.ts (server), sessions.ts (pool and transactions), session-token.ts (session objects),
 * encode.ts + types.ts (results), errors.ts (errors). `tsx db/simulator/main.ts` runs it from env.
 */
import type { AddressInfo } from "node:net";
import mysql from "mysql2/promise";
import { connectionOptions, SESSION_SETUP_SQL } from "../mysql.js";
import { createSimulatorServer } from "./http.js";
import { SessionCodec } from "./session-token.js";
import { SessionPool } from "./sessions.js";

/** Options for {@link startSimulator}. */
export interface SimulatorOptions {
  /** `mysql://user:pass@host:port/db`: the database every statement runs in. */
  mysqlUrl: string;
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Basic-auth credentials clients must send. */
  username: string;
  password: string;
  /** Pooled MySQL connections (shared by plain statements and open transactions); default 16. */
  poolSize?: number;
  /** Idle time after which an open transaction is abandoned, in ms; default 20 000. */
  sessionIdleMs?: number;
}

/** A running simulator. */
export interface Simulator {
  /** `http://user:pass@HOST:PORT`, ready for `new Client({ url })` or `createDb(url)`. */
  url: string;
  port: number;
  /** Transactions currently holding a dedicated MySQL connection (for tests and health checks). */
  openTransactions(): number;
  /** Stops accepting requests, abandons open transactions and closes the MySQL pool. */
  close(): Promise<void>;
}

/**
 * Starts the simulator once MySQL has answered (a few pooled connections are opened up front so the
 * first requests do not pay for connecting).
 *
 * @throws mysql2's error when the database is unreachable, or the listen error (EADDRINUSE, …).
 * @example
 *   const sim = await startSimulator({ mysqlUrl, username: "dev", password: "secret" });
 *   const db = createDb(sim.url);
 *   // …
 *   await sim.close();
 */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const database = decodeURIComponent(new URL(opts.mysqlUrl).pathname.replace(/^\//, ""));
  if (!database) throw new Error("mysqlUrl must name a database: mysql://user:pass@host:port/db");
  const poolSize = opts.poolSize ?? 16;
  const pool = mysql.createPool({
    ...connectionOptions(opts.mysqlUrl),
    connectionLimit: poolSize,
    maxIdle: poolSize,
    enableKeepAlive: true,
    rowsAsArray: true,
    typeCast: (field) => field.buffer(),
  });
  pool.pool.on("connection", (conn) => {
    conn.query(SESSION_SETUP_SQL, (err: unknown) => {
      if (err) conn.destroy();
    });
  });
  try {
    await warmUp(pool, Math.min(4, poolSize));
  } catch (err) {
    await pool.end();
    throw err;
  }

  const codec = new SessionCodec();
  const sessions = new SessionPool(pool, {
    idleMs: opts.sessionIdleMs ?? 20_000,
    target: database,
    caller: opts.username,
    newId: () => codec.newId(),
  });
  const server = createSimulatorServer({ sessions, codec, username: opts.username, password: opts.password, database });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  }).catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const auth = `${encodeURIComponent(opts.username)}:${encodeURIComponent(opts.password)}`;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${auth}@${urlHost}:${port}`,
    port,
    openTransactions: () => sessions.openTransactions,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      sessions.close();
      await pool.end();
    },
  };
}

async function warmUp(pool: mysql.Pool, count: number): Promise<void> {
  const conns = await Promise.all(Array.from({ length: count }, () => pool.getConnection()));
  try {
    await Promise.all(conns.map((c) => c.query("SELECT 1")));
  } finally {
    for (const c of conns) c.release();
  }
}
