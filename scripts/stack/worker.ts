/**
 * Starts the Worker locally in workerd through wrangler's `unstable_startWorker` (the engine behind
 * `wrangler dev`), with its bindings given here instead of a `.dev.vars` file. Used by `npm run dev`
 * and by the tests.
 */
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface LocalWorker {
  /** e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  /** Triggers the Worker's cron handler once, as Cloudflare would. */
  scheduled(cron?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * @param vars the Worker's bindings (DATABASE_URL, BRIDGE_SECRETS, ADMIN_SECRET, …), all as plain text
 * @param port 0 for any free port
 */
export async function startLocalWorker(vars: Record<string, string>, port = 0, host = "127.0.0.1"): Promise<LocalWorker> {
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const bindings = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { type: "plain_text" as const, value: v }]));
  const worker = await unstable_startWorker({
    config: `${ROOT}/wrangler.toml`,
    bindings,
    dev: {
      server: { hostname: host, port },
      inspector: false,
      persist: false,
      watch: false,
      logLevel: "warn",
      remote: false,
      // Serves `/__scheduled?cron=…` (dev builds only), which runs the cron handler and waits for it:
      // wrangler 4.86's `worker.scheduled()` looks the Worker up in the proxy and fails ("not found").
      testScheduled: true,
    },
  });
  await worker.ready;
  const url = (await worker.url).toString().replace(/\/$/, "");
  return {
    url,
    scheduled: async (cron = "* * * * *") => {
      const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`scheduled handler failed (${res.status}): ${text.slice(0, 300)}`);
    },
    stop: () => worker.dispose(),
  };
}
