/**
 * Unknown addresses and caching, through the real Worker (workerd). A review found `GET /logout` and
 * `/favicon.ico` answered with the internal API's JSON and without the dashboard's security headers, and
 * `/api` answers (accounts' data, tokens) without `Cache-Control`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let token: string;

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "nia", recipient: "nia@mailbox.example", password: "nia-password-1" }, "admin");
  token = (await w.call<{ token: string }>("/internal/v1/admin/tokens", { username: "nia", name: "t" }, "admin")).body.token;
});
afterAll(async () => { await w?.close(); });

const get = (path: string, init: RequestInit = {}) => fetch(`${w.url}${path}`, { redirect: "manual", ...init });

describe("an unknown address outside /api and /internal", () => {
  it("is the dashboard's HTML 404 page with its security headers, for GET and for a POST without a form token", async () => {
    for (const [method, path] of [["GET", "/logout"], ["GET", "/no/such/page"], ["GET", "/wp-login.php"], ["POST", "/no-such-form"], ["HEAD", "/nothing"]] as const) {
      const res = await get(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'self'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      if (method !== "HEAD") {
        const html = await res.text();
        expect(html).toContain("<h1>Not found</h1>");
        expect(html).not.toContain("NOT_FOUND");
      }
    }
  });

  it("/favicon.ico is a 16×16 32-bit icon", async () => {
    const res = await get("/favicon.ico");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/x-icon");
    const ico = Buffer.from(await res.arrayBuffer());
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 1]);
    expect([ico[6], ico[7], ico.readUInt16LE(12)]).toEqual([16, 16, 32]);
    expect(ico.readUInt32LE(18) + ico.readUInt32LE(14)).toBe(ico.length);
    expect(ico.readUInt32LE(22)).toBe(40);
  });

  it("under /api and /internal stays JSON in the caller's dialect", async () => {
    const api = await get("/api/v1/nope", { headers: { Authorization: `Bearer ${token}` } });
    expect([api.status, await api.json()]).toEqual([404, { message: "Not Found." }]);
    const internal = await get("/internal/v1/nope", { method: "POST" });
    expect(internal.status).toBeGreaterThanOrEqual(400);
    expect(internal.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("Cache-Control under /api", () => {
  it("is no-store on every answer with account data or a token, errors included; the public documents may be cached", async () => {
    const bearer = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    const answers = [
      await get("/api/v1/account-details", { headers: bearer }),
      await get("/api/v1/aliases?page[size]=1", { headers: bearer }),
      await get("/api/v1/aliases?page[number]=abc", { headers: bearer }),
      await get("/api/v1/account-details"),
      await get("/api/user_info", { headers: { Authentication: token } }),
      await get("/api/v1/nope", { headers: bearer }),
      await get("/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "nia", password: "nia-password-1", device_name: "t" }) }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 422, 401, 200, 404, 200]);
    for (const res of answers) expect(res.headers.get("cache-control"), res.url).toBe("no-store");
    for (const path of ["/api/openapi.json", "/api/docs"]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).not.toBe("no-store");
    }
  });
});
