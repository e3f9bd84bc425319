/**
 * Starts the Worker locally in workerd, as Cloudflare would run it: the bundle `wrangler deploy` would
 * upload (`wrangler deploy --dry-run --outdir`, built when the sources change), run by Miniflare (the same
 * workerd wrangler dev uses) with wrangler.toml's settings and vars (`unstable_getMiniflareWorkerOptions`)
 * and the bindings given here instead of a `.dev.vars` file. Used by `npm run dev`, the tests and the
 * benchmark.
 *
 * Not `wrangler dev` / `unstable_startWorker`: those put a proxy (a second workerd and a Node server) in
 * front of the Worker, which cost about 4 ms per request before our code ran (a trivial request took
 * 7.5 ms instead of 3.7); Cloudflare has no such hop. No file watching or live reload either way.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { DATA_DIR, ROOT } from "./files.js";

export interface LocalWorker {
  /** e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  /** Runs the Worker's cron handler once, as Cloudflare would, and waits for it. @throws when it fails */
  scheduled(cron?: string): Promise<void>;
  stop(): Promise<void>;
}

/** What the bundle is built from: a change to any of these builds it again. */
const SOURCES = ["worker", "common", "db", "wrangler.toml", "package-lock.json"];
const CACHE_DIR = `${DATA_DIR}/worker-bundle`;

let bundle: Promise<string> | undefined;

/** SHA-256 over the paths and contents of {@link SOURCES} (hex, 16 characters). */
function sourceHash(): string {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    const path = `${ROOT}/${source}`;
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, encoding: "utf8" }).map((f) => `${source}/${f}`).sort()
      : [source];
    for (const file of files) {
      if (!statSync(`${ROOT}/${file}`).isFile()) continue;
      hash.update(`${file}\0`).update(readFileSync(`${ROOT}/${file}`)).update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The production bundle's path, `.data/worker-bundle/<source hash>/index.js`: built by `wrangler deploy
 * --dry-run` (about 5 s) when the sources changed, otherwise reused, also across processes (each test
 * file's Worker). A build goes to a temporary directory that is then renamed, so concurrent builds of
 * the same sources never see each other's half-written files.
 */
function workerBundle(): Promise<string> {
  bundle ??= (async () => {
    mkdirSync(CACHE_DIR, { recursive: true });
    const dir = `${CACHE_DIR}/${sourceHash()}`;
    if (existsSync(`${dir}/index.js`)) return `${dir}/index.js`;
    const outdir = mkdtempSync(`${CACHE_DIR}/build-`);
    try {
      await promisify(execFile)(process.execPath, [`${ROOT}/node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", outdir], {
        cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }, maxBuffer: 16 * 1024 * 1024,
      });
      renameSync(outdir, dir);
      pruneBundles(dir);
    } catch (err) {
      rmSync(outdir, { recursive: true, force: true });
      // Another process renamed the same build into place first.
      if (!existsSync(`${dir}/index.js`)) throw err;
    }
    return `${dir}/index.js`;
  })();
  bundle.catch(() => { bundle = undefined; });
  return bundle;
}

/** Removes bundles of other sources built more than a day ago (a running stack may still restart from a recent one). */
function pruneBundles(keep: string): void {
  const before = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(CACHE_DIR)) {
    const path = `${CACHE_DIR}/${name}`;
    if (path !== keep && statSync(path).mtimeMs < before) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * @param vars the Worker's bindings (DATABASE_URL, BRIDGE_SECRETS, ADMIN_SECRET, …), all as plain text;
 *   they override wrangler.toml's `[vars]`
 * @param port 0 for any free port
 * @throws the build's or workerd's error (e.g. the port is taken)
 */
export async function startLocalWorker(vars: Record<string, string>, port = 0, host = "127.0.0.1"): Promise<LocalWorker> {
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const scriptPath = await workerBundle();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${ROOT}/wrangler.toml`);
  const mf = new Miniflare({
    host,
    port,
    workers: [{
      ...workerOptions,
      name: "veilmail",
      modules: true,
      scriptPath,
      modulesRoot: dirname(scriptPath),
      bindings: { ...workerOptions.bindings, ...vars },
    }],
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    throw err;
  }
  return {
    url: url.toString().replace(/\/$/, ""),
    scheduled: async (cron = "* * * * *") => {
      const worker = await mf.getWorker();
      const result = await worker.scheduled({ cron, scheduledTime: new Date() });
      if (result.outcome !== "ok") throw new Error(`scheduled handler failed (${result.outcome})`);
    },
    stop: () => mf.dispose(),
  };
}
