/**
 * Outages of what the bridges depend on, over the real dev stack backed by a private MariaDB server of
 * this test's own (started from db/private-mariadb.ts in a temp dir; the machine's shared server is never
 * touched): the Worker stopped, the database stopped (scaled from minutes to seconds), and maintenance
 * mode switched on and off with the operator's CLI. Aliases the bridges resolved before the outage keep
 * receiving mail (serve-stale), others get 451 4.3.0 until it is over; events wait in the spool and are
 * counted once; nothing is lost or duplicated.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateMariadb } from "../../db/private-mariadb.js";
import { ROOT } from "../../scripts/stack/files.js";
import { type FaultStack, startFaultStack } from "./support/fault-stack.js";
import { type FaultRow, markers, recordRow, settle } from "./support/ledger.js";
import { type MtaMessage, mtaSend, mtaSendAll, transaction } from "./support/mta.js";

let f: FaultStack;
let db: { serverUrl: string; stop(): Promise<void> };
const dbDir = mkdtempSync(path.join(tmpdir(), "veilmail-faults-db-"));

beforeAll(async () => {
  const started = await startPrivateMariadb(dbDir);
  if (!started) throw new Error("the database-outage scenario needs mariadbd and mariadb-install-db (Debian package mariadb-server)");
  db = started;
  f = await startFaultStack({ serverUrl: db.serverUrl });
}, 240_000);
afterAll(async () => {
  // The private server must go whatever happens to the stack's own shutdown.
  try {
    await Promise.race([f?.stop(), new Promise((r) => setTimeout(r, 90_000))]);
  } finally {
    await db?.stop();
    rmSync(dbDir, { recursive: true, force: true });
  }
});

const msg = (to: string, marker: string): MtaMessage => ({ from: "alice@sender.example", to, marker });
const files = (dir: string) => { try { return readdirSync(dir); } catch { return []; } };
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};
const spoolsEmpty = () => f.spoolDirs().every((d) => files(path.join(d, "state")).length === 0);
const sum = (name: string, rows: FaultRow[]): FaultRow => rows.reduce((a, r) => ({
  scenario: name, sent: a.sent + r.sent, delivered: a.delivered + r.delivered, queued: a.queued + r.queued,
  failed: a.failed + r.failed, lost: a.lost + r.lost, duplicated: a.duplicated + r.duplicated,
}), { scenario: name, sent: 0, delivered: 0, queued: 0, failed: 0, lost: 0, duplicated: 0 });

/**
 * The common shape of an outage: warm two aliases, take `what` away, send to them (served stale) and to a
 * new alias (451 4.3.0 on both MX), keep the outage on for `outageMs`, bring it back, and let the sender's
 * retry of the new alias through. Returns the row.
 */
async function outage(name: string, tag: string, takeDown: () => Promise<void>, bringBack: () => Promise<void>, during?: () => Promise<void>): Promise<FaultRow> {
  const known = [`${tag}-a@${f.domain}`, `${tag}-b@${f.domain}`];
  const fresh = `${tag}-new@${f.domain}`;
  const warm = markers(`${tag}warm`, 2);
  await mtaSendAll(f.mx, warm.map((m, i) => msg(known[i]!, m)), 2);
  expect(await settle("", warm, f.outboxDir, f.spoolDirs())).toMatchObject({ delivered: 2 });
  await new Promise((r) => setTimeout(r, 1200)); // past RESOLVE_CACHE_TTL (1 s): what follows is served stale, not fresh

  await takeDown();
  const stale = markers(`${tag}stale`, 10);
  const results = await mtaSendAll(f.mx, stale.map((m, i) => msg(known[i % 2]!, m)), 4, { deadlineMs: 20_000 });
  expect(results.every((r) => r.setbacks.length === 0)).toBe(true); // accepted at the first try, from the cache
  for (const port of f.mx) {
    const refused = await transaction(port, msg(fresh, "never-accepted"));
    expect(refused.stage).toBe("rcpt");
    expect(refused.text).toMatch(/^451 4\.3\.0 /);
  }
  const late = markers(`${tag}late`, 1);
  const retrying = mtaSend(f.mx, msg(fresh, late[0]!), { retryMs: 500, deadlineMs: 120_000 });
  await during?.();
  // Delivery needs no Worker: the stale-served mail is delivered during the outage; its events wait on disk.
  await until("delivery during the outage", async () => (await settle("", stale, f.outboxDir, f.spoolDirs(), { timeoutMs: 0 })).delivered === stale.length, 30_000);
  expect(spoolsEmpty()).toBe(false);

  await bringBack();
  const accepted = await retrying;
  expect(accepted.setbacks.some((s) => s.startsWith("451 4.3.0"))).toBe(true);
  const rows = [
    await settle("", warm, f.outboxDir, f.spoolDirs()),
    await settle("", stale, f.outboxDir, f.spoolDirs()),
    await settle("", late, f.outboxDir, f.spoolDirs()),
  ];
  await until("events reported and the spools empty", spoolsEmpty);
  const counts = await f.forwardedCounts([...known, fresh]);
  expect([counts.get(known[0]!), counts.get(known[1]!), counts.get(fresh)]).toEqual([6, 6, 1]); // each event counted once
  return sum(name, rows);
}

