import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * All tests run in Node against real components: MariaDB, the PlanetScale simulator, the Worker in
 * workerd (the deploy bundle run by Miniflare, scripts/stack/worker.ts), real SMTP sockets on 127.0.0.1.
 *
 * Two projects: `main` (everything but the fault suite) and `faults` (test/faults: real processes killed,
 * stopped and starved; each scenario bounded in time, durations scaled down through configuration; its
 * global setup prints the suite's table when the run ends). `npm test` runs both.
 */
export default defineConfig({
  root,
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    projects: [
      {
        extends: true,
        test: { name: "main", include: ["test/**/*.test.ts"], exclude: ["test/faults/**", "node_modules/**", ".data/**"] },
      },
      {
        extends: true,
        test: {
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          globalSetup: ["test/faults/support/report.ts"],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
