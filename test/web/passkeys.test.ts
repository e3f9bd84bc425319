/**
 * Passkeys through the real Worker (workerd's WebCrypto does the verifying) with a software
 * authenticator for each key type: register on the 2FA page, then log in with it; a wrong origin or a
 * missing CSRF token is refused; another user's passkey cannot be removed. The dashboard runs at
 * http://localhost:<port> because WebAuthn does not accept IP addresses as relying-party ids.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webauthnCredentials } from "../../db/schema/index.js";
import { freePort } from "../../scripts/stack/stack.js";
import { type Alg, SoftAuthenticator } from "../helpers/soft-authenticator.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";
import { WebClient, type WebUser, signedInUser } from "../helpers/web.js";

let w: TestWorker;
let origin = "";
beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  w = await startTestWorker({ APP_URL: origin }, port);
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
});
afterAll(async () => { await w?.close(); });

/** The WebAuthn options a page put in its form's `data-options`. */
const optionsIn = (html: string) => JSON.parse(/data-options="([^"]+)"/.exec(html)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as { challenge: string };

async function register(user: WebUser, auth: SoftAuthenticator, name: string) {
  const page = await user.client.get("/settings/2fa");
  return user.client.post("/settings/2fa/passkeys", { name, response: JSON.stringify(auth.register(optionsIn(page.html).challenge)) });
}

async function loginWith(user: WebUser, auth: SoftAuthenticator, tamper: { origin?: string } = {}) {
  const client = new WebClient(origin);
  const res = await client.submit("/login", { login: user.username, password: user.password });
  const page = await client.get(res.location!);
  return client.post("/login/2fa/passkey", { response: JSON.stringify(auth.assert(optionsIn(page.html).challenge, tamper)) });
}

describe.each(["ES256", "EdDSA", "RS256"] as Alg[])("a %s passkey", (alg) => {
  it("is registered from the 2FA page and then opens the login's second step", async () => {
    const user = await signedInUser(origin, w.db, `pk${alg.toLowerCase()}`);
    const auth = new SoftAuthenticator(alg, "localhost", origin);
    const res = await register(user, auth, `${alg} key`);
    expect(res.status).toBe(200);
    expect(res.html).toContain('data-testid="backup-codes"');
    expect(await w.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, user.userId))).toHaveLength(1);
    expect((await loginWith(user, auth, { origin: "http://evil.example" })).status).toBe(401);
    const ok = await loginWith(user, auth);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/dashboard");
  });
});

describe("refusals", () => {
  it("a registration for another origin (422), without CSRF (403), and removing another user's passkey (404)", async () => {
    const user = await signedInUser(origin, w.db, "pkowner");
    const other = await signedInUser(origin, w.db, "pkother");
    const wrong = new SoftAuthenticator("ES256", "localhost", "http://evil.example");
    const bad = await register(user, wrong, "wrong");
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("could not be verified");
    const page = await user.client.get("/settings/2fa");
    const auth = new SoftAuthenticator("ES256", "localhost", origin);
    expect((await user.client.post("/settings/2fa/passkeys", { _csrf: null, name: "x", response: JSON.stringify(auth.register(optionsIn(page.html).challenge)) })).status).toBe(403);
    expect((await register(user, auth, "good")).status).toBe(200);
    const [key] = await w.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, user.userId));
    await other.client.get("/settings/2fa");
    expect((await other.client.post(`/settings/2fa/passkeys/${key!.id}/delete`, { password: other.password })).status).toBe(404);
    await user.client.get("/settings/2fa");
    expect((await user.client.post(`/settings/2fa/passkeys/${key!.id}/delete`, { password: "not-it" })).status).toBe(422);
    expect((await user.client.post(`/settings/2fa/passkeys/${key!.id}/delete`, { password: user.password })).status).toBe(303);
    expect(await w.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, user.userId))).toHaveLength(0);
  });
});
