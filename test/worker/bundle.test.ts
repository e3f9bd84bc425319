/**
 * The Worker builds for Cloudflare exactly as `npm run deploy` would (`wrangler deploy --dry-run`,
 * offline), and the bundle stays within the size Cloudflare accepts on the free plan (3 MiB gzipped;
 * our own budget of 300 KiB lives in `npm run bench`).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";

const outdir = mkdtempSync(`${tmpdir()}/veilmail-bundle-`);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it("builds with wrangler deploy --dry-run", async () => {
  const { stdout, stderr } = await promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  expect(`${stdout}${stderr}`).toMatch(/--dry-run: exiting now/);
  const bundle = readdirSync(outdir).find((f) => f.endsWith(".js"));
  expect(bundle).toBeDefined();
  const code = readFileSync(`${outdir}/${bundle}`);
  expect(code.includes("/internal/v1/admin/")).toBe(true);
  expect(gzipSync(code).length).toBeLessThan(3 * 1024 * 1024);
}, 120_000);
