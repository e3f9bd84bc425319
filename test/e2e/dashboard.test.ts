/**
 * The dashboard end to end in a real browser (Debian chromium via playwright-core) over the whole local
 * stack: sign up → open the verification link from the dev outbox (the mail went Worker → outbox →
 * bridge → dev sink) → create an alias → send mail to it with swaks → see its forwarded counter rise.
 * Keeps a screenshot of the aliases page under test/artifacts/ and prints its path.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import PostalMime from "postal-mime";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { type Browser, launchChromium } from "../helpers/browser.js";
import { startTestStack, swaks, waitForOutbox, withMarker } from "../helpers/stack.js";

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

const ARTIFACTS = `${ROOT}/test/artifacts`;

/** Reloads until `cell` shows `want` (the bridge reports its events a moment after delivering). */
async function waitForText(page: Page, selector: string, want: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.locator(selector).textContent())?.trim() === want) return;
    if (Date.now() > deadline) throw new Error(`${selector} never showed ${want}`);
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
}

it("signs up, verifies by the mailed link, creates an alias, and sees a forwarded message counted", async () => {
  const username = `web${randomBytes(3).toString("hex")}`;
  const email = `${username}@example.com`;
  const page = await browser.context.newPage();
  const base = stack.info.appUrl;

  await page.goto(`${base}/`);
  expect(await page.locator("a[href=\"/status\"]").count()).toBeGreaterThan(0);
  await page.getByRole("link", { name: "Create a free account" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Your real e-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("browser-password-1");
  await page.getByLabel("Password again").fill("browser-password-1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${base}/dashboard`);
  expect(await page.locator(".flash.ok").textContent()).toContain(`We sent a link to ${email}`);

  const [mail] = (await waitForOutbox(stack.info.outboxDir, (m) => m.some((x) => x.envelope.rcptTo.includes(email)))).filter((x) => x.envelope.rcptTo.includes(email));
  const parsed = await PostalMime.parse(mail!.raw);
  const link = /https?:\/\/\S+\/recipients\/verify\?token=\S+/.exec(parsed.text ?? "")![0];
  expect(link.startsWith(base)).toBe(true);
  await page.goto(link);
  // Opening the link only asks (mail scanners open links too); the button verifies.
  await page.getByRole("heading", { name: "Verify your address" }).waitFor();
  await page.getByRole("button", { name: `Verify ${email}` }).click();
  await page.getByRole("heading", { name: "Address verified" }).waitFor();

  await page.goto(`${base}/aliases`);
  await page.getByLabel("Domain").selectOption("veilmail.test");
  await page.getByLabel("Format").selectOption("random_words");
  await page.getByLabel("Description (optional)").fill("Browser test shop");
  await page.getByRole("button", { name: "Create alias" }).click();
  await page.waitForURL(`${base}/aliases`);
  const created = (await page.locator(".flash.ok").textContent()) ?? "";
  const alias = /Created (\S+@veilmail\.test)\./.exec(created)![1]!;
  const row = `tr[data-alias="${alias}"]`;
  expect((await page.locator(`${row} [data-testid=forwarded]`).textContent())?.trim()).toBe("0");

  const subject = `browser-e2e-${randomBytes(4).toString("hex")}`;
  const sent = await swaks(["--server", `127.0.0.1:${stack.info.mx[0]!.port}`, "--from", "shop@sender.example", "--to", alias, "--header", `Subject: ${subject}`, "--body", "Your order"]);
  expect(sent.code, sent.transcript).toBe(0);
  const [forwarded] = withMarker(await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, subject).length > 0), subject);
  expect(forwarded!.envelope.rcptTo).toEqual([email]);

  await waitForText(page, `${row} [data-testid=forwarded]`, "1");
  expect(await page.locator(row).textContent()).toContain("Browser test shop");
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = `${ARTIFACTS}/aliases-page.png`;
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot of the aliases page: ${shot}`);

  // Every visible form control has an accessible name, and a phone-width screen needs no sideways scrolling.
  // Browser-side code as strings: the test's TypeScript has no DOM types.
  const unlabeled = await page.evaluate(`[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter((el) => !el.labels?.length && !el.getAttribute("aria-label")).map((el) => el.outerHTML)`);
  expect(unlabeled).toEqual([]);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${ARTIFACTS}/aliases-page-phone.png`, fullPage: true });
}, 120_000);

it("follows the system's dark mode", async () => {
  const dark = await launchChromium({ colorScheme: "dark" });
  try {
    const page = await dark.context.newPage();
    await page.goto(`${stack.info.appUrl}/`);
    const bg = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
    expect(bg).toBe("rgb(17, 19, 23)");
  } finally {
    await dark.close();
  }
  const light = await browser.context.newPage();
  await light.goto(`${stack.info.appUrl}/`);
  expect(await light.evaluate("getComputedStyle(document.documentElement).backgroundColor")).toBe("rgb(251, 251, 253)");
});
