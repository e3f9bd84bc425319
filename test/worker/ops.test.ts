/**
 * The bridges' operations API on the real Worker (workerd, MariaDB behind the simulator): heartbeats
 * land in `mx_nodes`, maintenance mode defers every RCPT with `451 4.3.2` and reaches the bridges through
 * both the resolve answer and the heartbeat response, and the operator's validation errors name the field.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeartbeatRequest, HeartbeatResponse, ResolveResponse } from "../../common/internal-api.js";
import { mxNodes } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "ops.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "olga", recipient: "olga@mailbox.example" }, "admin");
});
afterAll(async () => { await w?.close(); });

const beat = (over: Partial<HeartbeatRequest> = {}): HeartbeatRequest => ({
  role: "primary", version: "0.1.0", hostname: "mx1.ops.test", startedAt: "2026-11-30T10:00:00.000Z",
  queueDepth: 3, oldestQueuedSeconds: 42, overdueSeconds: 0, deliveries: 7, failures: 1, holding: false, ...over,
});
const resolve = () => w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "a@sender.example", rcptTo: "shop@olga.ops.test", clientIp: "127.0.0.1" });

describe("POST /internal/v1/heartbeat", () => {
  it("stores the beat under the signing bridge's name and replaces it on the next one", async () => {
    const first = await w.call<HeartbeatResponse>("/internal/v1/heartbeat", beat());
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ maintenance: { on: false, until: null } });
    await w.call("/internal/v1/heartbeat", beat({ role: "backup", hostname: "mx2.ops.test", queueDepth: 0, oldestQueuedSeconds: null }), "mx2");
    await w.call("/internal/v1/heartbeat", beat({ queueDepth: 5, deliveries: 2 }));
    const rows = await w.db.select().from(mxNodes).orderBy(mxNodes.name);
    expect(rows.map((r) => [r.name, r.role, r.queueDepth, r.deliveries, r.oldestQueuedSeconds])).toEqual([
      ["mx1", "primary", 5, 2, 42],
      ["mx2", "backup", 0, 7, null],
    ]);
    expect(Math.abs(rows[0]!.lastSeenAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("refuses a malformed beat with a 422 naming the field, and the admin's signature", async () => {
    const bad = await w.call<{ error: { field: string } }>("/internal/v1/heartbeat", { ...beat(), queueDepth: -1 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe("queueDepth");
    const admin = await w.call("/internal/v1/heartbeat", beat(), "admin");
    expect(admin.status).toBe(401);
  });
});

describe("maintenance mode", () => {
  it("defers every RCPT with 451 4.3.2 while on, tells heartbeats, and resolves normally once off", async () => {
    expect((await resolve()).body.action).toBe("forward");

    const on = await w.call<{ on: boolean; until: string | null }>("/internal/v1/admin/maintenance", { on: true, minutes: 5 }, "admin");
    expect(on.status).toBe(200);
    expect(on.body.on).toBe(true);
    const until = Date.parse(on.body.until!);
    expect(until - Date.now()).toBeGreaterThan(4 * 60_000);

    const deferred = await resolve();
    expect(deferred.body).toMatchObject({ action: "defer", reply: { code: 451, enhanced: "4.3.2" }, maintenance: { on: true, until: on.body.until } });
    const hb = await w.call<HeartbeatResponse>("/internal/v1/heartbeat", beat({ holding: true }));
    expect(hb.body.maintenance).toEqual({ on: true, until: on.body.until });
    const [row] = await w.db.select().from(mxNodes).where(eq(mxNodes.name, "mx1"));
    expect(row!.holding).toBe(true);

    const off = await w.call<{ on: boolean }>("/internal/v1/admin/maintenance", { on: false }, "admin");
    expect(off.body.on).toBe(false);
    expect((await resolve()).body.action).toBe("forward");
    expect((await w.call<HeartbeatResponse>("/internal/v1/heartbeat", beat())).body.maintenance.on).toBe(false);
  });

  it("rejects a duration out of range, and bridges may not switch it", async () => {
    const bad = await w.call<{ error: { field: string } }>("/internal/v1/admin/maintenance", { on: true, minutes: 0 }, "admin");
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe("minutes");
    expect((await w.call("/internal/v1/admin/maintenance", { on: true }, "mx1")).status).toBe(401);
    expect((await resolve()).body.action).toBe("forward");
  });
});
