/**
 * The internal API refuses unsigned, badly signed, stale and misdirected requests with 401, and does
 * nothing for them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "../../common/signature.js";
import { bridgeEvents } from "../../db/schema/index.js";
import { SECRETS, type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
beforeAll(async () => { w = await startTestWorker(); });
afterAll(async () => { await w?.close(); });

const resolveBody = JSON.stringify({ mailFrom: "a@example.org", rcptTo: "x@nowhere.example", clientIp: "127.0.0.1" });

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${w.url}${path}`, { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
  return { status: res.status, body: await res.json() as { error?: { code: string } } };
}

describe("internal API authentication", () => {
  it("answers a correctly signed request", async () => {
    const headers = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/resolve", resolveBody);
    const res = await post("/internal/v1/resolve", resolveBody, headers);
    expect(res.status).toBe(200);
  });

  it("refuses an unsigned request", async () => {
    const res = await post("/internal/v1/resolve", resolveBody, {});
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("UNAUTHORIZED");
  });

  it("refuses a signature made with the wrong secret", async () => {
    const headers = await signRequest("mx1", "not-the-secret", "POST", "/internal/v1/resolve", resolveBody);
    expect((await post("/internal/v1/resolve", resolveBody, headers)).status).toBe(401);
  });

  it("refuses a body changed after signing", async () => {
    const headers = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/resolve", resolveBody);
    const tampered = resolveBody.replace("nowhere", "elsewhere");
    expect((await post("/internal/v1/resolve", tampered, headers)).status).toBe(401);
  });

  it("refuses a request signed more than 5 minutes ago, and accepts one just inside the window", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/resolve", resolveBody, now - 301);
    expect((await post("/internal/v1/resolve", resolveBody, stale)).status).toBe(401);
    const fresh = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/resolve", resolveBody, now - 290);
    expect((await post("/internal/v1/resolve", resolveBody, fresh)).status).toBe(200);
  });

  it("keeps bridges out of the admin API and the admin out of the bridge API", async () => {
    const adminBody = JSON.stringify({ domain: "intruder.example", paidOnly: false });
    const asBridge = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/admin/shared-domains", adminBody);
    expect((await post("/internal/v1/admin/shared-domains", adminBody, asBridge)).status).toBe(401);
    const asAdmin = await signRequest("admin", SECRETS.admin, "POST", "/internal/v1/resolve", resolveBody);
    expect((await post("/internal/v1/resolve", resolveBody, asAdmin)).status).toBe(401);
    // Nothing was done: the domain the bridge tried to add does not exist, so its aliases are relay-denied.
    const check = await w.call<{ action: string; reply: { enhanced: string } }>("/internal/v1/resolve", {
      mailFrom: "a@example.org", rcptTo: "x@intruder.example", clientIp: "127.0.0.1",
    });
    expect(check.body.reply.enhanced).toBe("5.7.1");
  });

  it("applies no event from a badly signed report", async () => {
    const event = { id: crypto.randomUUID(), kind: "forwarded", aliasId: "a", userId: "u", bytes: 10, at: new Date().toISOString() };
    const body = JSON.stringify({ events: [event] });
    const headers = await signRequest("mx1", "wrong", "POST", "/internal/v1/events", body);
    expect((await post("/internal/v1/events", body, headers)).status).toBe(401);
    expect(await w.db.select().from(bridgeEvents)).toEqual([]);
  });

  it("refuses non-canonical paths, so a bridge cannot reach the admin API through an encoded path", async () => {
    const body = JSON.stringify({ username: "evil1", recipient: "e@evil.example" });
    for (const path of ["/internal/v1/%61dmin/users", "/internal/v1//admin/users", "/internal/v1/admin/%75sers", "/internal/v1/admin//users"]) {
      const headers = await signRequest("mx1", SECRETS.mx1, "POST", path, body);
      const res = await post(path, body, headers);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).not.toBe(201);
    }
    // Nothing was created: the username is still free for the admin.
    const created = await w.call("/internal/v1/admin/users", { username: "evil1", recipient: "e@evil.example" }, "admin");
    expect(created.status).toBe(201);
  });

  it("refuses an unsigned request before reading its body, and any body over 1 MiB", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    expect((await post("/internal/v1/resolve", big, {})).status).toBe(401);
    const headers = await signRequest("mx1", SECRETS.mx1, "POST", "/internal/v1/resolve", big);
    const res = await post("/internal/v1/resolve", big, headers);
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
