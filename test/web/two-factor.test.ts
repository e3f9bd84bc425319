/**
 * TOTP as a second factor through the real Worker: set-up with the QR page and a first code, backup
 * codes, the login step (pending session until the second factor, then a new session), one use per
 * code, rate limiting of codes, and turning it off with the password.
 */
import { eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupCodes, sessions, users } from "../../db/schema/index.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, type WebUser, signedInUser, textOf } from "../helpers/web.js";

let w: TestWorker;
let gil: WebUser;
let secret = "";
let codes: string[] = [];
const code = (offsetSeconds = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSeconds * 1000 });

beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  gil = await signedInUser(w.url, w.db, "gil");
});
afterAll(async () => { await w?.close(); });

const login = async (client: WebClient) => client.submit("/login", { login: "gil", password: gil.password, next: "/aliases" });

describe("set-up", () => {
  it("shows a QR code and the key, refuses a wrong code, and turns on with a right one, giving ten backup codes", async () => {
    const page = await gil.client.get("/settings/2fa");
    expect(page.html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code of your two-factor key"/);
    secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page.html)![1]!;
    expect(secret).toHaveLength(32);
    const [stored] = await w.db.select().from(users).where(eq(users.id, gil.userId));
    expect(stored!.totpSecret).not.toContain(secret);
    expect(stored!.totpEnabledAt).toBeNull();

    const wrong = await gil.client.post("/settings/2fa/totp", { code: "000000" === code() ? "111111" : "000000" });
    expect(wrong.status).toBe(422);
    await gil.client.get("/settings/2fa");
    expect((await gil.client.post("/settings/2fa/totp", { _csrf: null, code: code() })).status).toBe(403);
    const ok = await gil.client.post("/settings/2fa/totp", { code: code() });
    expect(ok.status).toBe(200);
    codes = [...ok.html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(await w.db.select().from(backupCodes).where(eq(backupCodes.userId, gil.userId))).toHaveLength(10);
    expect((await w.db.select().from(users).where(eq(users.id, gil.userId)))[0]!.totpEnabledAt).not.toBeNull();
  });
});

describe("login with a second factor", () => {
  it("stops at /login/2fa with a pending session that opens nothing", async () => {
    const client = new WebClient(w.url);
    const res = await login(client);
    expect(res.location).toBe("/login/2fa?next=%2Faliases");
    expect((await client.get("/dashboard")).status).toBe(303);
    const page = await client.get(res.location!);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Code from your authenticator app, or a backup code");
    expect((await client.post("/login/2fa?next=%2Faliases", { _csrf: null, code: codes[0]! })).status).toBe(403);
  });

  it("refuses a wrong code and the code already used at set-up, accepts the next one once, and rotates the session", async () => {
    const client = new WebClient(w.url);
    await login(client);
    const pending = client.cookies.get("__Host-vm_session")!;
    await client.get("/login/2fa");
    expect((await client.post("/login/2fa?next=%2Faliases", { code: "12345x" })).status).toBe(401);
    expect((await client.post("/login/2fa?next=%2Faliases", { code: code() })).status).toBe(401);
    const next = code(30);
    const ok = await client.post("/login/2fa?next=%2Faliases", { code: next });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/aliases");
    expect(client.cookies.get("__Host-vm_session")).not.toBe(pending);
    expect((await client.get("/aliases")).status).toBe(200);

    const again = new WebClient(w.url);
    await login(again);
    await again.get("/login/2fa");
    expect((await again.post("/login/2fa", { code: next })).status).toBe(401);
  });

  it("accepts a backup code once", async () => {
    const client = new WebClient(w.url);
    await login(client);
    await client.get("/login/2fa");
    expect((await client.post("/login/2fa", { code: codes[0]!.toUpperCase() })).status).toBe(303);
    const again = new WebClient(w.url);
    await login(again);
    await again.get("/login/2fa");
    expect((await again.post("/login/2fa", { code: codes[0]! })).status).toBe(401);
    expect(textOf((await gil.client.get("/settings/2fa")).html)).toContain("9 unused.");
  });

  it("limits code attempts per account (429), then takes none until the window ends", async () => {
    const client = new WebClient(w.url);
    await login(client);
    await client.get("/login/2fa");
    let last = 0;
    for (let i = 0; i <= 10 && last !== 429; i++) last = (await client.post("/login/2fa", { code: "000000" })).status;
    expect(last).toBe(429);
    expect((await client.post("/login/2fa", { code: codes[1]! })).status).toBe(429);
    await w.db.delete(sessions).where(eq(sessions.userId, gil.userId));
  });
});

describe("turning it off", () => {
  it("needs the password", async () => {
    const client = new WebClient(w.url);
    await w.db.execute("DELETE FROM rate_limits");
    await login(client);
    await client.get("/login/2fa");
    expect((await client.post("/login/2fa", { code: codes[2]! })).status).toBe(303);
    await client.get("/settings/2fa");
    expect((await client.post("/settings/2fa/totp/disable", { password: "wrong-password" })).status).toBe(422);
    expect((await client.post("/settings/2fa/totp/disable", { password: gil.password })).status).toBe(303);
    const [u] = await w.db.select().from(users).where(eq(users.id, gil.userId));
    expect(u).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(await w.db.select().from(backupCodes).where(eq(backupCodes.userId, gil.userId))).toHaveLength(0);
    expect((await login(new WebClient(w.url))).location).toBe("/aliases");
  });
});
