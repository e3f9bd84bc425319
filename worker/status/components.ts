/**
 * The status page's components and the pure rules that give each its state. Components: the landing
 * page, the web app, the API (each probed in-process), the database (a ping), and one mail server per
 * bridge named in BRIDGE_SECRETS (from its heartbeats).
 *
 * States: `up`, `degraded` (working, but slow or the queue is stuck), `down`, `maintenance` (mail
 * deliberately deferred), `unknown` (what would tell cannot be reached: the database is down).
 */
import type { MxNode } from "../ops/heartbeats.js";

export type ComponentState = "up" | "degraded" | "down" | "maintenance" | "unknown";

/** One component's current state. */
export interface ComponentStatus {
  /** `landing`, `webapp`, `api`, `database`, or the bridge's name (`mx1`). */
  key: string;
  name: string;
  state: ComponentState;
  /** A short human explanation, e.g. `last heartbeat 12 s ago, 3 queued`. */
  detail: string;
  latencyMs: number | null;
}

/** A bridge is down when its last heartbeat is older than this (three missed 30-s beats). */
export const HEARTBEAT_MAX_AGE_S = 90;
/** A queue is stuck when due mail has waited this long past its due time and nothing was delivered. */
export const STUCK_OVERDUE_S = 300;
/** Probe and ping answers slower than this count as degraded. */
export const SLOW_MS = 2000;

/**
 * The state of mail server `key` from its last heartbeat.
 * @param maintenanceOn the Worker's maintenance mode (the bridge holds its queue on purpose)
 * @example mxStatus("mx1", node, new Date(), false).state // "up"
 */
export function mxStatus(key: string, node: MxNode | undefined, now: Date, maintenanceOn: boolean): ComponentStatus {
  const name = `Mail server ${key}${node ? ` (${node.role})` : ""}`;
  const base = { key, name, latencyMs: null };
  if (!node) return { ...base, state: "down", detail: "no heartbeat received yet" };
  const age = Math.max(0, Math.round((now.getTime() - node.lastSeenAt.getTime()) / 1000));
  const queue = node.queueDepth === 0 ? "queue empty" : `${node.queueDepth} queued, oldest ${node.oldestQueuedSeconds ?? 0} s`;
  const detail = `last heartbeat ${age} s ago, ${queue}`;
  if (age > HEARTBEAT_MAX_AGE_S) return { ...base, state: "down", detail };
  if (node.holding) return { ...base, state: "maintenance", detail: `${detail}, holding mail for maintenance` };
  // Maintenance is on but this server has not said so in a heartbeat yet: until it does, it may still
  // accept and deliver (its RCPT answers can come from its cache).
  if (maintenanceOn) return { ...base, state: "maintenance", detail: `${detail}, maintenance on, not yet confirmed by this server` };
  if (node.queueDepth > 0 && node.overdueSeconds > STUCK_OVERDUE_S && node.deliveries === 0) {
    return { ...base, state: "degraded", detail: `${detail}, queue stuck (${node.overdueSeconds} s overdue)` };
  }
  return { ...base, state: "up", detail };
}

/** The database component from a ping's outcome. */
export function databaseStatus(ping: { ok: boolean; latencyMs: number; error?: string }): ComponentStatus {
  const base = { key: "database", name: "Database", latencyMs: ping.latencyMs };
  if (!ping.ok) return { ...base, state: "down", detail: ping.error ?? "unreachable" };
  return { ...base, state: ping.latencyMs > SLOW_MS ? "degraded" : "up", detail: `ping ${ping.latencyMs} ms` };
}

/** The page's headline from every component's state. */
export function overall(states: ComponentState[], maintenanceOn: boolean): "operational" | "degraded" | "outage" | "maintenance" {
  if (states.includes("down")) return "outage";
  if (states.includes("degraded") || states.includes("unknown")) return "degraded";
  if (maintenanceOn || states.includes("maintenance")) return "maintenance";
  return "operational";
}

/** Words for each state (the page never relies on colour alone). */
export const STATE_LABEL: Record<ComponentState, string> = {
  up: "Operational",
  degraded: "Degraded",
  down: "Down",
  maintenance: "Maintenance",
  unknown: "Unknown",
};
