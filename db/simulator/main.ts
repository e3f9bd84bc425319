/**
 * Runs the PlanetScale simulator from the environment: `tsx db/simulator/main.ts`.
 *
 * Environment:
 *   DATABASE_URL            mysql://user:pass@host:port/db to serve. Default: database `veilmail` on the
 *                           server db/local.ts finds (created if missing; run `npm run db:migrate` too).
 *   PS_SIMULATOR_HOST       listen address, default 127.0.0.1 (keep it on loopback).
 *   PS_SIMULATOR_PORT       listen port, default 3900 (0 = any free port).
 *   PS_SIMULATOR_USERNAME   Basic-auth username clients must send, default `veilmail`.
 *   PS_SIMULATOR_PASSWORD   Basic-auth password, default `veilmail-local`.
 *   PS_SIMULATOR_IDLE_MS    idle timeout of an open transaction in ms, default 20000.
 *
 * Prints the client URL (`http://user:pass@host:port`, what the Worker's DATABASE_URL should be) and runs
 * until SIGINT/SIGTERM.
 */
import { ensureDatabase, findServer } from "../local.js";
import { startSimulator } from "./index.js";

async function main(): Promise<void> {
  const env = process.env;
  const mysqlUrl = env.DATABASE_URL ?? (await ensureDatabase((await findServer()).serverUrl, "veilmail"));
  const port = Number(env.PS_SIMULATOR_PORT ?? 3900);
  const idle = Number(env.PS_SIMULATOR_IDLE_MS ?? 20_000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad PS_SIMULATOR_PORT: ${env.PS_SIMULATOR_PORT}`);
  if (!Number.isFinite(idle) || idle <= 0) throw new Error(`bad PS_SIMULATOR_IDLE_MS: ${env.PS_SIMULATOR_IDLE_MS}`);
  const sim = await startSimulator({
    mysqlUrl,
    port,
    host: env.PS_SIMULATOR_HOST ?? "127.0.0.1",
    username: env.PS_SIMULATOR_USERNAME ?? "veilmail",
    password: env.PS_SIMULATOR_PASSWORD ?? "veilmail-local",
    sessionIdleMs: idle,
  });
  console.log(`PlanetScale simulator listening: ${sim.url}`);
  // Close the server and its pool first. (Before it listens, SIGTERM just ends the process.)
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
