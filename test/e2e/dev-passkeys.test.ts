/**
 * Passkeys under the local stack that `npm run dev` starts (scripts/stack/stack.ts): its APP_URL is
 * `http://localhost:<port>`, so a browser at the dashboard's address can register and use a passkey. A
 * review found the stack on `http://127.0.0.1:<port>`, which WebAuthn refuses as a relying-party id.
 * Debian chromium with its virtual authenticator stands in for a security key; the demo account logs in.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Stack } from "../../scripts/stack/stack.js";
import { type Browser, launchChromium } from "../helpers/browser.js";
import { startTestStack } from "../helpers/stack.js";

let stack: Stack & { dataDir: string };
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it("registers a passkey at the stack's dashboard address and logs in with it", async () => {
  const base = stack.info.appUrl;
  expect(new URL(base).hostname).toBe("localhost");
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const logIn = async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel("Username or e-mail").fill(stack.demo!.username);
    await page.getByLabel("Password").fill(stack.demo!.password);
    await page.getByRole("button", { name: "Log in" }).click();
  };

  await logIn();
  await page.waitForURL(`${base}/dashboard`);
  await page.goto(`${base}/settings/2fa`);
  await page.getByLabel("Name for the new passkey").fill("Dev key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByTestId("backup-codes").waitFor();

  await page.getByRole("button", { name: "Log out" }).click();
  await logIn();
  await page.waitForURL(/\/login\/2fa/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await page.waitForURL(`${base}/dashboard`);
  expect(await page.getByRole("heading", { name: "Dashboard" }).count()).toBe(1);
}, 120_000);
