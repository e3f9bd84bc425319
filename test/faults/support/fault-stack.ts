/**
 * The real dev stack (scripts/stack/stack.ts: database, simulator, Worker in workerd, bridges mx1 and mx2
 * as child processes, the development sink) with every duration scaled down so a fault scenario takes
 * seconds: retries every 300 ms, heartbeats every 500 ms, a resolve cache that turns stale after 1 s
 * (so outages exercise serve-stale, not fresh hits) with a 10-minute stale bound standing in for 24 h.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { createDb } from "../../../db/client.js";
import { aliases, failedDeliveries } from "../../../db/schema/index.js";
import { type Stack, startStack } from "../../../scripts/stack/stack.js";

/** The scaled configuration every fault-suite bridge runs with. */
export const FAULT_BRIDGE_ENV: Record<string, string> = {
  RETRY_SCHEDULE: "300ms",
  QUEUE_POLL_MS: "100",
  REPORT_RETRY: "300ms",
  HEARTBEAT_INTERVAL: "500ms",
  RESOLVE_CACHE_TTL: "1s",
  RESOLVE_STALE_MAX: "10m",
  RESOLVE_TIMEOUT_MS: "2000",
  REPORT_TIMEOUT_MS: "3000",
  DELIVERY_TIMEOUT_MS: "10000",
  LOG_LEVEL: "info",
};

export interface FaultStack {
  stack: Stack;
  dataDir: string;
  /** [mx1, mx2] ports, in MX preference order. */
  mx: number[];
  spoolDir(name: "mx1" | "mx2"): string;
  spoolDirs(): string[];
  outboxDir: string;
  /** The demo user's catch-all domain: any local part is an alias. */
  domain: string;
  /** Emails forwarded, per alias address, as the Worker counted them. */
  forwardedCounts(addresses: string[]): Promise<Map<string, number>>;
  /** Failed-delivery records of the given aliases. */
  failedRecords(addresses: string[]): Promise<number>;
  stop(): Promise<void>;
}

/**
 * @param options.serverUrl a MariaDB server of the test's own (the database-outage scenario stops it)
 */
export async function startFaultStack(options: { serverUrl?: string; bridgeEnv?: Record<string, string> } = {}): Promise<FaultStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "veilmail-faults-"));
  const stack = await startStack({
    dataDir,
    dbName: `veilmail_faults_${randomBytes(4).toString("hex")}`,
    dropDatabaseOnStop: true,
    ports: { worker: 0, mx1: 0, mx2: 0, sink: 0, simulator: 0 },
    sharedDomain: "veilmail.test",
    demo: { username: "demo", recipient: "demo@example.com", password: "demo-password-1" },
    bridgeEnv: { ...FAULT_BRIDGE_ENV, ...options.bridgeEnv },
    ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
  });
  const db = createDb(stack.databaseUrl);
  const spoolDir = (name: "mx1" | "mx2") => stack.bridges[name].env.SPOOL_DIR!;
  return {
    stack,
    dataDir,
    mx: stack.info.mx.map((m) => m.port),
    spoolDir,
    spoolDirs: () => [spoolDir("mx1"), spoolDir("mx2")],
    outboxDir: stack.info.outboxDir,
    domain: "demo.veilmail.test",
    async forwardedCounts(addresses) {
      const rows = await db.select({ email: aliases.email, n: aliases.emailsForwarded }).from(aliases).where(inArray(aliases.email, addresses));
      return new Map(rows.map((r) => [r.email, r.n]));
    },
    async failedRecords(addresses) {
      const rows = await db.select({ id: failedDeliveries.id }).from(failedDeliveries)
        .innerJoin(aliases, eq(aliases.id, failedDeliveries.aliasId)).where(inArray(aliases.email, addresses));
      return rows.length;
    },
    async stop() {
      stack.sinkControl.respond = undefined;
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
