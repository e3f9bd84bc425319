/**
 * The status as of now, from whatever can be reached: probes and the database ping always run; mail
 * servers, maintenance mode, incidents and history need the database, and are marked unavailable
 * (`null`, components `unknown`) when it does not answer. Used by the page, its JSON and the cron.
 */
import type { Db } from "../../db/client.js";
import { listNodes, type MxNode } from "../ops/heartbeats.js";
import { getMaintenance } from "../ops/maintenance.js";
import { type ComponentStatus, mxStatus, overall } from "./components.js";
import { dailyRows } from "./history.js";
import { type Incident, recentIncidents } from "./incidents.js";
import { type AppFetch, pingDatabase, PROBES, runProbe } from "./probes.js";
import type { DailyRow } from "./uptime.js";

export interface StatusDeps {
  db: Db;
  appFetch: AppFetch;
  /** APP_URL: the origin the probes are addressed to. */
  appUrl: string;
  /** Bridge names from BRIDGE_SECRETS, one mail-server component each. */
  bridgeNodes: Iterable<string>;
  now: Date;
}

export interface StatusSnapshot {
  checkedAt: Date;
  overall: ReturnType<typeof overall>;
  /** False when the database did not answer: the fields below that need it are null. */
  databaseReachable: boolean;
  components: ComponentStatus[];
  maintenance: { on: boolean; until: string | null; since: string | null } | null;
  incidents: Incident[] | null;
  history: DailyRow[] | null;
}

const settle = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

/**
 * Computes the snapshot. Never throws.
 * @param withPageData also read incidents and history (the page does; the cron does not need them)
 */
export async function statusSnapshot(deps: StatusDeps, withPageData: boolean): Promise<StatusSnapshot> {
  const { db, now } = deps;
  const [probes, database] = await Promise.all([
    Promise.all(PROBES.map((def) => runProbe(deps.appFetch, deps.appUrl, def))),
    pingDatabase(db),
  ]);
  const reachable = database.state !== "down";
  const [nodes, maintenance, incidents, history] = reachable
    ? await Promise.all([
      settle(listNodes(db)),
      settle(getMaintenance(db, now)),
      withPageData ? settle(recentIncidents(db, now)) : null,
      withPageData ? settle(dailyRows(db, now)) : null,
    ])
    : [null, null, null, null];
  const mail = [...deps.bridgeNodes].sort().map((key): ComponentStatus => {
    if (!nodes) return { key, name: `Mail server ${key}`, state: "unknown", detail: "heartbeats unavailable while the database is unreachable", latencyMs: null };
    return mxStatus(key, nodes.find((n: MxNode) => n.name === key), now, maintenance?.on ?? false);
  });
  const components = [...probes, database, ...mail];
  return {
    checkedAt: now,
    overall: overall(components.map((c) => c.state), maintenance?.on ?? false),
    databaseReachable: reachable && nodes !== null,
    components,
    maintenance,
    incidents,
    history,
  };
}
