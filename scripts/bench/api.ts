/**
 * REST API latency on a large account: `GET /api/v1/aliases` (a page of 100) and a `filter[search]`
 * query, over an account holding 10,000 aliases, measured from the client.
 */
import { Agent, request } from "node:http";
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
 * (request sent to body read), over one kept-alive connection as an API client holds it.
 *
 * `warmUp` requests go first and are not timed: the steady state is measured, not the Worker's first
 * requests after start (workerd compiling code paths, the database connections and caches filling), which
 * would otherwise fill the p99 of a 200-request run. What is timed is unchanged.
 *
 * node:http rather than fetch: the load generator shares the machine's cores with the stack it times.
 * The client process's CPU time inside the timed requests (perf sched, 2 cores) was ~3 ms per request
 * with undici's fetch, a fifth of what the whole stack spends on a page, and is ~1 ms with node:http.
 */
export async function measureApi(workerUrl: string, token: string, path: string, requests: number, warmUp = 10) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(path, workerUrl);
  const get = () => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}`, accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
  const times: number[] = [];
  try {
    for (let i = -warmUp; i < requests; i++) {
      const t0 = performance.now();
      const res = await get();
      if (i >= 0) times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
    }
  } finally {
    agent.destroy();
  }
  return percentiles(times);
}
