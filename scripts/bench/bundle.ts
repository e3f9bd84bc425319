/**
 * The Worker's bundle as Cloudflare would receive it (`wrangler deploy --dry-run`, offline) and its
 * gzipped size.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { ROOT } from "../stack/files.js";

export async function measureBundle(): Promise<{ bytes: number; gzipBytes: number }> {
  const outdir = mkdtempSync(`${tmpdir()}/veilmail-bundle-`);
  try {
    await promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });
    const code = Buffer.concat(readdirSync(outdir).filter((f) => /\.(m?js|wasm)$/.test(f)).map((f) => readFileSync(`${outdir}/${f}`)));
    return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
