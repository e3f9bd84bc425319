/**
 * The whole service on one machine: database, migrations, PlanetScale simulator, Worker (workerd),
 * bridges mx1 and mx2 (the simulator and the bridges are child processes) and the development mail
 * sink. `npm run dev` runs it with the fixed ports of the README; the end-to-end tests run it with free
 * ports and a throwaway database.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { type SinkOptions, startSink } from "../../bridge/dev/sink.js";
import type { StaticZone } from "../../bridge/dns/resolver.js";
import { generateDkimKey } from "../../bridge/sign/keys.js";
import { dropDatabase, ensureDatabase, findServer } from "../../db/local.js";
import { migrate } from "../../db/migrate.js";
import type { AdminTarget } from "../admin/target.js";
import { type BridgeProcess, spawnBridge } from "./bridge-process.js";
import { spawnSimulator } from "./simulator-process.js";
import type { StackInfo } from "./files.js";
import { writeDevZone } from "./dev-zone.js";
import { type DemoAccount, seedDemo } from "./seed.js";
import { type LocalWorker, startLocalWorker } from "./worker.js";

export interface StackOptions {
  /** Where spools, outbox, keys and logs go (`.data` for dev, a temp dir for tests). */
  dataDir: string;
  dbName: string;
  /** Drop the database on stop (tests). */
  dropDatabaseOnStop: boolean;
  ports: { worker: number; mx1: number; mx2: number; sink: number; simulator: number };
  sharedDomain: string;
  demo: { username: string; recipient: string; password: string } | null;
  /** Extra Worker settings (e.g. a higher API rate limit for the benchmark). */
  workerEnv?: Record<string, string>;
  /** Extra environment for both bridges (e.g. a scaled-down RETRY_SCHEDULE in tests). */
  bridgeEnv?: Record<string, string>;
  /** Records added to the dev DNS zone (scripts/stack/dev-zone.ts). */
  dnsZone?: StaticZone;
  /** A MariaDB/MySQL server (`mysql://root@127.0.0.1:PORT`) to use instead of finding one (db/local.ts). */
  serverUrl?: string;
}

