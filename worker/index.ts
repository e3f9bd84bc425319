/**
 * Cloudflare Worker entry: the Hono app's fetch, and the cron trigger (wrangler.toml `[triggers]`):
 * every minute the status checks are run and recorded (worker/status/cron.ts); once an hour expired VERP
 * records and old outbox rows are pruned and unverified custom domains expire after 72 hours
 * (worker/outbound/cleanup.ts); accounts whose bandwidth counter
 * is from an earlier month start again at 0 (worker/plans/cron.ts, idempotent).
 */
import { createApp } from "./app.js";
import { runMailCleanup } from "./outbound/cleanup.js";
import { runPlansCron } from "./plans/cron.js";
import { runStatusCron } from "./status/cron.js";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    await Promise.all([runStatusCron(env, (request) => app.fetch(request, env, ctx)), runPlansCron(env)]);
    await runMailCleanup(env);
  },
} satisfies ExportedHandler<Record<string, unknown>>;