describe("the Worker stopped", () => {
  it("known aliases are served stale, new ones get 451 4.3.0, all delivered after, each counted once", async () => {
    const row = await outage("Worker stopped (scaled 2 min → 8 s)", "wkr",
      () => f.stack.stopWorker(),
      async () => { await f.stack.startWorker(); },
      () => new Promise((r) => setTimeout(r, 8000)));
    recordRow(10, row);
    expect(row).toMatchObject({ sent: 13, delivered: 13, lost: 0, duplicated: 0 });
  });
});

describe("the database stopped", () => {
  it("the same through a MariaDB outage, while the status page still renders and says the database is down", async () => {
    const port = Number(new URL(db.serverUrl).port);
    const row = await outage("MariaDB stopped (scaled 2 min → 8 s)", "dbs",
      () => db.stop(),
      async () => { db = (await startPrivateMariadb(dbDir, { port }))!; },
      async () => {
        const res = await fetch(`${f.stack.worker.url}/status.json`);
        expect(res.status).toBe(200);
        const status = await res.json() as { databaseReachable: boolean; components: { key: string; state: string }[] };
        expect(status.databaseReachable).toBe(false);
        expect(status.components.find((c) => c.key === "database")?.state).toBe("down");
        await new Promise((r) => setTimeout(r, 6000));
      });
    recordRow(11, row);
    expect(row).toMatchObject({ sent: 13, delivered: 13, lost: 0, duplicated: 0 });
  });
});

describe("maintenance mode", () => {
  const admin = (...args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
    cwd: ROOT, env: { ...process.env, WORKER_URL: f.stack.admin.workerUrl, ADMIN_SECRET: f.stack.admin.adminSecret },
  });
  const mxComponents = async () => {
    const s = await (await fetch(`${f.stack.worker.url}/status.json`)).json() as { components: { key: string; state: string; detail: string }[] };
    return ["mx1", "mx2"].map((k) => s.components.find((c) => c.key === k));
  };
  const mxStates = async () => (await mxComponents()).map((c) => c?.state);
  /** Both bridges said in a heartbeat that they hold mail (maintenance being on at the Worker is not enough). */
  const bothHolding = async () => (await mxComponents()).every((c) => c?.state === "maintenance" && c.detail.includes("holding mail for maintenance"));

  it("npm run admin -- maintenance:on defers at RCPT on both bridges and holds queued mail; maintenance:off delivers it all once", async () => {
    const to = `mnt@${f.domain}`;
    const queuedBefore = markers("mntqueued", 3);
    const during = markers("mntduring", 5);
    f.stack.sinkControl.respond = ({ stage }) => (stage === "data" ? { code: 451, message: "4.3.0 later" } : undefined);
    await mtaSendAll([f.mx[0]!], queuedBefore.map((m) => msg(to, m)), 3);

    await admin("maintenance:on", "--minutes", "3");
    await until("both bridges to hold (heartbeat)", bothHolding);
    f.stack.sinkControl.respond = undefined; // the recipient's server is fine again: only maintenance holds the mail
    for (const port of f.mx) expect((await transaction(port, msg(to, "never-accepted"))).text).toMatch(/^451 4\.3\.2 /);
    const sending = mtaSendAll(f.mx, during.map((m) => msg(to, m)), 5, { retryMs: 500, deadlineMs: 120_000 });
    await new Promise((r) => setTimeout(r, 3000)); // the "migration" (scaled 3 min → 3 s)
    const held = await settle("", queuedBefore, f.outboxDir, f.spoolDirs(), { timeoutMs: 0 });
    expect(held).toMatchObject({ delivered: 0, queued: 3 });

    await admin("maintenance:off");
    const results = await sending;
    expect(results.every((r) => r.setbacks.some((s) => s.startsWith("451 4.3.2")))).toBe(true);
    const row = sum("maintenance:on/off (scaled 3 min → 3 s)", [
      await settle("", queuedBefore, f.outboxDir, f.spoolDirs()),
      await settle("", during, f.outboxDir, f.spoolDirs()),
    ]);
    recordRow(12, row);
    expect(row).toMatchObject({ sent: 8, delivered: 8, lost: 0, duplicated: 0 });
    await until("the spools to empty", spoolsEmpty);
    expect((await f.forwardedCounts([to])).get(to)).toBe(8);
    // Each bridge says it stopped holding in its next heartbeat.
    await until("both bridges to report they no longer hold", async () => (await mxStates()).every((s) => s === "up"));
  });
});
