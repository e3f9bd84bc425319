/**
 * The simulator's statements outside a transaction leave nothing behind for the garbage collector to
 * copy: a result is unreachable once it has been answered. mysql2's `Pool.query` kept each result
 * reachable past the next minor GC, so most of what a statement allocated was copied and promoted to
 * the old generation (measured: 2.6 MB promoted per scavenge under the benchmark's page loop, and a
 * mark-compact every second), which put 5–10 ms pauses into the API's and RCPT's p99.
 *
 * Measured with V8's own per-GC report (`--trace-gc-nvp`, in a child process so the test runner's heap
 * is not counted): bytes promoted per scavenge over 300 statements of 100 rows each. With the fault
 * 30 % of the steady state's allocation was promoted here; without it, 0.02 %. This
 * checks retention, not time.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.close();
});

/** Runs 300 statements through a SessionPool set up as db/simulator/index.ts sets it up. */
const CHILD = `
import mysql from "mysql2/promise";
import { connectionOptions } from "./db/mysql.ts";
import { SessionPool } from "./db/simulator/sessions.ts";
const pool = mysql.createPool({ ...connectionOptions(process.env.MYSQL_URL), connectionLimit: 16, maxIdle: 16,
  rowsAsArray: true, typeCast: (field) => field.buffer() });
const sessions = new SessionPool(pool, { idleMs: 20000, target: "t", caller: "c", newId: () => "id" });
const sql = "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) " +
  "SELECT n, REPEAT('x', 300) AS a, REPEAT('y', 300) AS b, NOW() AS c, n * 2 AS d FROM s";
for (let i = 0; i < 300; i++) {
  const out = await sessions.execute(sql, null);
  if (out.error || out.result?.rows?.length !== 100) throw new Error("unexpected outcome " + JSON.stringify(out.error));
}
await pool.end();
`;

interface Scavenge { allocated: number; promoted: number }

function runChild(): Promise<Scavenge[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--trace-gc-nvp", "--max-semi-space-size=4", "--import", "tsx", "--input-type=module", "-e", CHILD], {
      cwd: ROOT, env: { ...process.env, MYSQL_URL: t.mysqlUrl }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1] ?? NaN);
      resolve(out.split("\n").filter((l) => l.includes(" gc=s ")).map((l) => ({ allocated: field(l, "allocated"), promoted: field(l, "promoted") })));
    });
  });
}

it("promotes almost nothing of what plain statements allocate (results die young)", async () => {
  const scavenges = await runChild();
  // 300 results of ~70 KB of rows each, plus their encoding: dozens of scavenges with a 4 MB semi-space.
  expect(scavenges.length).toBeGreaterThan(10);
  // The first scavenges promote the module graph loaded at start; the steady state is what counts.
  const steady = scavenges.slice(Math.floor(scavenges.length / 2));
  const allocated = steady.reduce((a, s) => a + s.allocated, 0);
  const promoted = steady.reduce((a, s) => a + s.promoted, 0);
  expect(allocated).toBeGreaterThan(0);
  expect(promoted / allocated).toBeLessThan(0.1);
}, 120_000);
