/**
 * Passkeys as a second factor in a real browser: chromium's WebAuthn virtual authenticator (DevTools
 * protocol, `WebAuthn.addVirtualAuthenticator`) stands in for a phone or security key. The dashboard
 * runs at http://localhost:<port>, because WebAuthn refuses IP addresses as relying-party ids.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { backupCodes, webauthnCredentials } from "../../db/schema/index.js";
import { freePort } from "../../scripts/stack/stack.js";
import { type Browser, launchChromium } from "../helpers/browser.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
let browser: Browser;
let base = "";
beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  w = await startTestWorker({ APP_URL: base }, port);
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "kim", recipient: "kim@mailbox.example", password: "kim-password-1" }, "admin");
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

it("registers a passkey, then logging in asks for it and lets the user in with it", async () => {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  await page.goto(`${base}/login`);
  await page.getByLabel("Username or e-mail").fill("kim");
  await page.getByLabel("Password").fill("kim-password-1");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${base}/dashboard`);

  await page.goto(`${base}/settings/2fa`);
  await page.getByLabel("Name for the new passkey").fill("Virtual key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByTestId("backup-codes").waitFor();
  const [key] = await w.db.select().from(webauthnCredentials);
  expect(key).toMatchObject({ name: "Virtual key" });
  expect(await w.db.select().from(backupCodes).where(eq(backupCodes.userId, key!.userId))).toHaveLength(10);

  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto(`${base}/login`);
  await page.getByLabel("Username or e-mail").fill("kim");
  await page.getByLabel("Password").fill("kim-password-1");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/login\/2fa/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await page.waitForURL(`${base}/dashboard`);
  expect(await page.getByRole("heading", { name: "Dashboard" }).count()).toBe(1);
  const [used] = await w.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.id, key!.id));
  expect(used!.lastUsedAt).not.toBeNull();
}, 90_000);
