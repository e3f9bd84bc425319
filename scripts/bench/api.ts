/**
 * REST API latency on a large account: `GET /api/v1/aliases` (a page of 100) and a `filter[search]`
 * query, over an account holding 10,000 aliases, measured from the client.
 */
import mysql from "mysql2/promise";
import { percentiles } from "./tools.js";

/**
 * Inserts `count` aliases for `username` straight into the database (a benchmark's seed, not a way to
 * create aliases: they would normally come through the API or the catch-all).
 */
export async function seedAliases(mysqlUrl: string, username: string, domain: string, count: number): Promise<void> {
  const conn = await mysql.createConnection({ uri: mysqlUrl, timezone: "Z" });
  try {
    const [[owner]] = await conn.query("SELECT u.id AS userId FROM usernames n JOIN users u ON u.id = n.user_id WHERE n.username = ?", [username]) as unknown as [[{ userId: string }]];
    const [[dom]] = await conn.query("SELECT id FROM domains WHERE domain = ?", [domain]) as unknown as [[{ id: string }]];
    const base = Date.UTC(2026, 0, 1);
    for (let start = 0; start < count; start += 1000) {
      const rows = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const n = start + k;
        const at = new Date(base + n * 1000);
        return [crypto.randomUUID(), owner.userId, dom.id, `bench${n}`, domain, `bench${n}@${domain}`, `bench alias number ${n}`, n % 97, at, at];
      });
      await conn.query(
        "INSERT INTO aliases (id, user_id, domain_id, local_part, domain, email, description, emails_forwarded, created_at, updated_at) VALUES ?",
        [rows],
      );
    }
  } finally {
    await conn.end();
  }
}

/**
 * Latency (ms) of `requests` sequential GETs of `path` with the token, each timed from the client
 * (request sent to body read).
 *
 * `warmUp` requests go first and are not timed: the steady state is measured, not the Worker's first
 * requests after start (workerd compiling code paths, the database connections and caches filling), which
 * would otherwise fill the p99 of a 200-request run. What is timed is unchanged.
 */
export async function measureApi(workerUrl: string, token: string, path: string, requests: number, warmUp = 10) {
  const times: number[] = [];
  for (let i = -warmUp; i < requests; i++) {
    const t0 = performance.now();
    const res = await fetch(`${workerUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    const body = await res.text();
    if (i >= 0) times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
  }
  return percentiles(times);
}