export interface Stack {
  info: StackInfo;
  admin: AdminTarget;
  demo: DemoAccount | null;
  /** The PlanetScale simulator's URL (the Worker's DATABASE_URL), for tests that arrange rows. */
  databaseUrl: string;
  worker: LocalWorker;
  bridges: Record<"mx1" | "mx2", BridgeProcess>;
  /** The stack's database (mysql:// URL), for seeding in benchmarks and checks in tests. */
  mysqlUrl: string;
  /** Tests set `respond` to make the sink refuse or defer (e.g. 451 while a bridge is killed). */
  sinkControl: { respond: SinkOptions["respond"] };
  /**
   * Stops a bridge (gracefully; a no-op after a kill) and starts it again with the same environment,
   * changed by `env` (e.g. another RELAY_URL). Its spool is kept.
   */
  restartBridge(name: "mx1" | "mx2", env?: Record<string, string>): Promise<BridgeProcess>;
  /** Stops the Worker only (an outage); `startWorker` brings it back on the same port. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local stack's APP_URL for a Worker on `port`: a host name, not 127.0.0.1, because WebAuthn refuses
 * IP addresses as relying-party ids (passkeys); browsers resolve `localhost` to the loopback interface
 * the Worker listens on.
 */
export function devAppUrl(port: number): string {
  return `http://localhost:${port}`;
}

/** A free TCP port on 127.0.0.1 (bridges are child processes and need a fixed one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const secret = () => randomBytes(24).toString("hex");

/** Starts everything in order; on failure stops what was started and rethrows. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const dirs = { outbox: `${opts.dataDir}/outbox`, spool: `${opts.dataDir}/spool`, keys: `${opts.dataDir}/dev`, logs: `${opts.dataDir}/logs` };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });

    const server = opts.serverUrl ? { serverUrl: opts.serverUrl, stop: async () => {} } : await findServer();
    cleanups.push(() => server.stop());
    const mysqlUrl = await ensureDatabase(server.serverUrl, opts.dbName);
    if (opts.dropDatabaseOnStop) cleanups.push(() => dropDatabase(server.serverUrl, opts.dbName));
    await migrate(mysqlUrl);

    const psUser = "veilmail";
    const sim = await spawnSimulator({ mysqlUrl, port: opts.ports.simulator, username: psUser, password: secret(), logFile: `${dirs.logs}/simulator.log` });
    cleanups.push(() => sim.close());

    const dkimKeyFile = `${dirs.keys}/dkim.pem`;
    if (!existsSync(dkimKeyFile)) writeFileSync(dkimKeyFile, generateDkimKey().privateKey, { mode: 0o600 });
    const zoneFile = writeDevZone(`${dirs.keys}/zone.json`, { sharedDomain: opts.sharedDomain, selector: "veilmail", dkimKeyFile, extra: opts.dnsZone });

    const secrets = { mx1: secret(), mx2: secret(), admin: secret() };
    // The port is chosen before the Worker starts: APP_URL (links in the mail it sends) must name it.
    const workerPort = opts.ports.worker || await freePort();
    const appUrl = devAppUrl(workerPort);
    const workerVars = {
      DATABASE_URL: sim.url,
      BRIDGE_SECRETS: `mx1=${secrets.mx1},mx2=${secrets.mx2}`,
      ADMIN_SECRET: secrets.admin,
      APP_URL: appUrl,
      ...opts.workerEnv,
    };
    let worker = await startLocalWorker(workerVars, workerPort);
    cleanups.push(() => worker.stop());

    const sinkControl: Stack["sinkControl"] = { respond: undefined };
    const sink = await startSink({ host: "127.0.0.1", port: opts.ports.sink, dir: dirs.outbox, respond: (ctx) => sinkControl.respond?.(ctx) });
    cleanups.push(() => sink.close());

    const bridgeEnv = (name: "mx1" | "mx2", port: number): Record<string, string> => ({
      NODE_NAME: name,
      NODE_ROLE: name === "mx1" ? "primary" : "backup",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(port),
      HOSTNAME: `${name}.${opts.sharedDomain}`,
      WORKER_URL: worker.url,
      BRIDGE_SECRET: secrets[name],
      SPOOL_DIR: `${dirs.spool}/${name}`,
      DKIM_SELECTOR: "veilmail",
      DKIM_PRIVATE_KEY_FILE: dkimKeyFile,
      DNS_ZONE_FILE: zoneFile,
      RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
      NOTIFY_FROM: `Veilmail <no-reply@${opts.sharedDomain}>`,
      OUTBOX_POLL_MS: "1000",
      LOG_LEVEL: "info",
      ...opts.bridgeEnv,
    });
    const ports = { mx1: opts.ports.mx1 || await freePort(), mx2: opts.ports.mx2 || await freePort() };
    const bridges = {} as Record<"mx1" | "mx2", BridgeProcess>;
    for (const name of ["mx1", "mx2"] as const) {
      bridges[name] = await spawnBridge(name, bridgeEnv(name, ports[name]), `${dirs.logs}/${name}.log`);
    }
    cleanups.push(async () => { await Promise.all(Object.values(bridges).map((b) => b.stop())); });

    const info: StackInfo = {
      workerUrl: worker.url,
      appUrl,
      adminSecret: secrets.admin,
      dkimSelector: "veilmail",
      dkimKeyFile,
      sharedDomain: opts.sharedDomain,
      mx: (["mx1", "mx2"] as const).map((name) => ({ name, host: "127.0.0.1", port: ports[name] })),
      sinkPort: sink.port,
      outboxDir: dirs.outbox,
    };
    const admin: AdminTarget = { workerUrl: worker.url, adminSecret: secrets.admin, stack: info };
    const demo = opts.demo ? await seedDemo(admin, { ...opts.demo, sharedDomain: opts.sharedDomain }) : null;

    return {
      info, admin, demo, bridges, sinkControl, mysqlUrl, databaseUrl: sim.url,
      get worker() { return worker; },
      async restartBridge(name, env = {}) {
        await bridges[name].stop();
        bridges[name] = await spawnBridge(name, { ...bridges[name].env, ...env }, `${dirs.logs}/${name}.log`);
        return bridges[name];
      },
      async stopWorker() { await worker.stop(); },
      async startWorker() { worker = await startLocalWorker(workerVars, workerPort); },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
