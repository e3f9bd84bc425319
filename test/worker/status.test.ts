/**
 * The status page on the real Worker (workerd, MariaDB behind the simulator): components and their
 * states from heartbeats and checks, the cron trigger recording checks for the 90-day bars, incidents
 * posted by the operator, maintenance shown, and a page that still renders when the database is down
 * (a second Worker whose DATABASE_URL points at a closed port: connection refused, a real outage).
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeartbeatRequest } from "../../common/internal-api.js";
import { mxNodes, statusChecks, statusDaily } from "../../db/schema/index.js";
import { ROOT } from "../../scripts/stack/files.js";
import { type LocalWorker, startLocalWorker } from "../../scripts/stack/worker.js";
import { SECRETS, type TestWorker, startTestWorker } from "../helpers/worker.js";

interface StatusJson {
  status: string;
  databaseReachable: boolean;
  maintenance: { on: boolean } | null;
  components: { key: string; name: string; state: string; detail: string; latencyMs: number | null; uptime90d: number | null; days: { day: string; up: number; uptime: number | null }[] | null }[];
  incidents: { id: string; title: string; status: string; updates: { status: string; message: string }[] }[] | null;
}

let w: TestWorker;
beforeAll(async () => { w = await startTestWorker(); });
afterAll(async () => { await w?.close(); });

const beat = (over: Partial<HeartbeatRequest> = {}): HeartbeatRequest => ({
  role: "primary", version: "0.1.0", hostname: "mx1.status.test", startedAt: new Date().toISOString(),
  queueDepth: 0, oldestQueuedSeconds: null, overdueSeconds: 0, deliveries: 0, failures: 0, holding: false, ...over,
});
const statusJson = async (url = w.url) => {
  const res = await fetch(`${url}/status.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as StatusJson;
};
const component = (s: StatusJson, key: string) => s.components.find((c) => c.key === key)!;

describe("GET /status.json", () => {
  it("lists every component; a bridge is up with a fresh heartbeat, down without one or with a stale one", async () => {
    await w.call("/internal/v1/heartbeat", beat());
    const s = await statusJson();
    expect(s.components.map((c) => c.key)).toEqual(["landing", "webapp", "api", "database", "mx1", "mx2"]);
    expect(component(s, "database")).toMatchObject({ state: "up" });
    expect(component(s, "database").latencyMs).toBeGreaterThanOrEqual(0);
    expect(component(s, "mx1")).toMatchObject({ state: "up", name: "Mail server mx1 (primary)" });
    expect(component(s, "mx2")).toMatchObject({ state: "down", detail: "no heartbeat received yet" });
    expect(s.status).toBe("outage");

    await w.db.update(mxNodes).set({ lastSeenAt: new Date(Date.now() - 120_000) }).where(eq(mxNodes.name, "mx1"));
    expect(component(await statusJson(), "mx1").state).toBe("down");
  });

  it("calls a queue stuck (degraded) when due mail is overdue and nothing is delivered", async () => {
    await w.call("/internal/v1/heartbeat", beat({ role: "backup", queueDepth: 4, oldestQueuedSeconds: 900, overdueSeconds: 600 }), "mx2");
    const stuck = component(await statusJson(), "mx2");
    expect(stuck.state).toBe("degraded");
    expect(stuck.detail).toMatch(/queue stuck/);
    // Deferred mail waiting for its retry is not stuck.
    await w.call("/internal/v1/heartbeat", beat({ role: "backup", queueDepth: 4, oldestQueuedSeconds: 900, overdueSeconds: 0 }), "mx2");
    expect(component(await statusJson(), "mx2").state).toBe("up");
  });

  it("shows maintenance mode on the mail servers while it is on", async () => {
    await w.call("/internal/v1/heartbeat", beat());
    await w.call("/internal/v1/admin/maintenance", { on: true }, "admin");
    try {
      const s = await statusJson();
      expect(s.maintenance?.on).toBe(true);
      expect(component(s, "mx1").state).toBe("maintenance");
      // Until the bridge says in a heartbeat that it holds mail, the page does not claim it does
      // (it may still answer RCPT from its cache and deliver).
      expect(component(s, "mx1").detail).toMatch(/maintenance on, not yet confirmed by this server$/);
      await w.call("/internal/v1/heartbeat", beat({ holding: true }));
      expect(component(await statusJson(), "mx1").detail).toMatch(/holding mail for maintenance$/);
      const html = await (await fetch(`${w.url}/status`)).text();
      expect(html).toContain("Maintenance since");
    } finally {
      await w.call("/internal/v1/admin/maintenance", { on: false }, "admin");
    }
  });
});

describe("the cron trigger", () => {
  it("records one check per component per run and counts them into today's bar", async () => {
    await w.call("/internal/v1/heartbeat", beat());
    await w.call("/internal/v1/heartbeat", beat({ role: "backup" }), "mx2");
    const before = await w.db.select().from(statusChecks);
    await w.worker.scheduled();
    await w.worker.scheduled();
    const after = await w.db.select().from(statusChecks);
    expect(after.length - before.length).toBe(12);
    const mx2Checks = after.filter((r) => r.component === "mx2").slice(-2);
    expect(mx2Checks.map((r) => r.state)).toEqual(["up", "up"]);
    const [db] = await w.db.select().from(statusDaily).where(eq(statusDaily.component, "database"));
    expect(db!.up).toBeGreaterThanOrEqual(2);

    const s = await statusJson();
    const days = component(s, "mx2").days!;
    expect(days).toHaveLength(90);
    expect(days[89]!.day).toBe(new Date().toISOString().slice(0, 10));
    expect(days[89]!.up).toBe(2);
    expect(days[89]!.uptime).toBe(1);
    expect(days[0]!.uptime).toBeNull();
    expect(component(s, "mx2").uptime90d).toBe(1);
  });
});

describe("incidents", () => {
  it("are opened, updated and closed by the operator and shown on the page, escaped", async () => {
    const opened = await w.call<{ id: string }>("/internal/v1/admin/incidents", {
      title: "Delays on <mx1>", message: "Mail to some providers is slow.", impact: "minor", components: ["mx1"],
    }, "admin");
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    expect((await w.call(`/internal/v1/admin/incidents/${id}/updates`, { status: "identified", message: "A provider throttles us." }, "admin")).status).toBe(200);

    let s = await statusJson();
    const open = s.incidents!.find((i) => i.id === id)!;
    expect(open.status).toBe("identified");
    expect(open.updates.map((u) => u.status)).toEqual(["identified", "investigating"]);
    const html = await (await fetch(`${w.url}/status`)).text();
    expect(html).toContain("Current incidents");
    expect(html).toContain("Delays on &lt;mx1&gt;");
    expect(html).not.toContain("<mx1>");

    expect((await w.call(`/internal/v1/admin/incidents/${id}/close`, {}, "admin")).status).toBe(200);
    s = await statusJson();
    expect(s.incidents!.find((i) => i.id === id)!.status).toBe("resolved");
    expect((await w.call(`/internal/v1/admin/incidents/${id}/close`, {}, "admin")).status).toBe(409);
  });

  it("refuses unknown components and ids with a 4xx naming the field", async () => {
    const bad = await w.call<{ error: { field: string } }>("/internal/v1/admin/incidents", { title: "x", message: "y", components: ["mx9"] }, "admin");
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe("components");
    const missing = await w.call<{ error: { code: string } }>(`/internal/v1/admin/incidents/${crypto.randomUUID()}/updates`, { status: "monitoring", message: "z" }, "admin");
    expect(missing.status).toBe(404);
  });
});

describe("the admin CLI (npm run admin)", () => {
  const admin = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
      cwd: ROOT, env: { ...process.env, WORKER_URL: w.url, ADMIN_SECRET: SECRETS.admin },
    });
    return stdout.trim();
  };

  it("opens, updates and closes an incident, and switches maintenance on for n minutes and off", async () => {
    const id = await admin("incident:open", "Backup MX unreachable", "--message", "mx2 does not answer.", "--impact", "major", "--components", "mx2");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await admin("incident:update", id, "--status", "monitoring", "--message", "Restarted, watching.")).toBe(`incident ${id} is now monitoring`);
    expect(await admin("incident:close", id)).toBe(`incident ${id} resolved`);
    const incident = (await statusJson()).incidents!.find((i) => i.id === id)!;
    expect(incident.updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "investigating"]);

    const on = JSON.parse(await admin("maintenance:on", "--minutes", "3", "--json")) as { on: boolean; until: string };
    expect(on.on).toBe(true);
    expect(Date.parse(on.until) - Date.now()).toBeGreaterThan(2 * 60_000);
    expect((await statusJson()).maintenance?.on).toBe(true);
    expect(await admin("maintenance:off")).toMatch(/^maintenance mode off/);
    expect((await statusJson()).maintenance?.on).toBe(false);
  });

  it("refuses a bad --minutes before calling the Worker", async () => {
    await expect(admin("maintenance:on", "--minutes", "0")).rejects.toThrow(/--minutes must be a whole number/);
  });
});

describe("with the database down", () => {
  let down: LocalWorker;
  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    down = await startLocalWorker({
      DATABASE_URL: `http://user:pass@127.0.0.1:${port}`,
      BRIDGE_SECRETS: `mx1=${SECRETS.mx1},mx2=${SECRETS.mx2}`,
      ADMIN_SECRET: SECRETS.admin,
    });
  });
  afterAll(async () => { await down?.stop(); });

  it("still renders, says so, and marks what it cannot know as unknown", async () => {
    const s = await statusJson(down.url);
    expect(s.databaseReachable).toBe(false);
    expect(component(s, "database")).toMatchObject({ state: "down", detail: "unreachable" });
    expect(component(s, "mx1").state).toBe("unknown");
    expect(s.incidents).toBeNull();
    expect(s.components.every((c) => c.days === null)).toBe(true);
    const res = await fetch(`${down.url}/status`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("The status database cannot be reached right now");
    expect(html).toContain("History unavailable");
    // The cron survives too (it records nothing, and says so in the log).
    await down.scheduled();
  });
});
