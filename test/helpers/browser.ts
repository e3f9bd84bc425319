/**
 * Debian's chromium driven by playwright-core (`npx playwright install` cannot work offline here):
 * headless, no network besides what the page asks for on loopback, a fresh profile per launch.
 * Installed by scripts/install-system-deps.sh (Debian package `chromium`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches chromium with a new `--user-data-dir` (removed again on close). */
export async function launchChromium(opts: { colorScheme?: "light" | "dark" } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh (Debian package chromium)`);
  const profile = mkdtempSync(`${tmpdir()}/veilmail-chromium-`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    colorScheme: opts.colorScheme ?? "light",
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
