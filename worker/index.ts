/** Cloudflare Worker entry: the Hono app's fetch. */
import { createApp } from "./app.js";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Record<string, unknown>>;
